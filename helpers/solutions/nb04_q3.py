"""Worked solution of notebook 04, exercise 3 (q3); it sets `answer`."""
import numpy as np


def pick_threshold(y_true, scores, target_sensitivity):
    case_scores = np.sort(np.asarray(scores)[np.asarray(y_true) == 1])[::-1]
    k = int(np.ceil(target_sensitivity * len(case_scores)))
    return case_scores[max(k, 1) - 1]

answer = pick_threshold

"""Worked solution of notebook 06, exercise 1 (q1); it sets `answer`."""
import numpy as np


def sensitivity_gap(y_true, flagged, groups):
    y_true, flagged, groups = np.asarray(y_true), np.asarray(flagged), np.asarray(groups)
    per_group = [flagged[(groups == g) & (y_true == 1)].mean() for g in np.unique(groups)]
    return max(per_group) - min(per_group)

answer = sensitivity_gap

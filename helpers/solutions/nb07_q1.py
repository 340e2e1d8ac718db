"""Worked solution of notebook 07, exercise 1 (q1); it sets `answer`."""
import numpy as np


def linear_shap(weights, x, background):
    weights, x, background = np.asarray(weights), np.asarray(x), np.asarray(background)
    return weights * (x - background.mean(axis=0))

answer = linear_shap

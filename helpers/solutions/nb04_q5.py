"""Worked solution of notebook 04, exercise 5 (q5); it sets `answer`."""
import numpy as np


def sensitivity_bootstrap(y_true, flagged, n_resamples=1000, seed=0):
    y_true, flagged = np.asarray(y_true), np.asarray(flagged)
    rng = np.random.default_rng(seed)
    values = []
    for _ in range(n_resamples):
        rows = rng.integers(0, len(y_true), len(y_true))  # a new test set of the same size
        cases = y_true[rows] == 1
        if cases.any():  # a sensitivity needs at least one case
            values.append(flagged[rows][cases].mean())
    low, high = np.quantile(values, [0.025, 0.975])
    return low, high


answer = sensitivity_bootstrap

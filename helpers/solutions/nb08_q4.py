"""Worked solution of notebook 08, exercise 4 (q4); it sets `answer`."""
import numpy as np


def federated_average(client_weights, sizes):
    share = np.asarray(sizes, dtype=float) / np.sum(sizes)            # each hospital's share of the patients
    return [sum(s * np.asarray(w) for s, w in zip(share, layer)) for layer in zip(*client_weights)]

answer = federated_average

"""Worked solution of notebook 10, exercise 1 (q1); it sets `answer`."""
import numpy as np


def reverse_complement_one_hot(x):
    # columns A, C, G, T: reversing them swaps A<->T and C<->G; reversing the rows turns the reading direction round
    return np.asarray(x)[::-1, ::-1]

answer = reverse_complement_one_hot

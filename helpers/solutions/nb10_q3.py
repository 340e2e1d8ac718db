"""Worked solution of notebook 10, exercise 3 (q3); it sets `answer`."""
import numpy as np


def strand_averaged(predict, x):
    x = np.asarray(x)
    return (predict(x) + predict(x[:, ::-1, ::-1])) / 2

answer = strand_averaged

"""Worked solution of notebook 01, exercise 1 (q1); it sets `answer`."""
import keras
import numpy as np


def swish(z):
    return z * keras.ops.sigmoid(z)            # keras.ops works on NumPy arrays and on Keras' tensors


def swish_derivative(z):
    s = 1 / (1 + np.exp(-z))                   # sigmoid(z)
    return s + z * s * (1 - s)                 # product rule: (z)' s + z s', with s' = s (1 - s)


answer = (swish, swish_derivative)

"""Worked solution of notebook 03, exercise 5 (q5); it sets `answer`."""
import numpy as np


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def gru_step(x_t, h_prev, W, U, b):
    W_z, W_r, W_h = np.split(W, 3, axis=1)          # Keras' order of the blocks: z, r, h~
    U_z, U_r, U_h = np.split(U, 3, axis=1)
    b_z, b_r, b_h = np.split(b, 3)
    z = sigmoid(x_t @ W_z + h_prev @ U_z + b_z)     # update gate: how much of the old state to keep
    r = sigmoid(x_t @ W_r + h_prev @ U_r + b_r)     # reset gate: how much of it the candidate may use
    h_tilde = np.tanh(x_t @ W_h + (r * h_prev) @ U_h + b_h)
    return z * h_prev + (1 - z) * h_tilde


answer = gru_step

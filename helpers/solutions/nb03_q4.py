"""Worked solution of notebook 03, exercise 4 (q4); it sets `answer`."""
import numpy as np


def clip_by_norm(gradient, max_norm):
    norm = np.linalg.norm(gradient)
    if norm > max_norm:
        return gradient * (max_norm / norm)
    return gradient

answer = clip_by_norm

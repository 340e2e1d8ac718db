"""Worked solution of notebook 02, exercise 3 (q3); it sets `answer`."""
import numpy as np


def max_pool_2x2(feature_map):
    feature_map = np.asarray(feature_map)
    h, w = feature_map.shape
    return feature_map.reshape(h // 2, 2, w // 2, 2).max(axis=(1, 3))

answer = max_pool_2x2

"""Worked solution of notebook 07, exercise 2 (q2); it sets `answer`."""
import numpy as np


def hottest_pixel_in_mask(heatmap, mask):
    row, col = np.unravel_index(np.argmax(heatmap), heatmap.shape)
    return bool(mask[row, col])

answer = hottest_pixel_in_mask

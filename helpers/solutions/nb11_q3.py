"""Worked solution of notebook 11, exercise 3 (q3); it sets `answer`."""
import numpy as np


def harrell_c(time, event, risk):
    time, event, risk = np.asarray(time, dtype=float), np.asarray(event, dtype=bool), np.asarray(risk, dtype=float)
    comparable = event[:, None] & (time[:, None] < time[None, :])   # i had the event before j's time
    concordant = (risk[:, None] > risk[None, :]) & comparable
    tied = (risk[:, None] == risk[None, :]) & comparable
    return float((concordant.sum() + 0.5 * tied.sum()) / comparable.sum())

answer = harrell_c

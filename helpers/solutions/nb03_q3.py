"""Worked solution of notebook 03, exercise 3 (q3); it sets `answer`."""
import numpy as np

r_peaks = np.array([12, 52, 93, 131])        # sample indices
rr_seconds = np.diff(r_peaks) / 50           # 50 samples per second
answer = 60 / rr_seconds.mean()              # beats per minute

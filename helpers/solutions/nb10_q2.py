"""Worked solution of notebook 10, exercise 2 (q2); it sets `answer`."""
import numpy as np

counts = np.array([8, 903, 0, 2])          # A, C, G, T at the fifth position of CTCF MA0139.1
p = counts / counts.sum()
p = p[p > 0]                               # a base that never occurs adds 0 bits
answer = 2 + np.sum(p * np.log2(p))

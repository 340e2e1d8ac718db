"""Worked solution of notebook 02, exercise 2 (q2); it sets `answer`."""
weights_per_filter = 5 * 5 * 16
answer = (weights_per_filter + 1) * 32     # 12,832

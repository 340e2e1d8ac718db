"""Worked solution of notebook 04, exercise 2 (q2); it sets `answer`."""
conv = 8 * (3 * 3 * 1 + 1)
dense = 8 * (24 * 24 + 1)
answer = (conv, dense)

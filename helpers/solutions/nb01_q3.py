"""Worked solution of notebook 01, exercise 3 (q3); it sets `answer`."""
answer = 0.25 ** 5

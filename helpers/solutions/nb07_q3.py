"""Worked solution of notebook 07, exercise 3 (q3); it sets `answer`."""
answer = 1.1 / 12 * (70 - 40)

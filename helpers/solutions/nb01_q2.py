"""Worked solution of notebook 01, exercise 2 (q2); it sets `answer`."""
answer = (30 * 16 + 16) + (16 * 8 + 8) + (8 * 1 + 1)

"""Worked solution of notebook 06, exercise 4 (q4); it sets `answer`."""
answer = "c"

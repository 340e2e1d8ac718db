"""Worked solution of notebook 07, exercise 4 (q4); it sets `answer`."""
answer = "b"

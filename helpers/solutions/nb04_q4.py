"""Worked solution of notebook 04, exercise 4 (q4); it sets `answer`."""
answer = {"A", "B", "D"}

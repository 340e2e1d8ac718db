"""Worked solution of notebook 10, exercise 4 (q4); it sets `answer`."""
answer = "b"   # hold out whole chromosomes: overlapping windows and most near-copies stay on one side

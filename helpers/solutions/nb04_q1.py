"""Worked solution of notebook 04, exercise 1 (q1); it sets `answer`."""
# 10 h + h + h + 1 = 12 h + 1 <= 2000 / 10
answer = (2000 // 10 - 1) // 12

"""Worked solution of notebook 03, exercise 2 (q2); it sets `answer`."""
import math

p = 0.01 ** (1 / 100)           # the gate value that keeps 1 % after 100 steps
answer = math.log(p / (1 - p))  # invert the sigmoid

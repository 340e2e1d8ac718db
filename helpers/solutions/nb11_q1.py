"""Worked solution of notebook 11, exercise 1 (q1); it sets `answer`."""
# Relapses at 3, 7 and 11 months. At risk just before each: 6 (everyone), 4 (A relapsed, B censored at 5),
# 2 (C relapsed, D censored at 9). S(12) multiplies the three factors; F's relapse at 14 comes later.
answer = (1 - 1 / 6) * (1 - 1 / 4) * (1 - 1 / 2)

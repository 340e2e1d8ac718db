"""Worked solution of notebook 09, exercise 4 (q4); it sets `answer`."""
# The held-out notes differ from the seen-template notes only in their phrasing, so the gap is what
# the model took from the training templates' wording rather than from their meaning.
answer = "c"

"""Worked solution of notebook 12, exercise 4 (q4); it sets `answer`."""
# Flagged patients (many with pneumonia) were treated early and deteriorated less often. Retrained on
# those outcomes, the model learns that pneumonia on admission is less dangerous than it is: it learns
# the effect of the treatment its predecessor triggered, and would flag those patients less.
answer = "a"

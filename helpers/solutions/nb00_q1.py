"""Worked solution of notebook 00, exercise 1 (q1); it sets `answer`."""
from helpers.data import files

cohort = files.load("ehr_cohort")
group = cohort[(cohort["age"] >= 70) & (cohort["smoker"] == 1)]
answer = group["cardiac_event_5y"].mean()

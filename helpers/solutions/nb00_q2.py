"""Worked solution of notebook 00, exercise 2 (q2); it sets `answer`."""
from helpers.data import files

cohort = files.load("ehr_cohort")
rates = cohort.groupby("smoker")["cardiac_event_5y"].mean()
answer = rates[1] / rates[0]

"""Exercises of notebook 00: a first look at the suite's data."""
from __future__ import annotations

import numpy as np

from helpers import datasets
from helpers.exercises import Exercise


def _event_rate() -> float:
    return float(datasets.load("ehr_cohort")["cardiac_event_5y"].mean())


def _risk_ratio() -> float:
    cohort = datasets.load("ehr_cohort")
    rates = cohort.groupby("smoker")["cardiac_event_5y"].mean()
    return float(rates[1] / rates[0])


def _negated_fever_notes() -> int:
    notes = datasets.load("clinical_notes")
    mentions = notes["text"].str.lower().str.contains("fever")
    return int((mentions & (notes["pneumonia"] == 0)).sum())


def _check_event_rate(answer) -> None:
    assert isinstance(answer, (float, int, np.floating)), "Give the share as a number between 0 and 1."
    assert 0 <= answer <= 1, "A share lies between 0 and 1 (27 %, say, is 0.27)."
    assert abs(answer - _event_rate()) < 0.005, "Take the mean of the 0/1 column cardiac_event_5y."


def _check_risk_ratio(answer) -> None:
    assert isinstance(answer, (float, int, np.floating)), "Give the ratio as a number."
    assert answer > 0, "A ratio of two rates is positive."
    assert abs(answer - _risk_ratio()) < 0.02, (
        "Divide the event rate among smokers (smoker == 1) by the rate among non-smokers (smoker == 0).")


def _check_negated_notes(answer) -> None:
    assert isinstance(answer, (int, np.integer)), "Give a whole number of notes."
    assert answer == _negated_fever_notes(), (
        "Count notes whose text contains 'fever' (any case) AND whose pneumonia label is 0.")


q1 = Exercise(
    title="Exercise 1 (event rate)",
    checker=_check_event_rate,
    hint_text="cohort['cardiac_event_5y'].mean() gives the share of 1s in a 0/1 column.",
    solution_code="""
from helpers import datasets
answer = datasets.load("ehr_cohort")["cardiac_event_5y"].mean()
""",
    wrong_answers=[0.5, 27.0, 0.0],
    success_message="About a quarter of these patients had an event within five years.",
)

q2 = Exercise(
    title="Exercise 2 (smoking risk ratio)",
    checker=_check_risk_ratio,
    hint_text="cohort.groupby('smoker')['cardiac_event_5y'].mean() gives one rate per group.",
    solution_code="""
from helpers import datasets
cohort = datasets.load("ehr_cohort")
rates = cohort.groupby("smoker")["cardiac_event_5y"].mean()
answer = rates[1] / rates[0]
""",
    wrong_answers=[1.0, 0.5, 10.0],
    success_message="Smokers have events markedly more often here, as the generator intends: smoking is a true risk factor.",
)

q3 = Exercise(
    title="Exercise 3 (negated findings)",
    checker=_check_negated_notes,
    hint_text="notes['text'].str.lower().str.contains('fever') is True/False per note; combine with & and (notes['pneumonia'] == 0).",
    solution_code="""
from helpers import datasets
notes = datasets.load("clinical_notes")
mentions = notes["text"].str.lower().str.contains("fever")
answer = int((mentions & (notes["pneumonia"] == 0)).sum())
""",
    wrong_answers=[0, -1, 400],
    success_message="Many notes say 'fever' only to deny it: a model that counts words without reading negation is misled.",
)

EXERCISES = [q1, q2, q3]

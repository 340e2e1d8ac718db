"""Exercises of notebook 00: a first look at the suite's data."""
from __future__ import annotations

import numpy as np

from helpers.data import files
from helpers.exercises import Exercise


def _old_smoker_event_rate() -> float:
    cohort = files.load("ehr_cohort")
    group = cohort[(cohort["age"] >= 70) & (cohort["smoker"] == 1)]
    return float(group["cardiac_event_5y"].mean())


def _risk_ratio() -> float:
    cohort = files.load("ehr_cohort")
    rates = cohort.groupby("smoker")["cardiac_event_5y"].mean()
    return float(rates[1] / rates[0])


def _cough_share() -> float:
    notes = files.load("clinical_notes")
    pneumonia = notes[notes["pneumonia"] == 1]
    return float(pneumonia["text"].str.lower().str.contains("cough").mean())


def _check_share(truth, advice):
    def check(answer) -> None:
        assert isinstance(answer, (float, int, np.floating)), "Give the share as a number between 0 and 1."
        assert 0 <= answer <= 1, "A share lies between 0 and 1 (27 %, say, is 0.27)."
        assert abs(answer - truth()) < 0.005, advice
    return check


def _check_risk_ratio(answer) -> None:
    assert isinstance(answer, (float, int, np.floating)), "Give the ratio as a number."
    assert answer > 0, "A ratio of two rates is positive."
    assert abs(answer - _risk_ratio()) < 0.02, (
        "Divide the event rate among smokers (smoker == 1) by the rate among non-smokers (smoker == 0).")


q1 = Exercise(
    title="Exercise 1 (event rate in a subgroup)",
    checker=_check_share(_old_smoker_event_rate,
                         "Select rows with (cohort['age'] >= 70) & (cohort['smoker'] == 1), then take the mean "
                         "of cardiac_event_5y."),
    hint_text="Combine two conditions with &, each in parentheses: cohort[(cond1) & (cond2)].",
    key="nb00_q1",
    wrong_answers=[0.268, 27.0, 0.0],
    success_message="Most older smokers here had an event: two true risk factors together multiply the risk.",
)

q2 = Exercise(
    title="Exercise 2 (smoking risk ratio)",
    checker=_check_risk_ratio,
    hint_text="cohort.groupby('smoker')['cardiac_event_5y'].mean() gives one rate per group.",
    key="nb00_q2",
    wrong_answers=[1.0, 0.5, 10.0],
    success_message="Smokers have events markedly more often here, as the generator intends: smoking is a true risk factor.",
)

q3 = Exercise(
    title="Exercise 3 (a word in pneumonia notes)",
    checker=_check_share(_cough_share,
                         "Keep the notes with pneumonia == 1, then take the mean of "
                         "text.str.lower().str.contains('cough')."),
    hint_text="notes[notes['pneumonia'] == 1]['text'].str.lower().str.contains('cough') is True/False per note.",
    key="nb00_q3",
    wrong_answers=[1.0, 0.0, 42],
    success_message="Note that 'cough' also appears in negations such as 'denies productive cough': counting words is not reading.",
)

EXERCISES = [q1, q2, q3]

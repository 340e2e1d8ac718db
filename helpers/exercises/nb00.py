"""Exercises of notebook 00: a first look at the suite's data."""
from __future__ import annotations

import re

import numpy as np

from helpers.data import files
from helpers.exercises import Exercise, NotAttempted

#: How the notes negate a finding ("denies fever", "no fever", "negative for fever").
_NEGATED_FEVER = re.compile(r"\b(?:denies|no|negative for) fever")


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


def _fever_reported(text: str) -> bool:
    """Label of exercise 4, "fever mentioned and not negated": a mention of fever survives once the negated
    mentions are removed. It reads the words only, not the recorded temperature."""
    return "fever" in _NEGATED_FEVER.sub("", text.lower())


def _check_fever_rule(answer) -> None:
    assert callable(answer), "Pass the function itself (reports_fever), not its result."
    notes = files.load("clinical_notes")
    verdicts = [answer(text) for text in notes["text"]]
    if all(verdict is None for verdict in verdicts):
        raise NotAttempted("Not attempted yet: make reports_fever return True or False.")
    assert all(isinstance(v, (bool, np.bool_)) for v in verdicts), "Return True or False for every note (not None)."
    truth = [_fever_reported(text) for text in notes["text"]]
    false_alarms = [t for t, v, real in zip(notes["text"], verdicts, truth) if v and not real]
    misses = [t for t, v, real in zip(notes["text"], verdicts, truth) if real and not v]
    assert not false_alarms, (f"{len(false_alarms)} notes flagged although every mention of fever in them is negated "
                              f"(or there is none), for example:\n  {false_alarms[0]!r}")
    assert not misses, (f"{len(misses)} notes mention fever at least once without negating it, but your rule missed "
                        f"them, for example:\n  {misses[0]!r}")


def _fever_rule_summary() -> str:
    notes = files.load("clinical_notes")
    reported = np.array([_fever_reported(text) for text in notes["text"]])
    flagged = notes[reported]
    spotted = notes[notes["text"].str.lower().str.contains("fever")]
    temperature = notes["text"].str.lower().str.extract(r"\bt (\d+\.\d) c")[0].astype(float)
    febrile_cleared = int(((temperature >= 38.0) & ~reported).sum())
    return (f"Your rule flags {len(flagged)} notes, {flagged['pneumonia'].mean():.0%} of them pneumonia; the "
            f"word-spotter flagged {len(spotted)}, only {spotted['pneumonia'].mean():.0%} pneumonia. It reads words "
            f"only: {febrile_cleared} of the notes it clears record a temperature of 38.0 C or more, which a clinician "
            "would call a fever. Real notes also negate in many more ways ('fever resolved', 'no longer febrile'), "
            "which is why clinical text needs more than a list of phrases.")


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
                         "Keep only the patients for whom both conditions hold (aged 70 or more, and smoker == 1), "
                         "then take the share of them with cardiac_event_5y == 1."),
    hint_text="Combine two conditions with &, each in parentheses: cohort[(cond1) & (cond2)].",
    key="nb00_q1",
    wrong_answers=[0.268, 27.0, 0.0],
    success_message="Most older smokers here had an event: two true risk factors together multiply the risk.",
)

q2 = Exercise(
    title="Exercise 2 (smoking risk ratio)",
    checker=_check_risk_ratio,
    hint_text="You need one event rate per smoking group; pandas' groupby computes a mean for each value of a column.",
    key="nb00_q2",
    wrong_answers=[1.0, 0.5, 10.0],
    success_message="Smokers have events markedly more often here, as the generator intends: smoking is a true risk factor.",
)

q3 = Exercise(
    title="Exercise 3 (a word in pneumonia notes)",
    checker=_check_share(_cough_share,
                         "Keep the notes labelled pneumonia, then find the share of them whose text contains "
                         "'cough' once lower-cased."),
    hint_text=("Select the pneumonia notes first. The .str methods of a pandas column work on every note at once, "
               "and the mean of True/False values is a share."),
    key="nb00_q3",
    wrong_answers=[1.0, 0.0, 42],
    success_message="Note that 'cough' also appears in negations such as 'denies productive cough': counting words is not reading.",
)


class _FeverRuleExercise(Exercise):
    """Exercise 4 prints counts computed from the notes when the rule is right."""

    def status(self, answer):
        status, message = super().status(answer)
        if status == "correct":
            message = f"{message} {_fever_rule_summary()}"
        return status, message


q4 = _FeverRuleExercise(
    title="Exercise 4 (a rule that reads negation)",
    checker=_check_fever_rule,
    hint_text=("Print a few notes that mention fever but are not pneumonia, and look at the words just before "
               "'fever'. Python's re module can find (or remove) a short list of phrases."),
    key="nb00_q4",
    wrong_answers=[lambda text: "fever" in text.lower(),
                   lambda text: False,
                   lambda text: "fever" in text.lower() and "denies fever" not in text.lower(),
                   lambda text: "reports fever" in text.lower()],
    success_message="Right: no false alarm and no missed mention of fever.",
)

EXERCISES = [q1, q2, q3, q4]

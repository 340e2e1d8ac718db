"""Exercises of notebook 05 (data quality and integrity)."""
from __future__ import annotations

import numpy as np
import pandas as pd

from helpers.exercises import Exercise, NotAttempted

# --- q1: a unit check for temperatures -------------------------------------------------------

_TEMPERATURES = pd.Series([36.8, 98.6, 104.0, 37.9, np.nan, 0.0, 999.0, 95.5, 41.2, 100.4, 38.5, -1.0, 45.5,
                           110.0, 93.5, 107.0])
_IS_FAHRENHEIT = [False, True, True, False, False, False, False, True, False, True, False, False, False,
                  False, True, True]


def _check_q1(answer: object) -> None:
    if not callable(answer):
        raise AssertionError("Pass the function itself: q1.check(is_fahrenheit), without brackets.")
    result = answer(_TEMPERATURES.copy())
    if result is None:
        raise NotAttempted("Not attempted yet: make is_fahrenheit return a Series of True/False.")
    flags = pd.Series(result)
    assert len(flags) == len(_TEMPERATURES), (
        f"Return one True/False per temperature ({len(_TEMPERATURES)} here), got {len(flags)}.")
    flags = flags.fillna(False).astype(bool).tolist()
    for value, got, expected in zip(_TEMPERATURES, flags, _IS_FAHRENHEIT):
        if got != expected:
            if expected:
                raise AssertionError(f"{value} is a temperature in degrees F ({(value - 32) * 5 / 9:.1f} degrees C): "
                                     "flag it.")
            if np.isnan(value):
                raise AssertionError("A missing temperature (NaN) is missing, not a unit mix-up: do not flag it.")
            if 25 <= value <= 45:
                raise AssertionError(f"{value} is a possible temperature in degrees C: do not flag it.")
            raise AssertionError(f"{value} is impossible in either unit ({(value - 32) * 5 / 9:.1f} degrees C if it "
                                 "were F): a sentinel or a typo, not a unit mix-up. Convert first, then check "
                                 "the result is a typical body temperature (34 to 42 degrees C).")


q1 = Exercise(
    title="Exercise 1 (a unit check)",
    checker=_check_q1,
    hint_text="A temperature is in degrees F when it is impossible in degrees C (outside 25-45) and "
              "(value - 32) * 5 / 9 lands between 34 and 42. Comparisons with NaN are False, which is "
              "what you want.",
    key="nb05_q1",
    wrong_answers=[lambda t: t > 45, lambda t: t > 90, lambda t: t.between(90, 110),
                   lambda t: t.between(95, 105), lambda t: None if t is None else t * 0 == 1],
    success_message="Yes: convert, then check the result is a body temperature. 999 and 0 are impossible in "
                    "either unit: they need a different fix (set them missing), not a conversion.",
)


# --- q2: name the missingness mechanism --------------------------------------------------------

SCENARIOS = {
    "a": "A freezer fails and one week's blood samples, from whichever patients came that week, are lost.",
    "b": "Patients with the most severe depression are the ones who leave the mood questionnaire blank.",
    "c": "HbA1c is measured mostly in patients with a diagnosis of diabetes, and the diagnosis is in the record.",
    "d": "Heavy drinkers under-report: the alcohol field is blank most often for the heaviest drinkers.",
}
_MECHANISM_OF = {"a": "MCAR", "b": "MNAR", "c": "MAR", "d": "MNAR"}
_WHY = {
    "MCAR": "nothing about the patient decides whether the value is missing",
    "MAR": "the chance of missing depends on something else that *is* recorded",
    "MNAR": "the chance of missing depends on the value that went missing",
}


def _check_q2(answer: object) -> None:
    if not isinstance(answer, dict):
        raise AssertionError('Answer with a dict such as {"a": "MCAR", "b": "...", "c": "...", "d": "..."}.')
    if all(value is None for value in answer.values()):
        raise NotAttempted("Not attempted yet: replace each None with 'MCAR', 'MAR' or 'MNAR'.")
    assert set(answer) == set(SCENARIOS), f"Give one mechanism for each scenario {sorted(SCENARIOS)}."
    for key, expected in _MECHANISM_OF.items():
        got = str(answer[key]).strip().upper()
        assert got in _WHY, f"Scenario {key}: answer 'MCAR', 'MAR' or 'MNAR', got {answer[key]!r}."
        assert got == expected, f"Scenario {key} is not {got}: ask whether {_WHY[got]}."


q2 = Exercise(
    title="Exercise 2 (name the mechanism)",
    checker=_check_q2,
    hint_text="Ask of each scenario: does the chance that the value is missing depend on nothing (MCAR), on "
              "something else that is recorded (MAR), or on the missing value itself (MNAR)?",
    key="nb05_q2",
    wrong_answers=[{"a": "MCAR", "b": "MAR", "c": "MAR", "d": "MNAR"},
                   {"a": "MAR", "b": "MNAR", "c": "MAR", "d": "MNAR"},
                   {"a": "MCAR", "b": "MNAR", "c": "MNAR", "d": "MNAR"},
                   {"a": "MCAR", "b": "MNAR", "c": "MAR"}],
    success_message="Right. Only c can be handled from the data alone (model HbA1c given the diagnosis); b and d "
                    "need outside knowledge, and there a missing-value indicator carries real information.",
)


# --- q3: drop duplicate patients -------------------------------------------------------------

def _duplicates_table() -> tuple[pd.DataFrame, list[str]]:
    table = pd.DataFrame({
        "patient_id": ["P001", "P002", "P003", "P002", "P104", "P005", "P006"],
        "age": [61, 47, 70, 47, 70, 52, 52],
        "systolic_bp": [140.0, 118.0, 131.0, 118.0, 131.0, 125.0, 126.0],
        "glucose": [101.0, np.nan, 96.0, np.nan, 96.0, 88.0, 88.0],
    })
    # P002 twice (exact copy, with a missing value), P104 = P003 re-registered; P005 and P006 differ.
    return table, ["P001", "P002", "P003", "P005", "P006"]


def _check_q3(answer: object) -> None:
    if not callable(answer):
        raise AssertionError("Pass the function itself: q3.check(drop_duplicate_patients), without brackets.")
    table, expected = _duplicates_table()
    result = answer(table.copy())
    if result is None:
        raise NotAttempted("Not attempted yet: make drop_duplicate_patients return a DataFrame.")
    assert isinstance(result, pd.DataFrame), f"Return a DataFrame, got {type(result).__name__}."
    kept = list(result["patient_id"])
    assert "P104" not in kept, ("P104 has exactly the same age, blood pressure and glucose as P003: the same "
                                "patient registered twice under a new ID. Compare rows without the ID column.")
    assert kept.count("P002") == 1, "P002 appears twice with identical values: keep it once."
    assert kept == expected, (f"Expected to keep {expected} in their original order, kept {kept}. P005 and P006 "
                              "differ in blood pressure: different patients (or a conflict to review), not copies.")


q3 = Exercise(
    title="Exercise 3 (duplicate patients)",
    checker=_check_q3,
    hint_text="frame.duplicated() marks repeats of earlier rows; run it once on all columns and once on "
              "frame.drop(columns='patient_id'), combine the two with |, and keep the rows that are not marked.",
    key="nb05_q3",
    wrong_answers=[lambda f: f.drop_duplicates(), lambda f: f.drop_duplicates(subset=["patient_id"]),
                   lambda f: f.drop_duplicates(subset=["age"]), lambda f: f.dropna()],
    success_message="Yes. Notice that pandas treats two NaNs as equal when it looks for duplicates, and that "
                    "an exact match on every measurement is what betrays a re-registered patient.",
)


# --- q4: what missed events do to predicted risk ---------------------------------------------

def _check_q4(answer: object) -> None:
    if isinstance(answer, bool) or not isinstance(answer, (int, float, np.integer, np.floating)):
        raise AssertionError("Answer with one number: mean predicted risk divided by the true event rate.")
    ratio = float(answer)
    assert ratio > 0, "A ratio of risks is positive."
    assert ratio < 0.95, (f"{ratio:.2f} says the model still predicts the right amount of risk. Train on labels "
                          "where 30 % of the events were turned into 0s (flip_labels(..., events_only=True)) "
                          "and score the clean test cohort.")
    assert 0.55 <= ratio <= 0.85, (f"{ratio:.2f} is further from 1 than losing 30 % of the events explains "
                                   "(about 0.7). Divide the mean predicted probability on the test cohort by the "
                                   "test cohort's true event rate.")


q4 = Exercise(
    title="Exercise 4 (missed events)",
    checker=_check_q4,
    hint_text="y_missed = faults.flip_labels(y_train, 0.3, seed=SEED, events_only=True); fit the baseline on it; "
              "then model.predict_proba(X_test)[:, 1].mean() / y_test.mean().",
    key="nb05_q4",
    wrong_answers=[1.0, 1.3, 0.3, 0.97],
    success_message="Yes: the ranking barely changes, but the predicted risks are about a third too low. A model trained on "
                    "records that miss events elsewhere would tell patients they are safer than they are.",
)

EXERCISES = [q1, q2, q3, q4]

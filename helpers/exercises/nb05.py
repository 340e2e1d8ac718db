"""Exercises of notebook 05 (data quality and integrity)."""
from __future__ import annotations

import numpy as np
import pandas as pd

from scipy import stats

from helpers.data import faults, records
from helpers.exercises import Exercise, NotAttempted
from helpers.validation import check_int

# --- q1: a new validation rule: creatinine in umol/L ------------------------------------------

#: 1 mg/dL of creatinine in umol/L (molar mass 113.12 g/mol).
CREATININE_UMOL_PER_MG = 88.42


def second_laboratory(seed: int = 0, n_patients: int = 2000) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A cohort whose creatinine partly comes from a laboratory that reports umol/L; returns (frame, fault_log).

    5 % of the creatinine values are in umol/L (whole numbers, kind ``unit_umol``) and 1 % are the
    sentinels 0, -1, 999 or 9999 (kind ``impossible``); the fault log has the columns of
    :data:`helpers.data.faults.LOG_COLUMNS`. Deterministic given ``seed``.
    """
    seed = check_int("seed", seed, 0)
    frame = records.make_cohort(n_patients, seed=seed)
    frame["creatinine"] = frame["creatinine"].astype(float)
    rng = np.random.default_rng(seed + 505)
    order = rng.permutation(len(frame))
    n_unit, n_sentinel = round(0.05 * len(frame)), round(0.01 * len(frame))
    log = []
    for rows, kind in ((order[:n_unit], "unit_umol"), (order[n_unit:n_unit + n_sentinel], "impossible")):
        clean = frame.loc[rows, "creatinine"].to_numpy()
        dirty = (np.round(clean * CREATININE_UMOL_PER_MG) if kind == "unit_umol"
                 else rng.choice([0.0, -1.0, 999.0, 9999.0], size=len(rows)))
        frame.loc[rows, "creatinine"] = dirty
        log += [(int(r), frame.at[r, records.ID_COLUMN], "creatinine", kind, float(c), float(d))
                for r, c, d in zip(rows, clean, dirty)]
    fault_log = pd.DataFrame(log, columns=list(faults.LOG_COLUMNS)).sort_values("row", ignore_index=True)
    return frame, fault_log


def _check_q1(answer: object) -> None:
    if not isinstance(answer, faults.UnitRule):
        raise AssertionError("Answer with a rule: faults.UnitRule(column, check, convert, typical), "
                             f"got {type(answer).__name__}.")
    assert answer.column == "creatinine", f"The rule is for the creatinine column, not {answer.column!r}."
    assert answer.check not in ("missing", "impossible", "duplicate"), (
        "Give the check its own name, such as 'unit_umol', so the score table shows what your rule found.")
    frame, log = second_laboratory()
    rules = faults.UNIT_RULES + (answer,)
    findings = faults.find_faults(frame, unit_rules=rules)
    by_rule = set(findings.loc[findings["check"] == answer.check, "row"])
    units = log[log["kind"] == "unit_umol"]
    sentinels = log[log["kind"] == "impossible"]
    missed = units[~units["row"].isin(by_rule)]
    assert missed.empty, (f"Your rule misses {len(missed)} of the {len(units)} values in umol/L, for example "
                          f"{missed['dirty_value'].iloc[0]:g}. Which creatinine values (in mg/dL) are typical "
                          "once converted?")
    wrongly = sentinels[sentinels["row"].isin(by_rule)]
    assert wrongly.empty, (f"Your rule also 'converts' the sentinel {wrongly['dirty_value'].iloc[0]:g}: "
                           "it is impossible in either unit and must stay an impossible value. Narrow the "
                           "typical range.")
    assert len(by_rule) == len(units), "Your rule flags cells that carry no unit mix-up: narrow its typical range."
    fixed = faults.repair(frame, findings, unit_rules=rules).loc[units["row"], "creatinine"].to_numpy(dtype=float)
    error = np.abs(fixed - units["clean_value"].to_numpy())
    assert error.max() <= 0.02, (f"After repair a value of {units['dirty_value'].iloc[error.argmax()]:g} umol/L "
                                 f"became {fixed[error.argmax()]:g} mg/dL. Check the direction of convert: "
                                 "1 mg/dL is 88.42 umol/L.")


q1 = Exercise(
    title="Exercise 1 (a new validation rule)",
    checker=_check_q1,
    hint_text="Look at how faults.UNIT_RULES handles glucose in mmol/L: the same two questions apply. Is the "
              "value impossible in mg/dL? And what range of mg/dL values would you accept after converting, "
              "given the creatinine values you see in the clean cohort and the sentinels the lab writes?",
    key="nb05_q1",
    wrong_answers=[
        lambda: None,
        faults.UnitRule("glucose", "unit_umol", lambda v: np.asarray(v, float) / 88.42, (0.3, 5.0)),
        faults.UnitRule("creatinine", "unit_umol", lambda v: np.asarray(v, float) * 88.42, (0.3, 5.0)),
        faults.UnitRule("creatinine", "unit_umol", lambda v: np.asarray(v, float) / 88.42, (0.0, 200.0)),
        faults.UnitRule("creatinine", "unit_umol", lambda v: np.asarray(v, float) / 88.42, (0.5, 1.0)),
        faults.UnitRule("creatinine", "impossible", lambda v: np.asarray(v, float) / 88.42, (0.3, 5.0)),
    ],
    success_message="Yes: your rule converts every value in umol/L and leaves the sentinels to the impossible-value "
                    "check, so repair converts the one and blanks the other. Notice that 999 umol/L would be 11.3 "
                    "mg/dL, a value seen in kidney failure: a sentinel can collide with a real value, so a unit rule "
                    "needs to know the laboratory's sentinels as well as its units.",
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


# --- q3: a second test of MCAR: compare the two groups ----------------------------------------

def _gappy_cohort() -> pd.DataFrame:
    """2,000 patients: BMI blanked MNAR (high values), heart rate MCAR, 20 % each."""
    frame = faults.blank_columns(records.make_cohort(2000, seed=7), "bmi", "MNAR", 0.2, seed=7)
    frame = faults.blank_columns(frame, "heart_rate", "MCAR", 0.2, seed=8)
    frame.loc[frame.index[::50], "glucose"] = np.nan      # the compared column has gaps of its own
    return frame


def _reference_p(frame: pd.DataFrame, column: str, other: str, equal_var: bool) -> float:
    gone = frame[column].isna()
    return float(stats.ttest_ind(frame.loc[gone, other].dropna(), frame.loc[~gone, other].dropna(),
                                 equal_var=equal_var).pvalue)


def _check_q3(answer: object) -> None:
    if not callable(answer):
        raise AssertionError("Pass the function itself: q3.check(compare_groups), without brackets.")
    frame = _gappy_cohort()
    result = answer(frame.copy(), "bmi", "glucose")
    if result is None:
        raise NotAttempted("Not attempted yet: make compare_groups return a p-value.")
    assert isinstance(result, (float, np.floating)) and 0 <= float(result) <= 1, (
        f"Return one p-value, a number between 0 and 1, got {result!r}.")
    if np.isnan(result):
        raise AssertionError("Your p-value is NaN: leave out the patients whose `other` value is missing too.")
    for column, other in (("bmi", "glucose"), ("heart_rate", "glucose"), ("bmi", "age")):
        got = float(answer(frame.copy(), column, other))
        expected = [_reference_p(frame, column, other, equal_var) for equal_var in (False, True)]
        assert np.isclose(got, expected, rtol=1e-6, atol=1e-300).any(), (
            f"compare_groups(frame, {column!r}, {other!r}) gave {got:.3g}. Split the patients by whether "
            f"{column} is missing, and compare their {other} values (the recorded ones) with a two-sample t-test.")


q3 = Exercise(
    title="Exercise 3 (compare the groups)",
    checker=_check_q3,
    hint_text="Two groups: the patients whose `column` is missing and the others. scipy.stats has a test "
              "that compares the means of two independent samples. What should happen to patients whose "
              "`other` value is missing as well?",
    key="nb05_q3",
    wrong_answers=[
        lambda f, c, o: float(stats.ttest_ind(f.loc[f[c].isna(), o], f.loc[f[c].notna(), o]).pvalue),
        lambda f, c, o: float(stats.ttest_ind(f.loc[f[o].isna(), c].dropna(), f.loc[f[o].notna(), c].dropna()).pvalue),
        lambda f, c, o: 0.5,
        lambda f, c, o: float(stats.ttest_ind(f[c].dropna(), f[o].dropna()).pvalue),
    ],
    success_message="Yes. For BMI (blanked when high) the glucose of the two groups differs clearly, because glucose "
                    "rises with BMI; for heart rate (blanked at random) it does not. One comparison looks at one "
                    "column at a time; the likelihood-ratio test of the notebook looks at all of them at once.",
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
    hint_text="Only the training labels lose events; the test cohort keeps its true labels. The model's "
              "predicted risk for each test patient is the second column of predict_proba.",
    key="nb05_q4",
    wrong_answers=[1.0, 1.3, 0.3, 0.97],
    success_message="Yes: the ranking barely changes, but the predicted risks are about a third too low. A model trained on "
                    "records that miss events elsewhere would tell patients they are safer than they are.",
)

EXERCISES = [q1, q2, q3, q4]

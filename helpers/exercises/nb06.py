"""Exercises of notebook 06 (bias and fairness)."""
from __future__ import annotations

import numpy as np
import pandas as pd

from helpers.evaluation.metrics import sensitivity
from helpers.exercises import Exercise, NotAttempted


def _random_case(rng: np.random.Generator, labels: tuple[str, ...]):
    n = int(rng.integers(60, 200))
    groups = rng.choice(np.array(labels), size=n)
    groups[: 2 * len(labels)] = np.repeat(np.array(labels), 2)  # every group present ...
    y = rng.integers(0, 2, n)
    y[: 2 * len(labels)] = np.tile([0, 1], len(labels))  # ... with at least one case and one control
    flagged = (rng.random(n) < np.where(y == 1, 0.7, 0.2)).astype(int)
    return y, flagged, groups


# --- q1: the sensitivity gap ---------------------------------------------------------------

def _check_q1(function):
    if not callable(function):
        raise AssertionError("answer should be your function sensitivity_gap itself (no brackets).")
    rng = np.random.default_rng(6)
    for labels in (("A", "B"), ("A", "B", "C")):
        for _ in range(4):
            y, flagged, groups = _random_case(rng, labels)
            result = function(y, flagged, groups)
            if result is None:
                raise NotAttempted("Not attempted yet: make sensitivity_gap return a number.")
            per_group = [sensitivity(y[groups == g], flagged[groups == g]) for g in labels]
            expected = max(per_group) - min(per_group)
            assert np.isscalar(result) or np.ndim(result) == 0, "return one number, not a table."
            assert abs(float(result) - expected) < 1e-9, (
                f"for per-group sensitivities {np.round(per_group, 3).tolist()} the gap is "
                f"{expected:.3f}, you returned {float(result):.3f}. Sensitivity uses only the patients "
                "who have the disease (y_true == 1), and the gap is largest minus smallest, so it is never negative."
            )


def _wrong_overall_gap(y_true, flagged, groups):  # accuracy instead of sensitivity
    accuracies = [np.mean(flagged[groups == g] == y_true[groups == g]) for g in np.unique(groups)]
    return max(accuracies) - min(accuracies)


def _wrong_signed_gap(y_true, flagged, groups):  # B minus A, can be negative; ignores a third group
    sens = {g: sensitivity(y_true[groups == g], flagged[groups == g]) for g in np.unique(groups)}
    return sens["B"] - sens["A"]


q1 = Exercise(
    title="Exercise 1 (the sensitivity gap)",
    checker=_check_q1,
    hint_text=("Sensitivity looks only at the patients who have the disease. Within one group, which "
               "rows are those, and what share of them did the model flag? Then: how do you turn one "
               "number per group into one gap, whatever the number of groups?"),
    key="nb06_q1",
    wrong_answers=[_wrong_overall_gap, _wrong_signed_gap, lambda y, f, g: 0.0],
    success_message=("Right. This one number is what fairlearn reports as "
                     "MetricFrame(...).difference() for the recall metric (also: equal_opportunity_difference)."),
)


# --- q2: equal error rates, unequal PPV ------------------------------------------------------

def _ppv(sensitivity: float, false_positive_rate: float, prevalence: float) -> float:
    true_positive = sensitivity * prevalence
    return true_positive / (true_positive + false_positive_rate * (1 - prevalence))


_Q2_EXPECTED = (_ppv(0.8, 0.1, 0.1), _ppv(0.8, 0.1, 0.3))


def _check_q2(answer):
    try:
        low, high = (float(value) for value in answer)
    except (TypeError, ValueError):
        raise AssertionError("answer should be a pair of numbers: (PPV in group L, PPV in group H).") from None
    assert abs(low - high) > 0.02, (
        "The two PPVs are not equal: with the same sensitivity and false-positive rate, the group with "
        "more disease has more true positives per false alarm.")
    assert abs(low - _Q2_EXPECTED[0]) < 0.01, (
        f"PPV in group L should be {_Q2_EXPECTED[0]:.3f}, not {low:.3f}: in 1,000 patients, 100 are sick "
        "(80 flagged) and 900 are healthy (90 flagged); PPV = 80 / (80 + 90).")
    assert abs(high - _Q2_EXPECTED[1]) < 0.01, (
        f"PPV in group H should be {_Q2_EXPECTED[1]:.3f}, not {high:.3f}: in 1,000 patients, 300 are sick "
        "(240 flagged) and 700 are healthy (70 flagged).")


q2 = Exercise(
    title="Exercise 2 (equal error rates, unequal PPV)",
    checker=_check_q2,
    hint_text=("Imagine 1,000 patients in group L. How many are sick, and how many of those does the test "
               "flag? How many are healthy, and how many of those are flagged anyway? Of everyone "
               "flagged, what share is sick? Then group H."),
    key="nb06_q2",
    wrong_answers=[(0.8, 0.8), (0.47, 0.47), (0.774, 0.471), (0.9, 0.7)],
    success_message=("Yes: about 0.47 against 0.77. Equalised odds holds (same sensitivity, same "
                     "false-positive rate), yet a positive result means something different in each "
                     "group. When prevalence differs, you cannot have both; choose which to equalise."),
)


# --- q3: one threshold per group, each reaching the same sensitivity ------------------------

def _q3_case(rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A cohort where group B's sick patients get lower risks, so one shared threshold fails them."""
    n = int(rng.integers(200, 400))
    groups = np.where(rng.random(n) < 0.3, "B", "A")
    y = (rng.random(n) < 0.3).astype(int)
    groups[:4], y[:4] = ["A", "A", "B", "B"], [0, 1, 0, 1]  # both groups, each with a case and a control
    shift = np.where(groups == "B", 0.1, 0.3)
    risk = np.clip(rng.beta(2, 5, n) + shift * y, 0, 1).round(3)  # rounded, so some risks tie
    return y, risk, groups


def _check_q3(function):
    if not callable(function):
        raise AssertionError("answer should be your function equal_sensitivity_thresholds itself (no brackets).")
    rng = np.random.default_rng(60)
    for target in (0.5, 0.8, 0.9, 0.95):
        y, risk, groups = _q3_case(rng)
        thresholds = function(y, risk, groups, target)
        if thresholds is None:
            raise NotAttempted("Not attempted yet: make equal_sensitivity_thresholds return a dict.")
        assert isinstance(thresholds, dict) and set(thresholds) == {"A", "B"}, (
            f"return a dict with one threshold per group, {{'A': ..., 'B': ...}}; got {thresholds!r}")
        for group, threshold in thresholds.items():
            members = groups == group
            threshold = float(threshold)
            reached = sensitivity(y[members], risk[members] >= threshold)
            assert reached >= target - 1e-12, (
                f"group {group}: with threshold {threshold:.3f} the sensitivity is {reached:.3f}, below the "
                f"target {target}. Each group needs its own threshold, computed on its own patients.")
            above = sensitivity(y[members], risk[members] >= float(np.nextafter(threshold, np.inf)))
            assert above < target, (
                f"group {group}: threshold {threshold:.3f} reaches the target {target}, but a higher one would "
                f"too (sensitivity {above:.3f}): take the highest, so as few healthy patients as possible are "
                "flagged.")


def _wrong_one_shared_threshold(y_true, risk, groups, target):  # pooled: fails the group with lower risks
    from helpers.evaluation.metrics import threshold_for_sensitivity

    shared = threshold_for_sensitivity(y_true, risk, target)
    return {group: shared for group in np.unique(groups)}


def _wrong_lowest_risk(y_true, risk, groups, target):  # reaches every target, flags everyone
    return {group: float(np.min(np.asarray(risk)[np.asarray(groups) == group])) for group in np.unique(groups)}


q3 = Exercise(
    title="Exercise 3 (one threshold per group, the same sensitivity for both)",
    checker=_check_q3,
    hint_text="Which patients should each group's threshold be computed on?",
    key="nb06_q3",
    wrong_answers=[_wrong_one_shared_threshold, _wrong_lowest_risk],
    success_message=("Correct: group B's threshold comes out lower, because the model gives B's sick "
                     "patients lower risks. Tuned on the validation set, it reaches the target only "
                     "approximately on the test set: a threshold is fitted to data like any parameter. "
                     "Like the thresholds of section 6 it needs the group at decision time."),
)


# --- q4: choosing a label ------------------------------------------------------------------

_Q4_OPTIONS = {
    "a": "total healthcare spending next year",
    "b": "number of emergency-department visits next year",
    "c": "number of chronic conditions that are uncontrolled at next year's check-up (e.g. HbA1c > 9 %)",
    "d": "whether the family doctor referred the patient to a specialist next year",
}


def _check_q4(answer):
    if not isinstance(answer, str) or answer.strip().lower() not in _Q4_OPTIONS:
        raise AssertionError(f"answer should be one of the letters {sorted(_Q4_OPTIONS)} as a string, e.g. 'a'.")
    choice = answer.strip().lower()
    reasons = {
        "a": "spending is exactly the proxy of section 7: less is spent on patients with less access.",
        "b": "ED visits also depend on access (and on whether a family doctor is available at all).",
        "d": "a referral is a decision by the care system, so it carries the care system's own biases.",
    }
    assert choice == "c", f"({choice}) {_Q4_OPTIONS[choice]}: {reasons[choice]}"


q4 = Exercise(
    title="Exercise 4 (choose the label)",
    checker=_check_q4,
    hint_text="Ask of each label: would it be lower for a patient who is just as sick but sees doctors less?",
    key="nb06_q4",
    wrong_answers=["a", "b", "d", "e"],
    success_message=("Yes: (c) measures the patient's health, not the care system's response to it. It is "
                     "not perfect either (someone has to measure HbA1c, so check how often it is missing "
                     "per group), which is why label choice deserves an audit of its own."),
)


# --- q5: change the MetricFrame: group and age band together ---------------------------------

def _q5_case(rng: np.random.Generator):
    n = int(rng.integers(300, 600))
    groups = np.where(rng.random(n) < 0.4, "B", "A")
    ages = rng.integers(40, 90, n)
    ages[: n // 5] = 65  # many patients exactly 65: the band "65 and over" must include them
    y = (rng.random(n) < 0.35).astype(int)
    risk = np.clip(rng.beta(2, 5, n) + 0.25 * y - 0.1 * (groups == "B") + 0.003 * (ages - 65), 0, 1)
    return y, risk, groups, ages


def _expected_q5(y, risk, groups, ages, threshold):
    bands = np.where(ages >= 65, "65 and over", "under 65")
    return {(g, b): sensitivity(y[(groups == g) & (bands == b)], risk[(groups == g) & (bands == b)] >= threshold)
            for g in ("A", "B") for b in ("under 65", "65 and over")}


def _check_q5(function):
    from fairlearn.metrics import MetricFrame

    from helpers.data.cohorts import TRIAGE_THRESHOLD

    if not callable(function):
        raise AssertionError("answer should be your function frame_by_group_and_age itself (no brackets).")
    rng = np.random.default_rng(65)
    for _ in range(3):
        y, risk, groups, ages = _q5_case(rng)
        frame = function(y, risk, groups, ages)
        if frame is None:
            raise NotAttempted("Not attempted yet: make frame_by_group_and_age return a MetricFrame.")
        assert isinstance(frame, MetricFrame), f"return the MetricFrame itself, not a {type(frame).__name__}."
        table = frame.by_group
        assert "sensitivity" in table.columns, "the MetricFrame needs a metric called 'sensitivity'."
        names = list(table.index.names)
        assert sorted(map(str, names)) == ["age_band", "group"], (
            f"the sensitive features should be two columns called 'group' and 'age_band'; the rows are "
            f"indexed by {names}. Pass a DataFrame with those two columns as sensitive_features.")
        table = table.reset_index()
        bands = set(table["age_band"])
        assert bands == {"under 65", "65 and over"}, (
            f"the age bands should be 'under 65' and '65 and over', got {sorted(map(str, bands))}.")
        for (g, b), expected in _expected_q5(y, risk, groups, ages, TRIAGE_THRESHOLD).items():
            row = table[(table["group"] == g) & (table["age_band"] == b)]
            got = float(row["sensitivity"].iloc[0])
            assert abs(got - expected) < 1e-9, (
                f"group {g}, {b}: sensitivity should be {expected:.3f}, got {got:.3f}. Is a patient of exactly "
                f"65 in '65 and over'? Is a patient flagged at risk >= {TRIAGE_THRESHOLD}, as in section 3?")


def _frame_with(band_rule, threshold):
    def build(y_true, risk, groups, ages):
        from fairlearn.metrics import MetricFrame
        features = pd.DataFrame({"group": np.asarray(groups), "age_band": band_rule(np.asarray(ages))})
        return MetricFrame(metrics={"sensitivity": lambda yt, r: sensitivity(yt, r >= threshold)},
                           y_true=np.asarray(y_true), y_pred=np.asarray(risk), sensitive_features=features)
    return build


def _wrong_group_only(y_true, risk, groups, ages):  # the lesson's frame unchanged: one feature
    from fairlearn.metrics import MetricFrame
    return MetricFrame(metrics={"sensitivity": lambda yt, r: sensitivity(yt, r >= 0.3)}, y_true=np.asarray(y_true),
                       y_pred=np.asarray(risk), sensitive_features=pd.Series(np.asarray(groups), name="group"))


q5 = Exercise(
    title="Exercise 5 (a MetricFrame for group and age together)",
    checker=_check_q5,
    hint_text=("Start from the lesson's cell in section 3: the metrics dict can stay as it is. What changes "
               "is what you pass as sensitive_features; fairlearn's documentation says it may be a "
               "DataFrame with one column per feature."),
    key="nb06_q5",
    wrong_answers=[
        _wrong_group_only,
        _frame_with(lambda a: np.where(a > 65, "65 and over", "under 65"), 0.3),   # 65-year-olds in the wrong band
        _frame_with(lambda a: np.where(a >= 65, "65 and over", "under 65"), 0.5),  # the wrong threshold
    ],
    success_message=("Right: four rows, one per group and age band. Look at the patients column and at how few "
                     "group-B patients with ACS each of B's rows rests on: the finer the subgroups, the "
                     "noisier each estimate (\"What goes wrong in practice\" puts an interval on such a number)."),
)

EXERCISES = [q1, q2, q3, q4, q5]

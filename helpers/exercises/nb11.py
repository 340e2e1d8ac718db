"""Exercises of notebook 11 (survival analysis: Kaplan-Meier, Nelson-Aalen, concordance, biases)."""
from __future__ import annotations

import numpy as np

from helpers.exercises import Exercise, NotAttempted

# --- q1: Kaplan-Meier on paper ---------------------------------------------------------------

_Q1_TIME = np.array([3, 5, 7, 9, 11, 14], dtype=float)
_Q1_EVENT = np.array([1, 0, 1, 0, 1, 1], dtype=bool)
_Q1_EXPECTED = (1 - 1 / 6) * (1 - 1 / 4) * (1 - 1 / 2)   # events at 3, 7 and 11 months, with 6, 4 and 2 at risk


def _check_q1(answer):
    try:
        value = float(answer)
    except (TypeError, ValueError):
        raise AssertionError("answer should be one number between 0 and 1: S(12 months).") from None
    assert 0 <= value <= 1, "a survival probability lies between 0 and 1."
    assert abs(value - 0.5) > 1e-3, (
        "0.5 is the naive answer: 3 relapses among 6 patients treats B and D, censored early, as relapse-free "
        "at 12 months. Kaplan-Meier never claims more than was seen.")
    assert abs(value - 0.25) > 1e-3, (
        "0.25 is the complete-case answer (B and D dropped): it throws away their relapse-free months.")
    assert abs(value - _Q1_EXPECTED) < 1e-3, (
        "go through the relapse times in order: at each, how many patients are still followed (at risk), and "
        "how many relapse? Multiply the factors (1 - d/n) of the relapses up to 12 months.")


q1 = Exercise(
    title="Exercise 1 (Kaplan-Meier on paper)",
    checker=_check_q1,
    hint_text=("Relapses happen at 3, 7 and 11 months. Just before each, count who is still followed: "
               "a patient censored at 5 months is at risk at 3 months but not at 7."),
    key="nb11_q1",
    wrong_answers=[0.5, 0.25, 0.625, 0.0, 1 / 3],
    success_message=("Yes: 5/6 x 3/4 x 1/2 = 0.3125. B and D each count while they were followed, then leave "
                     "the denominator: the naive 0.5 over-states survival, the complete-case 0.25 under-states it."),
)


# --- q2: the Nelson-Aalen estimator -----------------------------------------------------------

def _q2_cohorts() -> list[tuple[np.ndarray, np.ndarray]]:
    rng = np.random.default_rng(11)
    cohorts = [(_Q1_TIME, _Q1_EVENT)]
    for n in (20, 80, 300):
        time = rng.integers(1, 40, n).astype(float)   # integer times: many ties
        event = rng.random(n) < 0.6
        event[0] = True
        cohorts.append((time, event))
    return cohorts


def _step_at(times: np.ndarray, values: np.ndarray, t: np.ndarray) -> np.ndarray:
    index = np.searchsorted(times, t, side="right") - 1
    return np.where(index >= 0, values[np.maximum(index, 0)], 0.0)


def _check_q2(function):
    if not callable(function):
        raise AssertionError("answer should be your function nelson_aalen itself (no brackets).")
    from sksurv.nonparametric import nelson_aalen_estimator

    for time, event in _q2_cohorts():
        result = function(time.copy(), event.copy())
        if result is None:
            raise NotAttempted("Not attempted yet: make nelson_aalen return (event_times, cumulative_hazard).")
        try:
            times, hazard = (np.asarray(part, dtype=float) for part in result)
        except (TypeError, ValueError):
            raise AssertionError("return a pair of arrays: (event_times, cumulative_hazard).") from None
        assert times.shape == hazard.shape and times.ndim == 1, "both arrays should have shape (k,)."
        assert np.all(np.diff(times) > 0), "the event times should be distinct and increasing."
        library_times, library_hazard = nelson_aalen_estimator(event, time)
        grid = np.unique(time)
        expected, got = _step_at(library_times, library_hazard, grid), _step_at(times, hazard, grid)
        assert np.allclose(got, expected, atol=1e-9), (
            f"at time {grid[np.argmax(np.abs(got - expected))]:g}, H should be "
            f"{expected[np.argmax(np.abs(got - expected))]:.4f}, yours is {got[np.argmax(np.abs(got - expected))]:.4f}. "
            "H adds d_i / n_i over the event times up to t; n_i counts everyone with time >= t_i (ties included).")


def _wrong_minus_log_km(time, event):  # -log of Kaplan-Meier: close, but not Nelson-Aalen
    times = np.unique(time[event])
    at_risk = (time[None, :] >= times[:, None]).sum(axis=1)
    events = (event[None, :] & (time[None, :] == times[:, None])).sum(axis=1)
    with np.errstate(divide="ignore"):
        return times, -np.log(np.cumprod(1 - events / at_risk))


def _wrong_strict_risk_set(time, event):  # at risk only if followed strictly beyond t_i
    times = np.unique(time[event])
    at_risk = np.maximum((time[None, :] > times[:, None]).sum(axis=1), 1)
    events = (event[None, :] & (time[None, :] == times[:, None])).sum(axis=1)
    return times, np.cumsum(events / at_risk)


def _wrong_everyone_at_risk(time, event):  # censoring ignored: n_i = n
    times = np.unique(time[event])
    events = (event[None, :] & (time[None, :] == times[:, None])).sum(axis=1)
    return times, np.cumsum(events / len(time))


q2 = Exercise(
    title="Exercise 2 (the Nelson-Aalen estimator)",
    checker=_check_q2,
    hint_text=("Keep the lines of kaplan_meier that find the event times, n_i and d_i. Only the last line "
               "changes: Kaplan-Meier multiplies (1 - d_i / n_i); what does the cumulative hazard do with d_i / n_i?"),
    key="nb11_q2",
    wrong_answers=[_wrong_minus_log_km, _wrong_strict_risk_set, _wrong_everyone_at_risk],
    success_message=("Right. exp(-H) is the Fleming-Harrington estimate of S(t), close to Kaplan-Meier while the "
                     "risk sets are large; Breslow's baseline hazard in section 5 is the same sum with exp(log-risk) weights."),
)


# --- q3: Harrell's concordance index -------------------------------------------------------------

def _q3_cohorts() -> list[tuple[np.ndarray, np.ndarray, np.ndarray]]:
    rng = np.random.default_rng(3)
    cohorts = []
    for n in (12, 60, 200):
        time = rng.permutation(n).astype(float) + rng.random(n) * 0.5 + 1   # distinct times
        event = rng.random(n) < 0.5
        event[np.argmin(time)] = True
        risk = np.round(-np.log(time) + rng.normal(0, 1, n), 1)             # rounded: some tied risks
        cohorts.append((time, event, risk))
    return cohorts


def _check_q3(function):
    if not callable(function):
        raise AssertionError("answer should be your function harrell_c itself (no brackets).")
    from sksurv.metrics import concordance_index_censored

    for time, event, risk in _q3_cohorts():
        result = function(time.copy(), event.copy(), risk.copy())
        if result is None:
            raise NotAttempted("Not attempted yet: make harrell_c return a number.")
        assert np.ndim(result) == 0, "return one number, the concordance index."
        expected = concordance_index_censored(event, time, risk)[0]
        assert abs(float(result) - expected) < 1e-9, (
            f"on a cohort of {len(time)} patients C should be {expected:.4f}, yours is {float(result):.4f}. "
            "Only pairs whose earlier time is an event are comparable; equal risks count one half.")


def _wrong_all_pairs(time, event, risk):  # censoring ignored: every earlier time treated as an event
    earlier = time[:, None] < time[None, :]
    return float(((risk[:, None] > risk[None, :]) & earlier).sum() + 0.5 * ((risk[:, None] == risk[None, :]) & earlier).sum()) / earlier.sum()


def _wrong_ties_zero(time, event, risk):  # tied risks count nothing
    comparable = event[:, None] & (time[:, None] < time[None, :])
    return float(((risk[:, None] > risk[None, :]) & comparable).sum() / comparable.sum())


def _wrong_reversed(time, event, risk):  # the longer-lived patient expected to have the higher risk
    comparable = event[:, None] & (time[:, None] < time[None, :])
    return float(((risk[:, None] < risk[None, :]) & comparable).sum()
                 + 0.5 * ((risk[:, None] == risk[None, :]) & comparable).sum()) / comparable.sum()


q3 = Exercise(
    title="Exercise 3 (Harrell's concordance index)",
    checker=_check_q3,
    hint_text=("Think in pairs: for which (i, j) do we know for sure that i had the event first? NumPy "
               "broadcasting (an array indexed [:, None] against the same array indexed [None, :]) builds all "
               "n x n pairs at once, as the lesson's kaplan_meier does for its risk sets."),
    key="nb11_q3",
    wrong_answers=[_wrong_all_pairs, _wrong_ties_zero, _wrong_reversed],
    success_message=("Yes. Note what censoring does: a patient censored early is comparable with almost no one, "
                     "so Harrell's C leans on the early events; Uno's weights correct for that."),
)


# --- q4: name the bias ---------------------------------------------------------------------------

def _check_q4(answer):
    choice = str(answer).strip().lower().strip("()")
    assert choice in {"a", "b", "c", "d"}, 'answer with one letter: "a", "b", "c" or "d".'
    assert choice != "a", ("informative censoring is about who leaves follow-up; here the problem is how the "
                           "groups were formed. What must a patient do to end up in the 'ever prescribed' group?")
    assert choice != "c", "competing risks need a second kind of event that prevents the first; look at how the groups are defined."
    assert choice != "d", ("non-proportional hazards would change how to model the effect, but even a perfect model "
                           "is misled here: look at the eight months between diagnosis and the first prescription.")
    assert choice == "b"


q4 = Exercise(
    title="Exercise 4 (name the bias)",
    checker=_check_q4,
    hint_text=("A patient who dies five months after diagnosis: in which group does she end up? Who, by "
               "construction, survived at least until the first prescription?"),
    key="nb11_q4",
    wrong_answers=["a", "c", "d", "e"],
    success_message=("Right: immortal time. To be 'ever prescribed', a patient had to survive until the prescription; "
                     "those months are credited to the drug. Fix: treatment as a time-varying covariate, or a landmark."),
)

EXERCISES = [q1, q2, q3, q4]

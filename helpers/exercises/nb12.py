"""Exercises of notebook 12 (capstone: multimodal decision support, evaluated the way a clinic would)."""
from __future__ import annotations

import numpy as np

from helpers.exercises import Exercise, NotAttempted

# --- q1: net benefit by hand ---------------------------------------------------------------------

_Q1_N, _Q1_CASES, _Q1_FLAGGED, _Q1_FOUND, _Q1_THRESHOLD = 1000, 200, 300, 150, 0.25
_Q1_ODDS = _Q1_THRESHOLD / (1 - _Q1_THRESHOLD)
_Q1_EXPECTED = (_Q1_FOUND / _Q1_N - (_Q1_FLAGGED - _Q1_FOUND) / _Q1_N * _Q1_ODDS,
                _Q1_CASES / _Q1_N - (_Q1_N - _Q1_CASES) / _Q1_N * _Q1_ODDS)


def _check_q1(answer):
    try:
        model, treat_all = (float(value) for value in answer)
    except (TypeError, ValueError):
        raise AssertionError("answer should be a pair of numbers: (net benefit of the model, of treating all).") from None
    expected_model, expected_all = _Q1_EXPECTED
    if abs(model - _Q1_FOUND / _Q1_N) < 1e-3:
        raise AssertionError("150 / 1000 counts the patients found, but each of the 150 false alarms costs "
                             "something too: pt / (1 - pt) of a true positive.")
    assert abs(model - expected_model) < 2e-3, (
        f"the model's net benefit is not {model:.4f}. Count the true and false positives among the 300 "
        "flagged, each per 1,000 patients, and weigh the false ones by the threshold's odds.")
    assert abs(treat_all - expected_all) < 2e-3, (
        f"treating all is not {treat_all:.4f}: then every patient is flagged, so all 200 cases are true "
        "positives and all 800 others false ones. It can be negative.")


q1 = Exercise(
    title="Exercise 1 (net benefit by hand)",
    checker=_check_q1,
    hint_text=("Net benefit = TP/n - FP/n x pt/(1 - pt). At pt = 0.25, how many false alarms is one "
               "patient found worth? For 'treat all', which patients are the true positives?"),
    key="nb12_q1",
    wrong_answers=[(0.15, 0.2), (_Q1_EXPECTED[0], 0.2), (0.1, 0.0), (_Q1_EXPECTED[1], _Q1_EXPECTED[0]), "0.1"],
    success_message=("Right: the model's net benefit is 0.1, worth 100 patients found per 1,000 with no "
                     "false alarms; treating everyone is worse than treating no one at this threshold."),
)


# --- q2: a threshold for an alert budget ----------------------------------------------------------

def _check_q2(function):
    if not callable(function):
        raise AssertionError("answer should be your function threshold_for_alert_budget itself (no brackets).")
    rng = np.random.default_rng(12)
    for n, budget in ((200, 15), (1000, 10), (357, 33), (50, 50)):
        risk = rng.beta(2, 5, n)
        result = function(risk, budget)
        if result is None:
            raise NotAttempted("Not attempted yet: make threshold_for_alert_budget return a threshold.")
        assert np.isscalar(result) or np.ndim(result) == 0, "return one number: the threshold."
        flagged = int(np.sum(risk >= float(result)))
        allowed = int(np.floor(budget / 100 * n + 1e-9))
        assert flagged <= allowed, (
            f"with {n} patients and {budget} alerts per 100 the team can see {allowed}, but risk >= "
            f"{float(result):.4f} flags {flagged}. Raise the threshold.")
        assert flagged == allowed, (
            f"with {n} patients and {budget} alerts per 100 the team can see {allowed}, and your threshold "
            f"flags only {flagged}: the lowest threshold within the budget uses all of it.")


def _wrong_quantile(risk, alerts_per_100):  # the quantile of the budget instead of its complement
    return float(np.quantile(risk, alerts_per_100 / 100))


def _wrong_off_by_one(risk, alerts_per_100):  # one alert too many
    ranked = np.sort(np.asarray(risk))[::-1]
    return float(ranked[int(np.floor(alerts_per_100 / 100 * len(ranked)))])


q2 = Exercise(
    title="Exercise 2 (a threshold for an alert budget)",
    checker=_check_q2,
    hint_text=("If the team can see k patients, which k patients should they be? And what threshold "
               "lets exactly those through, and nobody else?"),
    key="nb12_q2",
    wrong_answers=[_wrong_quantile, _wrong_off_by_one, lambda risk, budget: 0.5],
    success_message=("Right. A capacity-driven threshold fixes the workload, not the sensitivity: check "
                     "what share of deteriorating patients it still catches, and plan for the cases it misses."),
)


# --- q3: recalibration in the large ---------------------------------------------------------------

def _sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def _reference_shift(risk, y_local):
    from scipy.optimize import brentq

    logit = np.log(risk / (1 - risk))
    return brentq(lambda shift: _sigmoid(logit + shift).mean() - np.mean(y_local), -20.0, 20.0)


def _check_q3(function):
    if not callable(function):
        raise AssertionError("answer should be your function intercept_shift itself (no brackets).")
    rng = np.random.default_rng(3)
    for n, true_shift in ((400, 0.8), (1000, -0.5), (250, 0.0)):
        risk = np.clip(rng.beta(2, 5, n), 0.01, 0.99)
        y = (rng.random(n) < _sigmoid(np.log(risk / (1 - risk)) + true_shift)).astype(int)
        result = function(risk, y)
        if result is None:
            raise NotAttempted("Not attempted yet: make intercept_shift return the shift.")
        assert np.isscalar(result) or np.ndim(result) == 0, "return one number: the shift of the log-odds."
        shifted = _sigmoid(np.log(risk / (1 - risk)) + float(result))
        assert abs(shifted.mean() - y.mean()) < 2e-3, (
            f"after your shift of {float(result):.3f} the mean predicted risk is {shifted.mean():.3f}, but the "
            f"observed rate is {y.mean():.3f}. Shift the log-odds, not the probabilities, until they agree.")
        assert abs(float(result) - _reference_shift(risk, y)) < 0.02, "the shift should be the one that matches the means."


def _wrong_probability_shift(risk, y_local):  # adds to the probabilities and returns that
    return float(np.mean(y_local) - np.mean(risk))


def _wrong_logit_of_means(risk, y_local):  # logit(observed) - logit(mean risk): close, but not exact
    def logit(p):
        return np.log(p / (1 - p))
    return float(logit(np.mean(y_local)) - logit(np.mean(risk)))


q3 = Exercise(
    title="Exercise 3 (recalibration in the large)",
    checker=_check_q3,
    hint_text=("Keep the ranking, move every patient's log-odds by the same amount. Which amount makes "
               "the mean of the new risks equal the local event rate? A root finder "
               "(scipy.optimize.brentq) or a few steps of bisection will find it."),
    key="nb12_q3",
    wrong_answers=[_wrong_probability_shift, _wrong_logit_of_means, lambda risk, y: 0.0],
    success_message=("Right. One number per hospital, estimated from a few hundred local patients, "
                     "repairs calibration in the large; only the slope needs Platt scaling's second parameter."),
)


# --- q4: the feedback loop ------------------------------------------------------------------------

_Q4_CHOICES = {
    "a": "it learns that pneumonia on admission is less dangerous than it is",
    "b": "nothing changes: the causes of deterioration are the same",
    "c": "it becomes more sensitive, because it has more data",
    "d": "its calibration improves, because the labels are newer",
}


def _check_q4(answer):
    if not isinstance(answer, str) or answer.strip().lower() not in _Q4_CHOICES:
        raise AssertionError('answer should be one of "a", "b", "c", "d".')
    choice = answer.strip().lower()
    assert choice == "a", {
        "b": "the causes are the same, but the outcomes in the new data are not: the flagged patients were "
             "treated early. What does the label now record for them?",
        "c": "more data does not fix a label that records the effect of treatment: what does the new model "
             "learn about the flagged patients, who did better than they would have?",
        "d": "newer labels are not truer ones here: the flagged patients' outcomes reflect the treatment the "
             "old model triggered.",
    }[choice]


q4 = Exercise(
    title="Exercise 4 (the feedback loop)",
    checker=_check_q4,
    hint_text=("After deployment, the patients the model flags (often those with pneumonia) get early "
               "treatment, and fewer of them deteriorate. The next model learns from those outcomes."),
    key="nb12_q4",
    wrong_answers=["b", "c", "d", "e", 1],
    success_message=("Right: the model's own success erases the signal it was built on. Keep the labels "
                     "honest (record who was treated because of the alert), or evaluate with the "
                     "intervention in mind."),
)

EXERCISES = [q1, q2, q3, q4]

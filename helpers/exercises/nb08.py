"""Exercises of notebook 08 (privacy and security)."""
from __future__ import annotations

from functools import lru_cache

import numpy as np
import pandas as pd

from helpers.exercises import Exercise, NotAttempted


def _not_a_function(answer: object, name: str) -> None:
    if not callable(answer):
        raise AssertionError(f"answer should be your function {name} itself (no brackets).")


# --- q1: k-anonymity -----------------------------------------------------------------------

def _q1_tables() -> list[tuple[pd.DataFrame, list[str]]]:
    rng = np.random.default_rng(8)
    tables = []
    for n in (12, 40, 200):
        table = pd.DataFrame({"district": rng.choice(["408**", "409**", "410**"], n),
                              "born": rng.choice(["1950-1954", "1955-1959"], n),
                              "sex": rng.choice(["F", "M"], n), "diagnosis": rng.choice(["asthma", "COPD"], n)})
        tables += [(table, ["district", "born", "sex"]), (table, ["district"]), (table, ["born", "sex"])]
    return tables


def _check_q1(function):
    _not_a_function(function, "k_anonymity")
    for table, columns in _q1_tables():
        result = function(table.copy(), list(columns))
        if result is None:
            raise NotAttempted("Not attempted yet: make k_anonymity return a number.")
        expected = int(table.groupby(columns).size().min())
        assert np.ndim(result) == 0, "return one number (the smallest group's size), not a table."
        assert int(result) == expected, (
            f"for the columns {columns} of a {len(table)}-row table, the smallest group of rows sharing "
            f"all their values has {expected} rows; you returned {result}. Group by all the columns at "
            "once, count the rows per group, and take the smallest count.")


q1 = Exercise(
    title="Exercise 1 (k-anonymity)",
    checker=_check_q1,
    hint_text=("pandas can group rows by several columns at once and count each group. Which of those "
               "counts says how well the worst-hidden patient is hidden?"),
    key="nb08_q1",
    wrong_answers=[lambda t, c: t.groupby(c).ngroups, lambda t, c: int(t.groupby(c).size().max()),
                   lambda t, c: int(t[c[0]].value_counts().min()), lambda t, c: 1],
    success_message=("Right. In the lesson, generalise(register, 'postcode', 'year') is only 1-anonymous; "
                     "after generalising further and suppressing, the release reaches k = 5."),
)


# --- q2: the noise multiplier for a privacy budget ------------------------------------------

_Q2_RATE, _Q2_STEPS, _Q2_DELTA, _Q2_TARGET = 0.05, 600, 1e-5, 1.0


@lru_cache(maxsize=64)
def _epsilon(noise_multiplier: float, rate: float = _Q2_RATE, steps: int = _Q2_STEPS) -> float:
    from dp_accounting import dp_event, rdp

    accountant = rdp.RdpAccountant(orders=[*range(2, 64), 128, 256, 512])
    accountant.compose(dp_event.PoissonSampledDpEvent(rate, dp_event.GaussianDpEvent(noise_multiplier)), steps)
    return float(accountant.get_epsilon(_Q2_DELTA))


@lru_cache(maxsize=1)
def _smallest_noise() -> float:
    low, high = 1.0, 20.0  # epsilon(1) > 1 > epsilon(20)
    while high - low > 5e-3:
        middle = (low + high) / 2
        low, high = (low, middle) if _epsilon(round(middle, 6)) <= _Q2_TARGET else (middle, high)
    return high


def _check_q2(answer):
    try:
        noise = float(answer)
    except (TypeError, ValueError):
        raise AssertionError("answer should be one number: a noise multiplier.") from None
    assert noise > 0, "a noise multiplier is positive (it is a standard deviation, in units of clip_norm)."
    eps = _epsilon(round(noise, 6))
    assert eps <= _Q2_TARGET + 0.005, (
        f"with noise multiplier {noise:g}, epsilon is {eps:.2f}: more than 1. More noise is needed.")
    assert noise <= _smallest_noise() + 0.1, (
        f"with noise multiplier {noise:g}, epsilon is {eps:.2f}: private enough, but you add more noise than "
        "needed, and noise costs accuracy. Look for the smallest noise multiplier that still gives epsilon <= 1.")


q2 = Exercise(
    title="Exercise 2 (the noise for a budget)",
    checker=_check_q2,
    hint_text=("epsilon(RATE, noise, 600) falls as the noise grows. Try a few values, or loop over "
               "np.arange(1, 12, 0.05) and keep the first whose epsilon is at most 1."),
    key="nb08_q2",
    wrong_answers=[1.0, 2.0, 4.0, 12.0, -1.0, "eight"],
    success_message=("Yes: about 5 times clip_norm for 1,000 patients. With 100,000 patients the rate is "
                     "100 times smaller, 30 epochs take 60,000 steps, and a noise multiplier a little under 1 "
                     "is enough: privacy is much cheaper with more patients, because each one is a "
                     "smaller part of every batch."),
)


# --- q3: clip each patient's gradient -------------------------------------------------------

def _check_q3(function):
    _not_a_function(function, "clip_each")
    rng = np.random.default_rng(3)
    for clip_norm in (0.5, 1.0, 3.0):
        gradients = rng.normal(0, 1, (20, 7)) * rng.uniform(0.05, 3, (20, 1))
        gradients[0] = 0.0  # a patient with no gradient at all
        before = gradients.copy()
        result = function(gradients, clip_norm)
        if result is None:
            raise NotAttempted("Not attempted yet: make clip_each return the clipped gradients.")
        result = np.asarray(result, dtype=float)
        assert np.array_equal(gradients, before), "do not change the input array in place; return a new one."
        assert result.shape == gradients.shape, f"return shape {gradients.shape} (one row per patient), got {result.shape}."
        assert np.all(np.isfinite(result)), "a row of zeros has length 0: avoid dividing by it (it needs no clipping)."
        norms = np.linalg.norm(gradients, axis=1, keepdims=True)
        expected = gradients * np.minimum(1.0, clip_norm / np.maximum(norms, 1e-300))
        small = norms[:, 0] <= clip_norm
        assert np.allclose(result[small], gradients[small]), (
            "rows already shorter than clip_norm must be left alone (clipping only shrinks long gradients).")
        assert np.allclose(result, expected, atol=1e-9), (
            "rows longer than clip_norm must keep their direction and get length exactly clip_norm: "
            "multiply the whole row by clip_norm / (its Euclidean length), not each number separately.")


def _wrong_clip_total(gradients, clip_norm):  # clips the whole batch as one vector
    gradients = np.asarray(gradients, dtype=float)
    total = np.linalg.norm(gradients)
    return gradients * min(1.0, clip_norm / total)


def _wrong_clip_values(gradients, clip_norm):  # clips each number, not each row
    return np.clip(np.asarray(gradients, dtype=float), -clip_norm, clip_norm)


def _wrong_normalise_all(gradients, clip_norm):  # stretches short gradients too
    gradients = np.asarray(gradients, dtype=float)
    norms = np.linalg.norm(gradients, axis=1, keepdims=True)
    return gradients * clip_norm / np.maximum(norms, 1e-12)


q3 = Exercise(
    title="Exercise 3 (clip each patient's gradient)",
    checker=_check_q3,
    hint_text=("Work row by row, in one vectorised line if you can: what is each row's Euclidean length "
               "(np.linalg.norm with axis and keepdims)? By what factor must a too-long row shrink, and "
               "what factor leaves a short row unchanged?"),
    key="nb08_q3",
    wrong_answers=[_wrong_clip_total, _wrong_clip_values, _wrong_normalise_all],
    success_message=("Right: no patient can now move the model by more than clip_norm, whatever their record. "
                     "That bound is what lets a fixed amount of noise hide every patient."),
)


# --- q4: federated averaging, the server's step ---------------------------------------------

def _check_q4(function):
    _not_a_function(function, "federated_average")
    rng = np.random.default_rng(4)
    shapes = [(3, 4), (4,), (4, 1), (1,)]
    for sizes in ([1500, 500, 150], [10, 10], [7, 1, 1, 1]):
        clients = [[rng.normal(0, 1, shape) for shape in shapes] for _ in sizes]
        result = function([[w.copy() for w in client] for client in clients], list(sizes))
        if result is None:
            raise NotAttempted("Not attempted yet: make federated_average return a list of arrays.")
        assert len(result) == len(shapes), f"return one array per layer ({len(shapes)} layers), got {len(result)}."
        share = np.asarray(sizes, dtype=float) / np.sum(sizes)
        for layer, shape in enumerate(shapes):
            expected = sum(s * client[layer] for s, client in zip(share, clients))
            got = np.asarray(result[layer], dtype=float)
            assert got.shape == shape, f"layer {layer} should keep its shape {shape}, got {got.shape}."
            assert np.allclose(got, expected), (
                f"layer {layer} is not the size-weighted mean for hospital sizes {sizes}: each hospital's "
                "weights count in proportion to its number of patients (weights summing to 1).")


def _wrong_unweighted(client_weights, sizes):
    return [np.mean(layer, axis=0) for layer in zip(*client_weights)]


def _wrong_unnormalised(client_weights, sizes):  # forgets to divide by the total
    return [sum(n * w for n, w in zip(sizes, layer)) for layer in zip(*client_weights)]


def _wrong_largest_only(client_weights, sizes):
    return [np.array(w) for w in client_weights[int(np.argmax(sizes))]]


q4 = Exercise(
    title="Exercise 4 (federated averaging)",
    checker=_check_q4,
    hint_text=("zip(*client_weights) gives, layer by layer, the tuple of that layer's arrays from every "
               "hospital. Within a layer, how much should each hospital's array count, and what must "
               "those shares add up to?"),
    key="nb08_q4",
    wrong_answers=[_wrong_unweighted, _wrong_unnormalised, _wrong_largest_only],
    success_message=("Yes. An unweighted mean would give the 150-patient clinic as much say as the 1,500-patient "
                     "centre (its noisier model would pull the average around); the largest alone would "
                     "ignore the patients the centre never sees."),
)


EXERCISES = [q1, q2, q3, q4]

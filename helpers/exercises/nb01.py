"""Exercises of notebook 01: fully connected networks and activation functions."""
from __future__ import annotations

import numpy as np

from helpers.exercises import Exercise, NotAttempted

_PROBE = np.array([-3.0, -0.5, -1e-3, 1e-3, 0.5, 3.0])


def _check_leaky_derivative(answer) -> None:
    assert callable(answer), "Pass the function itself (leaky_relu_derivative), not a number."
    result = answer(_PROBE, alpha=0.2)
    if result is None:
        raise NotAttempted("Not attempted yet: make leaky_relu_derivative return an array.")
    result = np.asarray(result, dtype=float)
    assert result.shape == _PROBE.shape, f"Return one slope per input: expected shape {_PROBE.shape}, got {result.shape}."
    expected = np.where(_PROBE > 0, 1.0, 0.2)
    assert np.allclose(result[_PROBE > 0], 1.0), "For z > 0 the leaky ReLU is z itself, so its slope is 1."
    assert np.allclose(result, expected), "For z < 0 the leaky ReLU is alpha * z, so its slope is alpha (not 0)."
    other = np.asarray(answer(_PROBE, alpha=0.05), dtype=float)
    assert np.allclose(other, np.where(_PROBE > 0, 1.0, 0.05)), "Use the alpha argument rather than a fixed 0.2."


def _check_parameter_count(answer) -> None:
    assert isinstance(answer, (int, np.integer, float, np.floating)), f"Give a whole number, got {type(answer).__name__}."
    assert float(answer).is_integer(), "Parameters come in whole numbers."
    answer = int(answer)
    weights_only = 30 * 16 + 16 * 8 + 8 * 1
    assert answer != weights_only, "Close: you counted the weights; every unit also has one bias."
    assert answer == 641, "Each Dense layer has inputs x units weights plus one bias per unit: add up the three layers."


def _check_sigmoid_bound(answer) -> None:
    assert isinstance(answer, (float, int, np.floating)), "Give a number."
    assert not np.isclose(answer, 0.25), "That is one layer. Through five layers the factors multiply."
    assert np.isclose(answer, 0.25**5, rtol=0.05), (
        "The sigmoid's slope is at most 0.25 (at z = 0); five layers multiply five such factors.")


q1 = Exercise(
    title="Exercise 1 (Leaky ReLU slope)",
    checker=_check_leaky_derivative,
    hint_text="Use np.where(condition, value_if_true, value_if_false) on the array z.",
    key="nb01_q1",
    wrong_answers=[lambda z, alpha=0.2: (np.asarray(z) > 0).astype(float),
                   lambda z, alpha=0.2: np.where(np.asarray(z) > 0, 1.0, 0.2)],
    success_message="Right: below zero the slope is alpha, never 0, so a leaky unit can always recover.",
)

q2 = Exercise(
    title="Exercise 2 (counting parameters)",
    checker=_check_parameter_count,
    hint_text="A Dense layer from n inputs to m units has n * m weights and m biases.",
    key="nb01_q2",
    wrong_answers=[616, 30 * 16 * 8, 640, 641.5],
    success_message="641 parameters: the paper's rule of thumb would ask for 6,410 patients.",
)

q3 = Exercise(
    title="Exercise 3 (gradient through five sigmoid layers)",
    checker=_check_sigmoid_bound,
    hint_text="The largest slope of the sigmoid is sigma(0) * (1 - sigma(0)).",
    key="nb01_q3",
    wrong_answers=[0.25, 1.0, 0.25 * 5],
    success_message="At most about 0.001: a gradient crossing five sigmoid layers keeps at most a thousandth of its size.",
)

EXERCISES = [q1, q2, q3]

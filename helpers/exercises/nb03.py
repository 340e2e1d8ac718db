"""Exercises of notebook 03 (recurrent networks on physiological signals)."""
from __future__ import annotations

import math

import numpy as np

from helpers.exercises import Exercise, NotAttempted

# --- q1: the price of the gates --------------------------------------------------------------

LSTM_UNITS, LSTM_FEATURES = 32, 1
LSTM_PARAMETERS = 4 * (LSTM_UNITS * LSTM_FEATURES + LSTM_UNITS * LSTM_UNITS + LSTM_UNITS)


def _check_q1(answer):
    if isinstance(answer, bool) or not isinstance(answer, (int, float, np.integer, np.floating)):
        raise AssertionError(f"Give a number of parameters, got {type(answer).__name__}.")
    simple = LSTM_UNITS * LSTM_FEATURES + LSTM_UNITS * LSTM_UNITS + LSTM_UNITS
    if answer == simple:
        raise AssertionError(f"{simple} is a SimpleRNN's count. An LSTM has four such blocks: "
                             "input gate, forget gate, candidate cell and output gate.")
    if answer == 4 * (LSTM_UNITS * LSTM_FEATURES + LSTM_UNITS * LSTM_UNITS):
        raise AssertionError("Close: do not forget the four bias vectors (one per gate, 32 each).")
    assert answer == LSTM_PARAMETERS, (
        "Each of the 4 gates has an input kernel (features x units), a recurrent kernel "
        "(units x units) and a bias (units).")


q1 = Exercise(
    title="Exercise 1 (the price of the gates)",
    checker=_check_q1,
    hint_text="A SimpleRNN has W (features x units), U (units x units) and b (units). "
              "An LSTM has one such set per gate, and it has 4 gates.",
    key="nb03_q1",
    wrong_answers=[1088, 4224, 3360, "4352"],
    success_message=f"Yes: {LSTM_PARAMETERS} parameters, four times a SimpleRNN of the same width. "
                    "The gates are what buys the memory, and they cost compute on every time step.",
)

# --- q2: how far open must the forget gate be? ----------------------------------------------

STEPS, KEEP = 100, 0.01
FORGET_PROBABILITY = KEEP ** (1 / STEPS)
FORGET_BIAS = math.log(FORGET_PROBABILITY / (1 - FORGET_PROBABILITY))


def _check_q2(answer):
    if isinstance(answer, bool) or not isinstance(answer, (int, float, np.integer, np.floating)):
        raise AssertionError(f"Give the bias as a number, got {type(answer).__name__}.")
    answer = float(answer)
    if 0.0 < answer < 1.0 and abs(answer - FORGET_PROBABILITY) < 0.01:
        raise AssertionError(f"{answer:.3f} is the gate's value sigmoid(b); the question asks for "
                             "the bias b itself: invert the sigmoid with log(p / (1 - p)).")
    kept = (1 / (1 + math.exp(-answer))) ** STEPS
    assert abs(answer - FORGET_BIAS) < 0.015, (
        f"With b = {answer:g} the gate is sigmoid(b) = {1 / (1 + math.exp(-answer)):.4f}, and after "
        f"{STEPS} steps {kept:.2e} of the memory is left (we want the smallest b leaving 1 %).")


q2 = Exercise(
    title="Exercise 2 (how far open must the forget gate be?)",
    checker=_check_q2,
    hint_text="If nothing else changes the cell, after 100 steps a fraction sigmoid(b)**100 of it is "
              "left. Solve sigmoid(b)**100 = 0.01 for the gate value p first, then b = log(p / (1 - p)).",
    key="nb03_q2",
    wrong_answers=[1.0, 0.955, 5.0, 2.0],
    success_message=f"Yes: b = {FORGET_BIAS:.2f}, a gate of {FORGET_PROBABILITY:.3f}. Keras' "
                    "default bias of 1 keeps only 0.73**100 = 2e-14 of it: that is why we opened the "
                    "gate to 3 before asking an LSTM to remember across 100 steps.",
)

# --- q3: heart rate from sample indices ----------------------------------------------------

R_PEAKS = (12, 52, 93, 131)
SAMPLING_RATE = 50
HEART_RATE = 60.0 / (float(np.mean(np.diff(R_PEAKS))) / SAMPLING_RATE)


def _check_q3(answer):
    if isinstance(answer, bool) or not isinstance(answer, (int, float, np.integer, np.floating)):
        raise AssertionError(f"Give the heart rate in beats per minute as a number, got {type(answer).__name__}.")
    answer = float(answer)
    if abs(answer - np.mean(np.diff(R_PEAKS))) < 0.5:
        raise AssertionError("That is the RR interval in samples: divide by the sampling rate for "
                             "seconds, then convert seconds per beat to beats per minute.")
    if abs(answer - HEART_RATE / 60) < 0.05:
        raise AssertionError("That is beats per second: multiply by 60.")
    if abs(answer - 2 * HEART_RATE) < 1.0 or abs(answer - HEART_RATE / 2) < 1.0:
        raise AssertionError("Off by a factor of two: check the sampling rate you used (50 samples per second).")
    assert abs(answer - HEART_RATE) < 0.5, (
        "Average the RR intervals in samples, divide by 50 samples/s to get seconds per beat, "
        "and convert to beats per minute (60 / seconds per beat).")


q3 = Exercise(
    title="Exercise 3 (heart rate from sample indices)",
    checker=_check_q3,
    hint_text="RR interval (s) = difference of R-peak indices / sampling rate (Hz); heart rate = 60 / RR.",
    key="nb03_q3",
    wrong_answers=[39.67, 1.26, 151.3, 37.8],
    success_message=f"Yes: about {HEART_RATE:.1f} beats/min. A model that was trained at 50 Hz and is "
                    "fed 100-Hz data sees every interval twice as long: to it, this patient has a heart "
                    "rate of half that. Always check the sampling rate.",
)

# --- q4: gradient clipping by norm ---------------------------------------------------------

_Q4_CASES = (
    (np.array([3.0, 4.0]), 1.0),        # norm 5 -> rescaled to norm 1
    (np.array([0.3, -0.4]), 1.0),       # norm 0.5 -> unchanged
    (np.array([30.0, -40.0, 0.0, 120.0]), 2.0),
    (np.zeros(3), 1.0),
)


def _check_q4(answer):
    if not callable(answer):
        raise AssertionError("Pass the function itself (answer = clip_by_norm), not its result.")
    first = answer(np.array([3.0, 4.0]), 1.0)
    if first is None:
        raise NotAttempted("Not attempted yet: make clip_by_norm return the clipped gradient.")
    for gradient, max_norm in _Q4_CASES:
        result = np.asarray(answer(gradient.copy(), max_norm), dtype=float)
        assert result.shape == gradient.shape, f"the result must keep the gradient's shape {gradient.shape}"
        norm = np.linalg.norm(gradient)
        expected = gradient if norm <= max_norm else gradient * (max_norm / norm)
        if norm > max_norm and np.allclose(result, np.clip(gradient, -max_norm, max_norm)):
            raise AssertionError("That clips each component separately, which changes the gradient's "
                                 "direction. Rescale the whole vector instead, keeping its direction.")
        assert np.allclose(result, expected), (
            f"for gradient {gradient.tolist()} and max_norm {max_norm} expected {expected.round(4).tolist()}, "
            f"got {result.round(4).tolist()}. Leave short gradients alone; shrink long ones to length max_norm.")


q4 = Exercise(
    title="Exercise 4 (gradient clipping by norm)",
    checker=_check_q4,
    hint_text="norm = np.linalg.norm(gradient). If norm > max_norm, multiply the gradient by "
              "max_norm / norm; otherwise return it unchanged.",
    key="nb03_q4",
    wrong_answers=[
        lambda gradient, max_norm: np.clip(gradient, -max_norm, max_norm),
        lambda gradient, max_norm: gradient,
        lambda gradient, max_norm: gradient / np.linalg.norm(gradient) * max_norm,
        "clip",
    ],
    success_message="Yes. Clipping by norm keeps the direction of the step and only limits its length, "
                    "which is what keras.optimizers.SGD(clipnorm=1.0) does for every weight tensor.",
)

EXERCISES = [q1, q2, q3, q4]

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
              "An LSTM has one such set per block, and section 3 showed four blocks side by side.",
    key="nb03_q1",
    wrong_answers=[1088, 4224, 3360, "4352"],
    success_message=f"Yes: {LSTM_PARAMETERS} parameters, four times a SimpleRNN of the same width. "
                    "The gates are what buys the memory, and they cost compute on every time step.",
)

# --- q2: how far open must the forget gate be? ----------------------------------------------

STEPS, KEEP = 100, 0.01
OPENED_BIAS = 4.0  # the forget-gate bias of the opened LSTM in the notebook's sections 4 and 5


def _sigmoid(z: float) -> float:
    return 1 / (1 + math.exp(-z))

FORGET_PROBABILITY = KEEP ** (1 / STEPS)
FORGET_BIAS = math.log(FORGET_PROBABILITY / (1 - FORGET_PROBABILITY))


def _check_q2(answer):
    if isinstance(answer, bool) or not isinstance(answer, (int, float, np.integer, np.floating)):
        raise AssertionError(f"Give the bias as a number, got {type(answer).__name__}.")
    answer = float(answer)
    if 0.0 < answer < 1.0 and abs(answer - FORGET_PROBABILITY) < 0.01:
        raise AssertionError(f"{answer:.3f} is the gate's value sigmoid(b); the question asks for "
                             "the bias b itself: invert the sigmoid with log(p / (1 - p)).")
    kept = _sigmoid(answer) ** STEPS
    assert abs(answer - FORGET_BIAS) < 0.015, (
        f"With b = {answer:g} the gate is sigmoid(b) = {_sigmoid(answer):.4f}, and after "
        f"{STEPS} steps {kept:.2e} of the memory is left (we want the smallest b leaving 1 %).")


q2 = Exercise(
    title="Exercise 2 (how far open must the forget gate be?)",
    checker=_check_q2,
    hint_text="Work backwards: which gate value keeps 1 % of the memory after 100 steps? "
              "Then undo the sigmoid.",
    key="nb03_q2",
    wrong_answers=[1.0, 0.955, 5.0, 2.0],
    success_message=f"Yes: b = {FORGET_BIAS:.2f}, a gate of {FORGET_PROBABILITY:.3f}. Keras' default "
                    f"bias of 1 keeps only {_sigmoid(1.0) ** STEPS:.0e} of the memory after {STEPS} steps; "
                    f"the bias of {OPENED_BIAS:g} used in sections 4 and 5 keeps {_sigmoid(OPENED_BIAS) ** STEPS:.2f}: "
                    "that is why we opened the gate before asking an LSTM to remember across 150 steps.",
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
        f"{answer:g} beats/min is not it yet. Follow the units: from samples between peaks, to seconds "
        "per beat, to beats per minute.")


q3 = Exercise(
    title="Exercise 3 (heart rate from sample indices)",
    checker=_check_q3,
    hint_text="Start from the gaps between the peaks: what unit are they in?",
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
    hint_text="What does dividing a vector by its own length give? Only shrink when you must.",
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

# --- q5: build a GRU step ----------------------------------------------------------------------

_Q5_UNITS, _Q5_FEATURES, _Q5_STEPS = 4, 2, 12


def _q5_weights():
    """Fixed weights (W, U, b) in Keras' GRU layout (blocks z, r, h~; reset_after=False) and inputs."""
    rng = np.random.default_rng(5)
    units, features = _Q5_UNITS, _Q5_FEATURES
    W = rng.normal(0, 0.6, (features, 3 * units)).astype("float32")
    U = rng.normal(0, 0.6, (units, 3 * units)).astype("float32")
    b = rng.normal(0, 0.5, 3 * units).astype("float32")
    x = rng.normal(0, 1, (3, _Q5_STEPS, features)).astype("float32")
    return x, W, U, b


def _q5_variant(x_t, h_prev, W, U, b, *, swap_update=False, reset_after=False):
    """Reference GRU step in NumPy, or one of two common mix-ups (for targeted feedback)."""
    z_x, r_x, h_x = np.split(x_t @ W + b, 3, axis=1)
    U_z, U_r, U_h = np.split(U, 3, axis=1)
    z = 1 / (1 + np.exp(-(z_x + h_prev @ U_z)))
    r = 1 / (1 + np.exp(-(r_x + h_prev @ U_r)))
    h_tilde = np.tanh(h_x + (r * (h_prev @ U_h) if reset_after else (r * h_prev) @ U_h))
    return (1 - z) * h_prev + z * h_tilde if swap_update else z * h_prev + (1 - z) * h_tilde


def _q5_run(step, x, W, U, b):
    h = np.zeros((x.shape[0], _Q5_UNITS))
    states = []
    for t in range(x.shape[1]):
        h = step(x[:, t], h, W, U, b)
        if h is None:
            raise NotAttempted("Not attempted yet: make gru_step return the new state h_t.")
        h = np.asarray(h, dtype=np.float64)
        if h.shape != (x.shape[0], _Q5_UNITS):
            raise AssertionError(f"gru_step must return h_t of shape (n, units) = {(x.shape[0], _Q5_UNITS)}, "
                                 f"got {h.shape}.")
        states.append(h)
    return np.stack(states, axis=1)


def _check_q5(answer):
    if not callable(answer):
        raise AssertionError("Pass the function itself (answer = gru_step), not its result.")
    import keras

    x, W, U, b = _q5_weights()
    states = _q5_run(answer, x, W, U, b)
    layer = keras.layers.GRU(_Q5_UNITS, reset_after=False, return_sequences=True)
    layer.build((None, _Q5_STEPS, _Q5_FEATURES))
    layer.set_weights([W, U, b])
    expected = np.asarray(layer(x)).astype(np.float64)
    if np.allclose(states, expected, atol=1e-4):
        return
    for mix_up, message in (
            ({"swap_update": True}, "You keep (1 - z_t) of the old state. In the equations (and in Keras) z_t "
                                    "multiplies h_{t-1} and (1 - z_t) the candidate."),
            ({"reset_after": True}, "You apply r_t after the product with U_h, r_t * (h_{t-1} U_h): that is "
                                    "Keras' reset_after=True variant. Here r_t multiplies h_{t-1} first.")):
        if np.allclose(states, _q5_run(lambda *a, m=mix_up: _q5_variant(*a, **m), x, W, U, b), atol=1e-4):
            raise AssertionError(message)
    step = int(np.argmax(np.abs(states - expected).max(axis=(0, 2)) > 1e-4))
    raise AssertionError(
        f"Your states first differ from keras.layers.GRU at step {step} (largest difference "
        f"{np.abs(states - expected).max():.2g}). Check the order of the blocks (z, r, h~) and which "
        "of them use the sigmoid and which tanh.")


q5 = Exercise(
    title="Exercise 5 (build a GRU step)",
    checker=_check_q5,
    hint_text="Split W, U and b into their three blocks with np.split, the way lstm_step split its four. "
              "z_t and r_t are computed like the LSTM's gates; the only new twist is the candidate, where "
              "r_t scales h_{t-1} before it meets U_h.",
    key="nb03_q5",
    wrong_answers=[
        lambda x_t, h_prev, W, U, b: _q5_variant(x_t, h_prev, W, U, b, swap_update=True),
        lambda x_t, h_prev, W, U, b: _q5_variant(x_t, h_prev, W, U, b, reset_after=True),
        lambda x_t, h_prev, W, U, b: np.tanh(x_t @ W[:, -_Q5_UNITS:] + h_prev @ U[:, -_Q5_UNITS:]),
        "gru_step",
    ],
    success_message="Yes: your NumPy step reproduces keras.layers.GRU(reset_after=False) at every step. "
                    "Two gates instead of the LSTM's three and no separate cell state: the update gate z_t "
                    "plays the forget gate's part (it keeps z_t of the old state), which is why opening it "
                    "(gate_bias in recurrent.sequence_classifier) lengthens a GRU's memory as well.",
)

EXERCISES = [q1, q2, q3, q4, q5]

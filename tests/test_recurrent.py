"""Unit tests for helpers.models.recurrent (gate biases, model builders), input gradients, and the
lesson code of the recurrent-networks notebook (its NumPy SimpleRNN and LSTM step) against Keras."""
from __future__ import annotations

import numpy as np
import pytest

from helpers.data.signals import make_long_memory_task
from helpers.evaluation import attribution
from helpers.models import recurrent
from tests.lesson_cells import lesson_namespace

keras = pytest.importorskip("keras")


def lesson_code(marker: str) -> dict:
    """Execute notebook 03's cell whose first line is ``# Lesson code: <marker>``; return its namespace."""
    return lesson_namespace("03_recurrent_networks.ipynb", marker, {"np": np})


def test_notebook_simple_rnn_matches_keras():
    simple_rnn = lesson_code("simple RNN")["simple_rnn"]
    rng = np.random.default_rng(0)
    x = rng.normal(size=(3, 12, 2)).astype("float32")
    layer = keras.layers.SimpleRNN(5, return_sequences=True)
    expected = layer(x).numpy()
    states = simple_rnn(x, *layer.get_weights())
    assert states.shape == (3, 12, 5)
    np.testing.assert_allclose(states, expected, atol=1e-5)


@pytest.mark.parametrize("gate_bias", [None, 4.0])
def test_notebook_lstm_step_matches_keras(gate_bias):
    """The notebook's lstm_step, run over a sequence, gives Keras' h_t at every step and its last c_t;
    with the helper's opened gate (gate_bias) the forget gate sits at about sigmoid(4)."""
    lstm_step = lesson_code("LSTM step")["lstm_step"]
    rng = np.random.default_rng(1)
    x = rng.normal(size=(3, 20, 2)).astype("float32")
    layer = recurrent.recurrent_layer("lstm", 6, gate_bias=gate_bias, return_sequences=True, return_state=True)
    expected_states, _, expected_memory = (a.numpy() for a in layer(x))
    W, U, b = layer.get_weights()
    h = c = np.zeros((3, 6))
    states, gates = [], []
    for t in range(x.shape[1]):
        h, c, f = lstm_step(x[:, t], h, c, W, U, b)
        states.append(h)
        gates.append(f)
    np.testing.assert_allclose(np.stack(states, axis=1), expected_states, atol=1e-5)
    np.testing.assert_allclose(c, expected_memory, atol=1e-5)
    opened = 1 / (1 + np.exp(-(4.0 if gate_bias else 1.0)))
    assert abs(np.mean(gates) - opened) < 0.1


@pytest.mark.parametrize("kind, gates, slot", [("lstm", 4, 1), ("gru", 3, 0)])
def test_gate_bias_sets_only_the_memory_gate(kind, gates, slot):
    layer = recurrent.recurrent_layer(kind, 6, gate_bias=4.0)
    layer.build((None, 10, 1))
    bias = np.asarray(layer.get_weights()[-1]).reshape(-1)  # GRU (reset_after) has a (2, 18) bias
    per_gate = bias[: gates * 6].reshape(gates, 6)
    np.testing.assert_allclose(per_gate[slot], 4.0)
    np.testing.assert_allclose(np.delete(per_gate, slot, axis=0), 0.0)


def test_default_lstm_keeps_keras_forget_bias_of_one():
    layer = recurrent.recurrent_layer("lstm", 4)
    layer.build((None, 10, 1))
    np.testing.assert_allclose(layer.get_weights()[-1][4:8], 1.0)


def test_bad_layer_arguments():
    with pytest.raises(ValueError):
        recurrent.recurrent_layer("transformer", 4)
    with pytest.raises(ValueError):
        recurrent.recurrent_layer("lstm", 0)
    with pytest.raises(ValueError):
        recurrent.recurrent_layer("simple_rnn", 4, gate_bias=3.0)
    with pytest.raises(ValueError):
        recurrent.gate_bias_initializer("simple_rnn", 3.0)
    with pytest.raises(TypeError):
        recurrent.gate_bias_initializer("lstm", "3")
    with pytest.raises(ValueError):
        recurrent.sequence_classifier("lstm", 0)
    with pytest.raises(ValueError):
        recurrent.sequence_classifier("lstm", 10, n_classes=1)
    with pytest.raises(ValueError):
        recurrent.sequence_classifier("lstm", 10, optimizer="rmsprop")
    with pytest.raises(ValueError):
        recurrent.rhythm_classifier("transformer", 150)
    with pytest.raises(ValueError):
        recurrent.rhythm_classifier("lstm", 155, frame=10)


def test_input_gradient_per_step_shape_and_vanishing():
    x, y = make_long_memory_task(16, 60, seed=0)
    keras.utils.set_random_seed(0)
    model = recurrent.sequence_classifier("simple_rnn", 60, units=8)
    gradient = attribution.input_gradient_per_step(model, x, y)
    assert gradient.shape == (60,)
    assert np.all(gradient >= 0) and gradient[-1] > 0
    assert gradient[0] < gradient[-1], "a SimpleRNN at initialisation reaches old inputs less"
    with pytest.raises(ValueError):
        attribution.input_gradient_per_step(model, x[:, :, 0], y)
    with pytest.raises(ValueError):
        attribution.input_gradient_per_step(model, x, y[:5])


@pytest.mark.parametrize("kind", ["lstm", "gru", "cnn"])
def test_rhythm_classifier_outputs_probabilities(kind):
    model = recurrent.rhythm_classifier(kind, 150)
    x = np.random.default_rng(0).normal(size=(4, 150, 1)).astype("float32")
    probabilities = model(x, training=False).numpy()
    assert probabilities.shape == (4, 3)
    np.testing.assert_allclose(probabilities.sum(axis=1), 1.0, rtol=1e-5)


def test_slope_filter_removes_a_constant_offset():
    model = recurrent.rhythm_classifier("lstm", 150)
    slope = keras.Model(model.input, model.get_layer("frames").output)
    x = np.random.default_rng(1).normal(size=(2, 150, 1)).astype("float32")
    np.testing.assert_allclose(slope(x + 3.0).numpy(), slope(x).numpy(), atol=1e-4)

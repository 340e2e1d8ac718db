"""Unit tests for helpers.recurrent: the NumPy RNN, gate biases, model builders, input gradients."""
from __future__ import annotations

import numpy as np
import pytest

from helpers.data.signals import make_long_memory_task
from helpers.evaluation import attribution
from helpers.models import recurrent

keras = pytest.importorskip("keras")


def test_simple_rnn_numpy_matches_keras():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(3, 12, 2)).astype("float32")
    layer = keras.layers.SimpleRNN(5, return_sequences=True)
    expected = layer(x).numpy()
    states = recurrent.simple_rnn_numpy(x, *layer.get_weights())
    assert states.shape == (3, 12, 5)
    np.testing.assert_allclose(states, expected, atol=1e-5)


def test_simple_rnn_numpy_rejects_bad_shapes():
    x = np.zeros((2, 4, 1))
    with pytest.raises(ValueError):
        recurrent.simple_rnn_numpy(x[0], np.zeros((1, 3)), np.zeros((3, 3)), np.zeros(3))
    with pytest.raises(ValueError):
        recurrent.simple_rnn_numpy(x, np.zeros((2, 3)), np.zeros((3, 3)), np.zeros(3))
    with pytest.raises(ValueError):
        recurrent.simple_rnn_numpy(x, np.zeros((1, 3)), np.zeros((3, 4)), np.zeros(3))


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

"""Exercises of notebook 01: fully connected networks and activation functions."""
from __future__ import annotations

import numpy as np

from helpers.exercises import Exercise, NotAttempted

_PROBE = np.array([-4.0, -1.5, -0.5, -1e-3, 1e-3, 0.5, 1.5, 4.0])


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-z))


def _autodiff_slope(function, z: np.ndarray) -> np.ndarray:
    """d function / dz by tf.GradientTape, inside a compiled graph (as Keras trains)."""
    import tensorflow as tf

    @tf.function
    def slope(points):
        with tf.GradientTape() as tape:
            tape.watch(points)
            values = function(points)
        return tape.gradient(values, points)

    result = slope(tf.constant(z, dtype=tf.float64))
    if result is None:
        raise AssertionError("TensorFlow found no gradient through swish: write it with keras.ops functions.")
    return result.numpy()


def _check_swish(answer) -> None:
    assert isinstance(answer, tuple) and len(answer) == 2 and all(callable(f) for f in answer), (
        "Pass the two functions as a pair: q1.check((swish, swish_derivative)).")
    function, derivative = answer
    values, slopes = function(_PROBE.copy()), derivative(_PROBE.copy())
    if values is None or slopes is None:
        raise NotAttempted("Not attempted yet: make swish and swish_derivative return arrays.")
    values, slopes = np.asarray(values, dtype=float), np.asarray(slopes, dtype=float)
    assert values.shape == _PROBE.shape and slopes.shape == _PROBE.shape, (
        f"Return one value per input: expected shape {_PROBE.shape}, got {values.shape} and {slopes.shape}.")
    assert np.allclose(values, _PROBE * _sigmoid(_PROBE), atol=1e-6), "swish(z) should be z times sigmoid(z)."
    assert not np.allclose(slopes, _sigmoid(_PROBE), atol=1e-4), (
        "That is the sigmoid alone. swish is a product of two functions of z: which rule differentiates a product?")
    try:
        autodiff = _autodiff_slope(function, _PROBE)
    except (NotImplementedError, TypeError) as error:
        raise AssertionError(
            "Keras trains inside a compiled graph, where NumPy functions cannot run "
            f"({type(error).__name__}). Write swish with keras.ops (keras.ops.sigmoid, ...).") from None
    gap = float(np.max(np.abs(slopes - autodiff)))
    assert gap < 1e-6, (f"Your slope differs from tf.GradientTape's by up to {gap:.3f}. Check the derivative of "
                        "each factor: the slope of z is 1, and the sigmoid's slope is section 2's formula.")
    _check_swish_in_a_layer(function)


def _check_swish_in_a_layer(function) -> None:
    import keras

    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(4, activation=function)])
    model.compile(optimizer="sgd", loss="mse")
    inputs = np.linspace(-2, 2, 24, dtype="float32").reshape(8, 3)
    dense = model.layers[0]
    z = inputs @ dense.kernel.numpy() + dense.bias.numpy()
    outputs = np.asarray(model.predict(inputs, verbose=0))
    assert np.allclose(outputs, z * _sigmoid(z), atol=1e-5), "A Dense layer with activation=swish gave other outputs."
    model.fit(inputs, np.zeros((8, 4), "float32"), epochs=1, verbose=0)   # one compiled training step


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


def _numpy_swish(z):
    return z / (1.0 + np.exp(-z))


def _keras_swish(z):
    import keras

    return z * keras.ops.sigmoid(z)


q1 = Exercise(
    title="Exercise 1 (build an activation: swish)",
    checker=_check_swish,
    hint_text=("Product rule: the slope of u(z) * v(z) is u'(z) v(z) + u(z) v'(z). For Keras, keras.ops has the "
               "functions you know from NumPy and section 2, and they work on Keras' tensors."),
    key="nb01_q1",
    wrong_answers=[(_keras_swish, _sigmoid),
                   (_keras_swish, lambda z: _sigmoid(z) * (1 - _sigmoid(z))),
                   (_keras_swish, lambda z: z * _sigmoid(z) * (1 - _sigmoid(z))),
                   (_numpy_swish, lambda z: _sigmoid(z) * (1 + z * (1 - _sigmoid(z)))),
                   (np.tanh, lambda z: 1 - np.tanh(z) ** 2)],
    success_message=("Right: your slope matches automatic differentiation, and Keras trained a layer with your "
                     "activation. Like GELU, swish is a smooth relative of ReLU; EfficientNet (notebook 02) uses it."),
)

q2 = Exercise(
    title="Exercise 2 (counting parameters)",
    checker=_check_parameter_count,
    hint_text="Go layer by layer: every unit has one weight per input it receives, plus its own bias.",
    key="nb01_q2",
    wrong_answers=[616, 30 * 16 * 8, 640, 641.5],
    success_message="641 parameters: the paper's rule of thumb would ask for 6,410 patients.",
)

q3 = Exercise(
    title="Exercise 3 (gradient through five sigmoid layers)",
    checker=_check_sigmoid_bound,
    hint_text="Where is the sigmoid's slope largest, and how large is it there? Section 2's figure shows it.",
    key="nb01_q3",
    wrong_answers=[0.25, 1.0, 0.25 * 5],
    success_message=("At most about 0.001: the five sigmoid slopes together scale a gradient by at most a thousandth. "
                     "The weights multiply it too, and large weights can make up part of that loss (section 2)."),
)

EXERCISES = [q1, q2, q3]

"""The activation functions and slopes that notebook 01 writes in its lesson cells.

They live only in the notebook (no other notebook uses them), so this test reads the cells marked
``# Lesson code:`` from the notebook, runs them in a fresh namespace and checks what they compute.
"""
from __future__ import annotations

import numpy as np
import pytest

from helpers import course
from tests import lesson_cells

NOTEBOOK = course.entry("01").file


def lesson_namespace() -> dict:
    """Run notebook 01's lesson cells, in order, with only NumPy imported; return their names."""
    markers = lesson_cells.lesson_markers(NOTEBOOK)
    assert len(markers) >= 2, "notebook 01 should keep its activations in cells starting with '# Lesson code:'"
    return lesson_cells.lesson_namespace(NOTEBOOK, markers, {"np": np})


LESSON = lesson_namespace()
ACTIVATIONS = LESSON["ACTIVATIONS"]


def test_the_five_activations_are_keras_names():
    import keras

    assert list(ACTIVATIONS) == ["sigmoid", "tanh", "relu", "leaky_relu", "gelu"]
    z = np.linspace(-4, 4, 81)
    for name, (function, _) in ACTIVATIONS.items():
        np.testing.assert_allclose(function(z), keras.ops.convert_to_numpy(keras.activations.get(name)(z)),
                                   atol=1e-6, err_msg=name)


@pytest.mark.parametrize("name", list(ACTIVATIONS))
def test_derivative_matches_finite_differences(name):
    function, derivative = ACTIVATIONS[name]
    z = np.linspace(-5, 5, 101)
    z = z[np.abs(z) > 1e-3]  # ReLU-like functions have a kink at 0
    step = 1e-6
    numeric = (function(z + step) - function(z - step)) / (2 * step)
    np.testing.assert_allclose(derivative(z), numeric, atol=1e-5)


def test_known_values():
    assert LESSON["sigmoid"](0.0) == 0.5
    assert LESSON["sigmoid_derivative"](0.0) == 0.25
    np.testing.assert_allclose(LESSON["relu"](np.array([-1.0, 2.0])), [0.0, 2.0])
    assert LESSON["relu_derivative"](np.array([0.0]))[0] == 0.0, "ReLU's slope at exactly 0 is taken as 0"
    np.testing.assert_allclose(LESSON["leaky_relu"](np.array([-1.0, 2.0]), alpha=0.1), [-0.1, 2.0])
    assert abs(float(LESSON["gelu"](1.0)) - 0.8413447) < 1e-6


def test_shapes_are_preserved():
    z = np.zeros((3, 4, 2))
    for function, derivative in ACTIVATIONS.values():
        assert function(z).shape == z.shape and derivative(z).shape == z.shape

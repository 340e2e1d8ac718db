"""helpers.activations and helpers.tabular."""
from __future__ import annotations

import numpy as np
import pytest

from helpers import activations
from helpers.data import tumours


@pytest.mark.parametrize("name", list(activations.ACTIVATIONS))
def test_derivative_matches_finite_differences(name):
    function, derivative = activations.ACTIVATIONS[name]
    z = np.linspace(-5, 5, 101)
    z = z[np.abs(z) > 1e-3]  # ReLU-like functions have a kink at 0
    step = 1e-6
    numeric = (function(z + step) - function(z - step)) / (2 * step)
    np.testing.assert_allclose(derivative(z), numeric, atol=1e-5)


def test_known_values():
    assert activations.sigmoid(0.0) == 0.5
    assert activations.sigmoid_derivative(0.0) == 0.25
    np.testing.assert_allclose(activations.relu([-1.0, 2.0]), [0.0, 2.0])
    np.testing.assert_allclose(activations.leaky_relu([-1.0, 2.0], alpha=0.1), [-0.1, 2.0])
    assert abs(float(activations.gelu(1.0)) - 0.8413447) < 1e-6
    assert np.isfinite(activations.sigmoid(np.array([-1000.0, 1000.0]))).all()


def test_shapes_are_preserved():
    z = np.zeros((3, 4, 2))
    for function, derivative in activations.ACTIVATIONS.values():
        assert function(z).shape == z.shape and derivative(z).shape == z.shape


def test_non_numeric_input_is_rejected():
    with pytest.raises((TypeError, ValueError)):
        activations.relu(np.array(["a", "b"]))


def test_dead_unit_share():
    outputs = np.array([[0.0, 1.0, 0.0], [0.0, 0.0, 2.0]])
    assert activations.dead_unit_share(outputs) == pytest.approx(1 / 3)
    with pytest.raises(ValueError, match=r"shape \(n_examples, n_units\)"):
        activations.dead_unit_share(np.zeros(5))


def test_breast_cancer_split():
    data = tumours.breast_cancer_split(seed=0)
    assert data["x_train"].shape[1] == 30 and len(data["feature_names"]) == 30
    assert len(data["x_train"]) + len(data["x_test"]) == 569
    assert abs(data["x_train"].mean()) < 1e-5 and 0.3 < data["y_train"].mean() < 0.45  # 37 % malignant
    raw = tumours.breast_cancer_split(seed=0, scale=False)
    assert raw["x_train"].max() > 1000 and raw["scaler"] is None
    with pytest.raises(ValueError, match="test_size"):
        tumours.breast_cancer_split(test_size=0.9)

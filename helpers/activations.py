"""Activation functions and their derivatives in NumPy, for comparing with TensorFlow.

Every function takes an array ``z`` of pre-activations (any shape) and returns an array of the
same shape. Derivatives are the analytic ones; notebook 01 checks them against automatic
differentiation (``tf.GradientTape``).
"""
from __future__ import annotations

from typing import Callable

import numpy as np
from scipy.special import erf

SQRT2 = np.sqrt(2.0)


def _as_array(z) -> np.ndarray:
    array = np.asarray(z, dtype=np.float64)
    if not np.issubdtype(array.dtype, np.floating):
        raise TypeError(f"z must be numeric, got dtype {array.dtype}")
    return array


def sigmoid(z):
    """1 / (1 + exp(-z)); output in (0, 1)."""
    z = _as_array(z)
    return 0.5 * (1.0 + np.tanh(0.5 * z))  # numerically stable form of the logistic function


def sigmoid_derivative(z):
    """sigma(z) * (1 - sigma(z)); at most 0.25, at z = 0."""
    s = sigmoid(z)
    return s * (1.0 - s)


def tanh(z):
    """Hyperbolic tangent; output in (-1, 1)."""
    return np.tanh(_as_array(z))


def tanh_derivative(z):
    """1 - tanh(z)^2; at most 1, at z = 0."""
    return 1.0 - np.tanh(_as_array(z)) ** 2


def relu(z):
    """max(0, z)."""
    return np.maximum(0.0, _as_array(z))


def relu_derivative(z):
    """1 for z > 0, else 0 (the value at exactly 0 is taken as 0, as TensorFlow does)."""
    return (_as_array(z) > 0).astype(np.float64)


def leaky_relu(z, alpha: float = 0.2):
    """z for z > 0, else alpha * z (Keras' default alpha is 0.2)."""
    z = _as_array(z)
    return np.where(z > 0, z, alpha * z)


def leaky_relu_derivative(z, alpha: float = 0.2):
    """1 for z > 0, else alpha."""
    return np.where(_as_array(z) > 0, 1.0, alpha)


def gelu(z):
    """z * Phi(z), with Phi the standard normal CDF (the exact, not the tanh-approximated, GELU)."""
    z = _as_array(z)
    return 0.5 * z * (1.0 + erf(z / SQRT2))


def gelu_derivative(z):
    """Phi(z) + z * phi(z)."""
    z = _as_array(z)
    return 0.5 * (1.0 + erf(z / SQRT2)) + z * np.exp(-0.5 * z**2) / np.sqrt(2.0 * np.pi)


#: name -> (function, derivative); the names are also Keras activation names.
ACTIVATIONS: dict[str, tuple[Callable, Callable]] = {
    "sigmoid": (sigmoid, sigmoid_derivative),
    "tanh": (tanh, tanh_derivative),
    "relu": (relu, relu_derivative),
    "leaky_relu": (leaky_relu, leaky_relu_derivative),
    "gelu": (gelu, gelu_derivative),
}


def dead_unit_share(activations) -> float:
    """Share of units that never fire: output <= 0 for every example.

    Args:
        activations: array (n_examples, n_units) of a hidden layer's outputs.

    Returns:
        A fraction in [0, 1].
    """
    array = np.asarray(activations)
    if array.ndim != 2 or array.shape[0] == 0:
        raise ValueError(f"activations must have shape (n_examples, n_units), got {array.shape}")
    return float(np.mean(np.all(array <= 0, axis=0)))

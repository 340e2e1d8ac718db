"""Counting and inspecting networks: parameters, multiply-adds, output sizes, layer tables and activation sizes."""
from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from helpers.validation import check_int


def conv_output_size(size: int, kernel_size: int, stride: int = 1, padding: str = "valid") -> int:
    """Side length of a convolution's or pooling's output, in pixels.

    ``"valid"``: ``floor((size - kernel_size) / stride) + 1``; ``"same"``: ``ceil(size / stride)``.
    """
    for arg, value in (("size", size), ("kernel_size", kernel_size), ("stride", stride)):
        check_int(arg, value)
    if padding == "valid":
        if kernel_size > size:
            raise ValueError(f"kernel_size {kernel_size} does not fit in size {size} without padding")
        return (size - kernel_size) // stride + 1
    if padding == "same":
        return math.ceil(size / stride)
    raise ValueError(f"padding must be 'valid' or 'same', got {padding!r}")


def count_multiply_adds(model: Any) -> int:
    """Multiply-add operations for one image through the Conv2D and Dense layers of ``model``.

    A convolution costs ``out_height * out_width * kernel_h * kernel_w * in_channels * filters``;
    a dense layer ``inputs * units``. Pooling, activations and normalisation are cheap by comparison
    and not counted. Nested models are counted through.
    """
    import keras

    total = 0
    for layer in model.layers:
        if isinstance(layer, keras.Model):
            total += count_multiply_adds(layer)
        elif isinstance(layer, keras.layers.DepthwiseConv2D):  # one k x k filter per channel
            kh, kw, cin, multiplier = layer.kernel.shape
            _, oh, ow, _ = layer.output.shape
            total += int(oh * ow * kh * kw * cin * multiplier)
        elif isinstance(layer, keras.layers.Conv2D):
            kh, kw, cin, cout = layer.kernel.shape
            _, oh, ow, _ = layer.output.shape
            total += int(oh * ow * kh * kw * cin * cout)
        elif isinstance(layer, keras.layers.Dense):
            cin, cout = layer.kernel.shape
            total += int(cin * cout)
    return total


def describe_architecture(model: Any) -> dict[str, int]:
    """Depth (layers with weights: convolutions and dense), parameters and multiply-adds of a model."""
    import keras

    weight_layers = (keras.layers.Conv2D, keras.layers.DepthwiseConv2D, keras.layers.Dense)
    return {"weight layers (depth)": sum(isinstance(layer, weight_layers) for layer in model.layers),
            "parameters": int(model.count_params()),
            "multiply-adds per scan": count_multiply_adds(model)}


def layer_table(model: Any) -> pd.DataFrame:
    """One row per layer: name, kind, output shape (without the batch), parameters, multiply-adds."""
    import keras

    rows = []
    for layer in model.layers:
        if isinstance(layer, keras.layers.InputLayer):
            continue
        macs = count_multiply_adds(_OneLayer(layer))
        rows.append({"layer": layer.name, "kind": type(layer).__name__,
                     "output shape": tuple(layer.output.shape[1:]),
                     "parameters": int(layer.count_params()), "multiply-adds": macs})
    return pd.DataFrame(rows).set_index("layer")


class _OneLayer:
    """Wraps one layer so that :func:`count_multiply_adds` can count it alone."""

    def __init__(self, layer: Any) -> None:
        self.layers = [layer]


def activation_rms(model: Any, images: np.ndarray, layer_names: list[str]) -> np.ndarray:
    """Root-mean-square activation of each named layer on ``images``: shape ``(len(layer_names),)``.

    Shows whether a signal survives the trip through a deep network (it fades in a plain stack).
    """
    import keras

    probe = keras.Model(model.inputs, [model.get_layer(name).output for name in layer_names])
    outputs = probe(np.asarray(images, np.float32), training=False)
    return np.array([float(np.sqrt(np.mean(np.square(np.asarray(o))))) for o in outputs])


def dense_parameter_count(layer_sizes: Sequence[int]) -> int:
    """Weights plus biases of a fully connected network with these layer widths.

    ``layer_sizes`` runs from the inputs to the output, e.g. ``(10, 32, 16, 1)``: each layer of
    ``b`` units fed by ``a`` inputs has ``a * b`` weights and ``b`` biases.
    """
    sizes = [check_int("each layer size", s, 1) for s in layer_sizes]
    if len(sizes) < 2:
        raise ValueError("layer_sizes needs the input width and at least one layer, e.g. (10, 1)")
    return int(sum((a + 1) * b for a, b in zip(sizes[:-1], sizes[1:])))


def n_parameters(model: Any) -> int:
    """Number of trainable numbers (weights and biases) of a fitted scikit-learn model or a Keras model.

    Handles ``LogisticRegression`` (``coef_``, ``intercept_``), ``MLPClassifier`` (``coefs_``,
    ``intercepts_``), a ``Pipeline`` ending in either, a :class:`SmallCNN` and Keras models.
    """
    from helpers.models.convolutional import SmallCNN

    if isinstance(model, SmallCNN):
        return model.n_parameters
    if hasattr(model, "count_params"):
        return int(model.count_params())
    if hasattr(model, "steps"):  # a scikit-learn Pipeline: the last step holds the parameters
        return n_parameters(model.steps[-1][1])
    if hasattr(model, "coefs_"):
        return int(sum(w.size for w in model.coefs_) + sum(b.size for b in model.intercepts_))
    if hasattr(model, "coef_"):
        return int(np.size(model.coef_) + np.size(model.intercept_))
    raise TypeError(f"cannot count the parameters of a {type(model).__name__} (is it fitted?)")

"""Recurrent networks for sequences: gate-bias initialisers and Keras sequence and rhythm classifiers (SimpleRNN, LSTM, GRU, and a 1-D CNN for comparison).

Shapes follow Keras: a batch of sequences is ``(n, T, features)``; a recurrent layer with ``units``
hidden units has ``kernel`` ``(features, k * units)``, ``recurrent_kernel`` ``(units, k * units)``
and ``bias`` ``(k * units,)``, with ``k = 1`` (SimpleRNN), ``4`` (LSTM: gates i, f, c, o in that
order) or ``3`` (GRU: gates z, r, h).
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from helpers.validation import check_int

#: The recurrent layers this module builds, by name.
RECURRENT_KINDS = ("simple_rnn", "lstm", "gru")


#: Every model kind :func:`sequence_classifier` and :func:`rhythm_classifier` accept.
MODEL_KINDS = (*RECURRENT_KINDS, "cnn")


def gate_bias_initializer(kind: str, value: float) -> Callable:
    """A Keras bias initializer that opens the memory gate of an LSTM or GRU.

    For ``"lstm"`` the forget-gate slice (the 2nd quarter of the bias) is set to ``value``; a
    forget gate of ``sigmoid(value)`` keeps that fraction of the cell state each step
    (``sigmoid(1) = 0.73``, Keras' default; ``sigmoid(3) = 0.95``). For ``"gru"`` the update-gate
    slice (the 1st third, ``z``; Keras keeps ``z * h_{t-1}``) is set to ``value``. Everything else
    is zero. Use with ``unit_forget_bias=False`` for the LSTM.
    """
    if kind not in ("lstm", "gru"):
        raise ValueError(f"kind must be 'lstm' or 'gru', got {kind!r}")
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise TypeError(f"value must be a number, got {type(value).__name__}")
    gates = 4 if kind == "lstm" else 3
    slot = 1 if kind == "lstm" else 0

    def initializer(shape, dtype=None):
        import keras

        size = int(shape[-1])
        units = size // gates
        bias = np.zeros(shape, dtype="float32")
        bias[..., slot * units:(slot + 1) * units] = float(value)
        return keras.ops.convert_to_tensor(bias, dtype=dtype or "float32")

    return initializer


def recurrent_layer(kind: str, units: int, *, gate_bias: float | None = None, **kwargs: Any):
    """A Keras ``SimpleRNN``, ``LSTM`` or ``GRU`` layer.

    Args:
        kind: one of :data:`RECURRENT_KINDS`.
        units: hidden units (>= 1).
        gate_bias: ``None`` keeps Keras' defaults (LSTM forget bias 1, GRU biases 0); a number
            sets the LSTM forget-gate or GRU update-gate bias (see :func:`gate_bias_initializer`).
        **kwargs: passed to the layer (``recurrent_initializer``, ``activation``, ...).
    """
    import keras

    if kind not in RECURRENT_KINDS:
        raise ValueError(f"kind must be one of {RECURRENT_KINDS}, got {kind!r}")
    check_int("units", units)
    if gate_bias is not None:
        if kind == "simple_rnn":
            raise ValueError("gate_bias applies to 'lstm' and 'gru' only: a SimpleRNN has no gates")
        kwargs["bias_initializer"] = gate_bias_initializer(kind, gate_bias)
        if kind == "lstm":
            kwargs["unit_forget_bias"] = False
    layer_class = {"simple_rnn": keras.layers.SimpleRNN, "lstm": keras.layers.LSTM, "gru": keras.layers.GRU}[kind]
    return layer_class(int(units), **kwargs)


def sequence_classifier(kind: str, length: int, *, units: int = 32, n_features: int = 1,
                        n_classes: int = 2, gate_bias: float | None = None,
                        learning_rate: float = 3e-3, optimizer: str = "adam", clipnorm: float | None = None,
                        **layer_kwargs: Any):
    """A compiled ``Input -> recurrent layer -> Dense`` classifier for sequences (n, length, n_features).

    Two classes get one sigmoid output and binary cross-entropy (labels 0/1); more classes get a
    softmax and sparse categorical cross-entropy (integer labels). Accuracy metric.

    Args:
        kind, units, gate_bias, **layer_kwargs: the recurrent layer (see :func:`recurrent_layer`).
        length, n_features: shape of one sequence.
        learning_rate, clipnorm: of the optimiser; ``clipnorm`` rescales each weight tensor's
            gradient to at most that norm (``None``: no clipping).
        optimizer: ``"adam"`` or ``"sgd"`` (plain gradient descent: every step is the gradient
            times the learning rate, so a huge gradient makes a huge step).
    """
    import keras

    check_int("length", length)
    check_int("n_classes", n_classes, 2)
    if optimizer not in ("adam", "sgd"):
        raise ValueError(f"optimizer must be 'adam' or 'sgd', got {optimizer!r}")
    binary = n_classes == 2
    optimizer_class = keras.optimizers.Adam if optimizer == "adam" else keras.optimizers.SGD
    model = keras.Sequential([
        keras.Input((int(length), int(n_features))),
        recurrent_layer(kind, units, gate_bias=gate_bias, **layer_kwargs),
        keras.layers.Dense(1 if binary else int(n_classes), activation="sigmoid" if binary else "softmax"),
    ], name=f"{kind}_classifier")
    model.compile(optimizer=optimizer_class(learning_rate, clipnorm=clipnorm),
                  loss="binary_crossentropy" if binary else "sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    return model


def rhythm_classifier(kind: str, n_samples: int, *, frame: int = 10, units: int = 32,
                      n_classes: int = 3, learning_rate: float = 5e-3):
    """A compiled ECG rhythm classifier taking raw windows (n, n_samples, 1) in mV.

    - ``"lstm"`` / ``"gru"``: a fixed (not trained) slope filter ``x_t - x_{t-1}`` (removes the
      slow baseline wander and sharpens P waves and QRS complexes), then the slopes are read in
      frames of ``frame`` samples (0.2 s at 50 Hz for ``frame=10``), so the recurrent layer takes
      ``n_samples // frame`` steps of ``frame`` features instead of ``n_samples`` single samples;
      the LSTM's forget gate bias is opened to 3.
    - ``"cnn"``: three small 1-D convolutions with max pooling, global max pooling.

    All end in a softmax over ``n_classes``; Adam, sparse categorical cross-entropy, accuracy.
    Input gradients flow back to every raw sample, so attribution methods see the raw signal.
    """
    import keras

    if kind not in ("lstm", "gru", "cnn"):
        raise ValueError(f"kind must be 'lstm', 'gru' or 'cnn', got {kind!r}")
    for name, value in (("n_samples", n_samples), ("frame", frame), ("units", units)):
        check_int(name, value)
    if kind != "cnn" and n_samples % frame:
        raise ValueError(f"n_samples ({n_samples}) must be a multiple of frame ({frame})")
    inputs = keras.Input((int(n_samples), 1), name="ecg_mV")
    if kind == "cnn":
        h = keras.layers.Conv1D(16, 7, activation="relu")(inputs)
        h = keras.layers.MaxPooling1D(2)(h)
        h = keras.layers.Conv1D(32, 5, activation="relu")(h)
        h = keras.layers.MaxPooling1D(2)(h)
        h = keras.layers.Conv1D(32, 5, activation="relu")(h)
        h = keras.layers.GlobalMaxPooling1D()(h)
    else:
        slope = keras.layers.Conv1D(1, 2, use_bias=False, trainable=False, name="slope_filter",
                                    kernel_initializer=keras.initializers.Constant([[[-5.0]], [[5.0]]]))(inputs)
        slope = keras.layers.ZeroPadding1D((1, 0))(slope)  # keep n_samples steps; slope 0 at t=0
        frames = keras.layers.Reshape((int(n_samples) // int(frame), int(frame)), name="frames")(slope)
        h = recurrent_layer(kind, units, gate_bias=3.0 if kind == "lstm" else None)(frames)
    outputs = keras.layers.Dense(int(n_classes), activation="softmax")(h)
    model = keras.Model(inputs, outputs, name=f"rhythm_{kind}")
    model.compile(optimizer=keras.optimizers.Adam(learning_rate),
                  loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model

"""Training: a quiet Keras fit, class weights, augmentation, the image-classifier recipe and a risk-model recipe."""
from __future__ import annotations

import math
import time
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from helpers.validation import check_int, example_count


def fit(model: Any, x: Any, y: Any, *, epochs: int, batch_size: int = 32,
        validation_data: tuple | None = None, label: str = "model", verbose: bool = True,
        **fit_kwargs: Any) -> Any:
    """Train ``model`` silently and print one line: epochs, seconds, final losses.

    Args:
        model: a compiled Keras model.
        x, y: training inputs and targets (arrays; first axis = examples). ``x`` may be a dict (or
            list) of arrays for a model with several inputs, keyed by the inputs' names.
        epochs: number of passes over the training data (an int >= 1).
        batch_size: examples per gradient step.
        validation_data: optional ``(x_val, y_val)``.
        label: name printed in the summary line.
        verbose: print the summary line.
        **fit_kwargs: passed to ``model.fit`` (``callbacks``, ``class_weight``, ...).

    Returns:
        The Keras ``History``; ``history.seconds`` holds the wall time of training in seconds.
    """
    if isinstance(epochs, bool) or not isinstance(epochs, (int, np.integer)) or epochs < 1:
        raise ValueError(f"epochs must be a positive int, got {epochs!r}")
    if example_count("x", x) != len(y):
        raise ValueError(f"x and y must have the same number of examples, got {example_count('x', x)} and {len(y)}")
    start = time.perf_counter()
    history = model.fit(x, y, epochs=int(epochs), batch_size=batch_size,
                        validation_data=validation_data, verbose=0, **fit_kwargs)
    history.seconds = time.perf_counter() - start
    if verbose:
        logs = history.history
        parts = [f"{len(logs.get('loss', []))} epochs in {history.seconds:.1f} s",
                 f"loss {logs['loss'][-1]:.3f}"]
        if "val_loss" in logs:
            parts.append(f"val_loss {logs['val_loss'][-1]:.3f}")
        print(f"{label}: " + ", ".join(parts))
    return history


def balancing_weights(labels: Sequence | np.ndarray) -> np.ndarray:
    """Per-row weights, shape ``(n,)``, that give every distinct label the same total weight.

    A row of a label seen ``n_k`` times among ``n`` rows of ``K`` labels weighs ``n / (K * n_k)``, so
    the mean weight is 1. The labels may be classes (0/1, 0..K-1: class weights against imbalance)
    or patient groups ("A", "B": reweighting an under-represented group); it is one formula.
    """
    labels = np.asarray(labels).reshape(-1) if np.ndim(labels) > 1 else np.asarray(labels)
    if labels.ndim != 1 or len(labels) == 0:
        raise ValueError(f"labels must be a non-empty 1-D sequence, got shape {labels.shape}")
    _, inverse, counts = np.unique(labels, return_inverse=True, return_counts=True)
    return (len(labels) / (len(counts) * counts[inverse])).astype(float)


def class_weights(labels: np.ndarray) -> dict[int, float]:
    """Class index -> :func:`balancing_weights`' weight, as Keras' ``class_weight`` wants it.

    ``labels`` are class indices ``0..K-1``; every class must occur (else a ``ValueError``).
    """
    labels = np.asarray(labels).reshape(-1).astype(int)
    counts = np.bincount(labels) if len(labels) else np.zeros(0, int)
    if len(labels) == 0 or np.any(counts == 0):
        raise ValueError(f"every class 0..K-1 needs at least one example; counts per class: {counts.tolist()}")
    weights = balancing_weights(labels)
    return {c: float(weights[np.flatnonzero(labels == c)[0]]) for c in range(len(counts))}


def dihedral_augment(images: np.ndarray, labels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The 8 flips and quarter-turn rotations of every image (the symmetries of a square).

    A lesion's shape, and so its label, does not change when the image is turned or mirrored,
    so each copy is a new, correctly labelled training example. ``images`` ``(n, S, S, C)``,
    ``labels`` ``(n,)``; returns ``(8n, S, S, C)`` images and ``(8n,)`` labels (originals first).
    """
    images = np.asarray(images)
    labels = np.asarray(labels)
    if images.ndim != 4 or images.shape[1] != images.shape[2]:
        raise ValueError(f"images must have shape (n, S, S, C) with square images, got {images.shape}")
    if labels.shape != (len(images),):
        raise ValueError(f"labels must have shape ({len(images)},), got {labels.shape}")
    copies = []
    for flipped in (images, images[:, :, ::-1]):
        for quarter_turns in range(4):
            copies.append(np.rot90(flipped, quarter_turns, axes=(1, 2)))
    return np.concatenate(copies).astype(images.dtype), np.tile(labels, 8)


@dataclass
class TrainingResult:
    """What :func:`train_image_classifier` returns: the trained model and how training went."""

    model: Any
    epochs: int                 # epochs actually run
    best_epoch: int             # epoch whose weights were kept (1-based)
    seconds: float              # wall time of training
    history: dict[str, list[float]] = field(default_factory=dict)
    stopped_by_time: bool = False


def _augmenter(seed: int) -> Any:
    import keras

    return keras.Sequential([
        keras.layers.RandomTranslation(0.1, 0.1, fill_mode="nearest", seed=seed),
        keras.layers.RandomZoom(0.1, fill_mode="nearest", seed=seed + 1),
        keras.layers.RandomRotation(0.03, fill_mode="nearest", seed=seed + 2),
    ], name="augment")


def train_image_classifier(x_train: np.ndarray, y_train: np.ndarray, x_val: np.ndarray,
                           y_val: np.ndarray, *, n_classes: int | None = None,
                           build: Callable[..., Any] | None = None, epochs: int = 30,
                           batch_size: int = 64, learning_rate: float = 2e-3,
                           augment: bool = True, balance_classes: bool = True,
                           patience: int = 8, max_seconds: float | None = None,
                           clipnorm: float | None = None, seed: int = 0,
                           verbose: bool = False) -> TrainingResult:
    """Train a CNN on images with the suite's recipe (the MedMNIST command line and notebook 02 use it).

    The recipe: the model standardises its input with the training images' mean and sd; Adam with a
    cosine-decaying learning rate; class weights (:func:`class_weights`); optional augmentation; the
    weights of the best validation epoch kept (Keras ``EarlyStopping``, ``restore_best_weights``).

    Args:
        x_train, x_val: float images ``(n, H, W, C)`` in [0, 1] (see
            :func:`helpers.data.medmnist.prepare_images`).
        y_train, y_val: class indices ``(n,)`` (or ``(n, 1)``) in 0..K-1.
        n_classes: K (default: largest training label + 1).
        build: ``build(input_shape, n_classes, mean=..., std=...)`` returning an uncompiled model;
            default :func:`helpers.models.convolutional.build_lenet`. The mean and standard
            deviation are the training images'.
        epochs: most passes over the training data.
        batch_size: images per gradient step.
        learning_rate: Adam's initial learning rate (decays along a cosine to 0 over ``epochs``).
        augment: random small shifts, zooms and rotations of training images.
        balance_classes: weight the loss so each class counts equally (class imbalance).
        patience: stop after this many epochs without a better validation score.
        max_seconds: stop starting new epochs when the next one would end past this wall time.
        clipnorm: if given, rescale each weight's gradient to at most this norm (steadies very
            deep networks without normalisation layers).
        seed: seeds Keras (weights, shuffling, augmentation).
        verbose: print one summary line.

    Returns:
        A :class:`TrainingResult`; its model has the weights of the epoch with the best validation
        ROC-AUC (binary) or validation loss (multi-class).
    """
    import keras

    x_train, x_val = np.asarray(x_train, np.float32), np.asarray(x_val, np.float32)
    y_train = np.asarray(y_train).reshape(-1).astype(np.int64)
    y_val = np.asarray(y_val).reshape(-1).astype(np.int64)
    for name, x, y in (("train", x_train, y_train), ("val", x_val, y_val)):
        if x.ndim != 4:
            raise ValueError(f"x_{name} must have shape (n, H, W, C), got {x.shape}")
        if len(x) != len(y):
            raise ValueError(f"x_{name} has {len(x)} images but y_{name} has {len(y)} labels")
    if x_train.shape[1:] != x_val.shape[1:]:
        raise ValueError(f"x_train and x_val images differ in shape: {x_train.shape[1:]} vs {x_val.shape[1:]}")
    n_classes = int(n_classes or y_train.max() + 1)
    check_int("epochs", epochs)
    keras.utils.set_random_seed(int(seed))
    from helpers.models.convolutional import build_lenet

    build = build or build_lenet
    mean, std = float(x_train.mean()), float(x_train.std() + 1e-6)
    model = build(x_train.shape[1:], n_classes, mean=mean, std=std)
    binary = n_classes == 2
    steps = int(epochs) * math.ceil(len(x_train) / batch_size)
    schedule = keras.optimizers.schedules.CosineDecay(learning_rate, decay_steps=steps)
    if augment:
        trainable = keras.Sequential([keras.Input(x_train.shape[1:]), _augmenter(int(seed)), model])
    else:
        trainable = model
    trainable.compile(
        optimizer=keras.optimizers.Adam(schedule, clipnorm=clipnorm),
        loss="binary_crossentropy" if binary else "sparse_categorical_crossentropy",
        metrics=[keras.metrics.AUC(name="auc")] if binary else ["accuracy"],
    )
    monitor, mode = ("val_auc", "max") if binary else ("val_loss", "min")
    callbacks: list[Any] = [keras.callbacks.EarlyStopping(monitor=monitor, mode=mode, patience=patience,
                                                          restore_best_weights=True)]
    timer = _TimeBudget(max_seconds)
    callbacks.append(timer)
    y_fit = y_train.astype(np.float32) if binary else y_train
    start = time.perf_counter()
    history = trainable.fit(x_train, y_fit, validation_data=(x_val, y_val.astype(np.float32) if binary else y_val),
                            epochs=int(epochs), batch_size=batch_size, verbose=0, shuffle=True,
                            class_weight=class_weights(y_train) if balance_classes else None,
                            callbacks=callbacks)
    seconds = time.perf_counter() - start
    scores = history.history[monitor]
    best = int(np.argmax(scores) if mode == "max" else np.argmin(scores))
    # EarlyStopping(restore_best_weights=True) has put back the best epoch's weights.
    result = TrainingResult(model=model, epochs=len(scores), best_epoch=best + 1, seconds=seconds,
                            history={k: [float(v) for v in vals] for k, vals in history.history.items()},
                            stopped_by_time=timer.stopped)
    if verbose:
        print(f"{model.name}: {result.epochs} epochs in {seconds:.1f} s, best epoch {result.best_epoch} "
              f"({monitor} {scores[best]:.3f})")
    return result


class _TimeBudget:
    """Keras callback: stop before an epoch that would end past ``max_seconds``."""

    def __new__(cls, max_seconds: float | None):
        import keras

        class TimeBudget(keras.callbacks.Callback):
            def __init__(self) -> None:
                super().__init__()
                self.max_seconds = max_seconds
                self.stopped = False
                self.start = time.perf_counter()
                self.longest_epoch = 0.0
                self.epoch_start = self.start

            def on_train_begin(self, logs=None) -> None:
                self.start = time.perf_counter()

            def on_epoch_begin(self, epoch, logs=None) -> None:
                self.epoch_start = time.perf_counter()

            def on_epoch_end(self, epoch, logs=None) -> None:
                now = time.perf_counter()
                self.longest_epoch = max(self.longest_epoch, now - self.epoch_start)
                if self.max_seconds is not None and now - self.start + self.longest_epoch > self.max_seconds:
                    self.stopped = True
                    self.model.stop_training = True

        return TimeBudget()


def train_risk_model(features: np.ndarray, labels: np.ndarray, *,
                     sample_weight: np.ndarray | None = None, seed: int = 0, epochs: int = 60):
    """Fit a small neural network (standardise -> 16 ReLU units -> sigmoid) to 0/1 labels.

    Args:
        features: array of shape (n, d).
        labels: array of shape (n,) with values 0 and 1.
        sample_weight: optional weights, shape (n,), e.g. from :func:`balancing_weights`.
        seed: seeds the network's initial weights and the order of its mini-batches.
        epochs: at most this many passes over the data (Adam, mini-batches of 200); training also
            stops early once the loss stops improving.

    Returns:
        A fitted scikit-learn ``Pipeline``; ``model.predict_proba(x)[:, 1]`` is the risk (0-1).
        Trains in about a second on 5,000 rows.
    """
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.neural_network import MLPClassifier
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    x = np.asarray(features, dtype=float)
    y = np.asarray(labels)
    if x.ndim != 2:
        raise ValueError(f"features must have shape (n, d), got {x.shape}")
    if y.shape != (len(x),):
        raise ValueError(f"labels must have shape ({len(x)},), got {y.shape}")
    if not set(np.unique(y)) <= {0, 1} or len(np.unique(y)) < 2:
        raise ValueError("labels must contain both 0 and 1, and nothing else")
    epochs = check_int("epochs", epochs)
    fit_params = {}
    if sample_weight is not None:
        weight = np.asarray(sample_weight, dtype=float)
        if weight.shape != (len(x),) or np.any(weight < 0):
            raise ValueError(f"sample_weight must be {len(x)} non-negative numbers, got shape {weight.shape}")
        fit_params["mlpclassifier__sample_weight"] = weight
    model = make_pipeline(StandardScaler(), MLPClassifier(
        hidden_layer_sizes=(16,), alpha=1e-2, learning_rate_init=3e-3, max_iter=int(epochs),
        random_state=int(seed)))
    with warnings.catch_warnings():  # a fixed, short training budget is deliberate here
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.fit(x, y, **fit_params)
    return model

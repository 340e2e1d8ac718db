"""The image classifier of notebook 02: small CNN builders, a strong CPU training recipe, and a CLI.

Train the notebook's CNN on any MedMNIST-format ``.npz`` file (for example ``pneumoniamnist.npz``)::

    python -m helpers.train_image_classifier pneumoniamnist.npz

It prints one JSON object with ``test_auc``, ``test_accuracy`` (at an operating threshold chosen on
the validation split), ``epochs``, ``seconds`` and more. A MedMNIST-format file holds the arrays
``train_images``, ``train_labels``, ``val_images``, ``val_labels``, ``test_images`` and
``test_labels``; images are ``(n, H, W)`` grayscale or ``(n, H, W, 3)`` RGB (uint8 0-255, or floats
in [0, 1]), labels are ``(n,)`` or ``(n, 1)`` class indices 0..K-1 (binary or multi-class).

The recipe (:func:`train_image_classifier`), chosen to be strong on small medical images on a CPU:

- inputs standardised with the training split's mean and standard deviation (inside the model,
  so the model takes raw [0, 1] images);
- a LeNet-style CNN (:func:`build_lenet`: two 3 x 3 convolution + max-pooling stages, 16 and 32
  filters, a 64-unit dense layer, dropout 0.25); batch normalisation is available but off, because
  on small sets it made the first epochs unsteady;
- light augmentation during training only (shifts of a few pixels, small zooms and rotations);
- class weights inversely proportional to class frequency (class imbalance);
- Adam (2e-3) with a cosine-decaying learning rate, batches of 32 (the command line), at most 30
  epochs, early stopping on the validation ROC-AUC (patience 8, keeping the best epoch), and a
  wall-clock budget (100 s by default on the command line);
- for binary tasks, the operating threshold that maximises sensitivity + specificity on the
  validation split (Youden's J), which, unlike accuracy, does not depend on how common the positive
  class is, so it survives a change of prevalence between splits.

The command line turns TensorFlow's oneDNN kernels on (about 1.8x faster here; the notebooks turn
them off for bit-reproducible results) unless ``TF_ENABLE_ONEDNN_OPTS`` is already set. Everything
here imports TensorFlow/Keras lazily: importing this module is cheap.
"""
from __future__ import annotations

import argparse
import json
import math
import sys
import time
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import numpy as np

from helpers.validation import check_int

#: The arrays a MedMNIST-format file must contain.
SPLITS = ("train", "val", "test")
REQUIRED_KEYS = tuple(f"{split}_{kind}" for split in SPLITS for kind in ("images", "labels"))
#: Images larger than this (per side) are downsampled for training on a CPU (see ``max_size``).
DEFAULT_MAX_SIZE = 64
#: Pooling choices accepted by :func:`build_lenet`.
POOLING_CHOICES = ("max", "average", "strided", "none")


class ImageFileError(ValueError):
    """A MedMNIST-format file (or its arrays) cannot be used: the message says why."""


# --- models -----------------------------------------------------------------------------------

def _check_shape_and_classes(input_shape: tuple[int, ...], n_classes: int) -> tuple[tuple[int, int, int], int]:
    shape = tuple(int(s) for s in input_shape)
    if len(shape) != 3 or min(shape) < 1:
        raise ValueError(f"input_shape must be (height, width, channels), got {input_shape}")
    return shape, check_int("n_classes", n_classes, 2)


def _output_layer(n_classes: int, name: str = "output") -> Any:
    """One sigmoid unit for two classes (P(class 1)); a softmax over the classes otherwise."""
    import keras

    if n_classes == 2:
        return keras.layers.Dense(1, activation="sigmoid", name=name)
    return keras.layers.Dense(n_classes, activation="softmax", name=name)


def build_lenet(input_shape: tuple[int, int, int], n_classes: int = 2, *, pooling: str = "max",
                filters: tuple[int, int] = (16, 32), kernel_size: int = 3, dense_units: int = 64,
                batch_norm: bool = False, dropout: float = 0.25, mean: float | None = None,
                std: float | None = None, name: str | None = None) -> Any:
    """A LeNet-style CNN: two (convolution -> downsampling) stages, then two dense layers.

    Args:
        input_shape: ``(height, width, channels)`` of the images, e.g. ``(32, 32, 1)``.
        n_classes: 2 gives one sigmoid output (probability of class 1); more gives a softmax.
        pooling: how each stage shrinks its feature maps by 2: ``"max"`` (2 x 2 max pooling),
            ``"average"`` (2 x 2 average pooling), ``"strided"`` (the convolution itself moves
            2 pixels at a time), or ``"none"`` (no shrinking: the dense layer gets every pixel).
        filters: number of filters (feature maps) of the two convolutions.
        kernel_size: side of the square convolution kernels, in pixels.
        dense_units: width of the hidden dense layer.
        batch_norm: normalise each convolution's output over the batch (faster, steadier training).
        dropout: dropout rate before each dense layer (0 disables).
        mean, std: if given, the model first standardises its input as ``(x - mean) / std``.
        name: the model's name (default ``"lenet_<pooling>"``).

    Returns:
        An uncompiled ``keras.Model``; output shape ``(batch, 1)`` for two classes, else
        ``(batch, n_classes)``. Convolution layers are named ``conv1``, ``conv2``.
    """
    import keras

    shape, n_classes = _check_shape_and_classes(input_shape, n_classes)
    if pooling not in POOLING_CHOICES:
        raise ValueError(f"pooling must be one of {POOLING_CHOICES}, got {pooling!r}")
    inputs = keras.Input(shape, name="image")
    x = inputs
    if mean is not None or std is not None:
        x = keras.layers.Normalization(mean=float(mean or 0.0), variance=float(std or 1.0) ** 2,
                                       name="standardise")(x)
    for stage, width in enumerate(filters, start=1):
        stride = 2 if pooling == "strided" else 1
        x = keras.layers.Conv2D(width, kernel_size, strides=stride, padding="same",
                                use_bias=not batch_norm, name=f"conv{stage}")(x)
        if batch_norm:
            x = keras.layers.BatchNormalization(name=f"bn{stage}")(x)
        x = keras.layers.Activation("relu", name=f"relu{stage}")(x)
        if pooling == "max":
            x = keras.layers.MaxPooling2D(2, name=f"pool{stage}")(x)
        elif pooling == "average":
            x = keras.layers.AveragePooling2D(2, name=f"pool{stage}")(x)
    x = keras.layers.Flatten(name="flatten")(x)
    if dropout:
        x = keras.layers.Dropout(dropout, name="dropout1")(x)
    x = keras.layers.Dense(dense_units, activation="relu", name="dense")(x)
    if dropout:
        x = keras.layers.Dropout(dropout, name="dropout2")(x)
    outputs = _output_layer(n_classes)(x)
    return keras.Model(inputs, outputs, name=name or f"lenet_{pooling}")


def build_vgg_small(input_shape: tuple[int, int, int], n_classes: int = 2,
                    widths: tuple[int, ...] = (16, 32, 64)) -> Any:
    """A small VGG-style CNN: blocks of two 3 x 3 convolutions + max pooling, global pooling, output."""
    import keras

    shape, n_classes = _check_shape_and_classes(input_shape, n_classes)
    inputs = keras.Input(shape, name="image")
    x = inputs
    for block, width in enumerate(widths, start=1):
        for j in (1, 2):
            x = keras.layers.Conv2D(width, 3, padding="same", activation="relu",
                                    name=f"block{block}_conv{j}")(x)
        x = keras.layers.MaxPooling2D(2, name=f"block{block}_pool")(x)
    x = keras.layers.GlobalAveragePooling2D(name="global_pool")(x)
    return keras.Model(inputs, _output_layer(n_classes)(x), name="vgg_small")


def build_deep_stack(input_shape: tuple[int, int, int], n_classes: int = 2, *, depth: int = 20,
                     width: int = 16, residual: bool = False, name: str | None = None) -> Any:
    """A deep stack of 3 x 3 convolutions, with or without residual (skip) connections.

    A stem convolution and two 2 x 2 max poolings bring the image to a quarter of its side; then
    ``depth`` convolutions follow, in pairs: ``F(x) = conv(relu(conv(relu(x))))`` (Keras' default
    Glorot initialisation, no normalisation). The plain stack passes on ``F(x)``; the residual one
    passes on ``x + F(x)``, whose identity path carries the signal and the gradient past every block
    (ResNet's idea, in its "pre-activation" form). Both have exactly the same parameters. Each pair's
    output is the layer ``block{i}_out``; then global average pooling and the output layer.
    """
    import keras

    shape, n_classes = _check_shape_and_classes(input_shape, n_classes)
    if isinstance(depth, bool) or not isinstance(depth, (int, np.integer)) or depth < 2 or depth % 2:
        raise ValueError(f"depth must be an even int >= 2, got {depth!r}")
    inputs = keras.Input(shape, name="image")
    x = keras.layers.Conv2D(width, 3, padding="same", name="stem")(inputs)
    x = keras.layers.MaxPooling2D(2, name="stem_pool1")(x)
    x = keras.layers.MaxPooling2D(2, name="stem_pool2")(x)
    for block in range(depth // 2):
        y = keras.layers.Activation("relu", name=f"block{block}_relu_a")(x)
        y = keras.layers.Conv2D(width, 3, padding="same", name=f"block{block}_conv_a")(y)
        y = keras.layers.Activation("relu", name=f"block{block}_relu_b")(y)
        y = keras.layers.Conv2D(width, 3, padding="same", name=f"block{block}_conv_b")(y)
        if residual:
            x = keras.layers.Add(name=f"block{block}_out")([x, y])
        else:
            x = keras.layers.Identity(name=f"block{block}_out")(y)
    x = keras.layers.GlobalAveragePooling2D(name="global_pool")(x)
    default = f"{'residual' if residual else 'plain'}_{depth}"
    return keras.Model(inputs, _output_layer(n_classes)(x), name=name or default)


def build_resnet_small(input_shape: tuple[int, int, int], n_classes: int = 2,
                       widths: tuple[int, ...] = (16, 32, 64)) -> Any:
    """A small ResNet: a stem, then per width one residual block (two 3 x 3 conv + BN) and a downsampling."""
    import keras

    shape, n_classes = _check_shape_and_classes(input_shape, n_classes)
    inputs = keras.Input(shape, name="image")
    x = keras.layers.Conv2D(widths[0], 3, padding="same", use_bias=False, name="stem")(inputs)
    x = keras.layers.BatchNormalization(name="stem_bn")(x)
    x = keras.layers.Activation("relu", name="stem_relu")(x)
    for stage, width in enumerate(widths, start=1):
        skip = x
        if skip.shape[-1] != width:  # a 1 x 1 convolution matches the channel count
            skip = keras.layers.Conv2D(width, 1, use_bias=False, name=f"res{stage}_match")(skip)
        y = keras.layers.Conv2D(width, 3, padding="same", use_bias=False, name=f"res{stage}_conv1")(x)
        y = keras.layers.BatchNormalization(name=f"res{stage}_bn1")(y)
        y = keras.layers.Activation("relu", name=f"res{stage}_relu1")(y)
        y = keras.layers.Conv2D(width, 3, padding="same", use_bias=False, name=f"res{stage}_conv2")(y)
        y = keras.layers.BatchNormalization(name=f"res{stage}_bn2")(y)
        x = keras.layers.Activation("relu", name=f"res{stage}_out")(keras.layers.Add(name=f"res{stage}_add")([skip, y]))
        x = keras.layers.MaxPooling2D(2, name=f"res{stage}_pool")(x)
    x = keras.layers.GlobalAveragePooling2D(name="global_pool")(x)
    return keras.Model(inputs, _output_layer(n_classes)(x), name="resnet_small")


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


def layer_table(model: Any) -> "pandas.DataFrame":
    """One row per layer: name, kind, output shape (without the batch), parameters, multiply-adds."""
    import keras
    import pandas as pd

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


# --- data ---------------------------------------------------------------------------------------

def validate_arrays(arrays: dict[str, np.ndarray], source: str = "the arrays") -> int:
    """Check a MedMNIST-format dict; return the number of classes K. Raises :class:`ImageFileError`.

    Checks: every key of :data:`REQUIRED_KEYS` is present; images are ``(n, H, W)`` or
    ``(n, H, W, 1|3)`` of numbers, the same size in every split, at least 8 x 8, without NaN;
    labels are ``(n,)`` or ``(n, 1)`` whole numbers in 0..K-1 with K >= 2 (K = largest training
    label + 1), with both images and labels of a split having the same length, and every class
    present in the training split.
    """
    if not isinstance(arrays, dict):
        raise TypeError(f"arrays must be a dict of NumPy arrays, got {type(arrays).__name__}")
    missing = [key for key in REQUIRED_KEYS if key not in arrays]
    if missing:
        raise ImageFileError(f"{source} lacks the keys {missing}; a MedMNIST-format file needs "
                             f"{list(REQUIRED_KEYS)} (it has {sorted(arrays)})")
    image_size = None
    for split in SPLITS:
        images, labels = np.asarray(arrays[f"{split}_images"]), np.asarray(arrays[f"{split}_labels"])
        if images.ndim == 4 and images.shape[-1] not in (1, 3):
            raise ImageFileError(f"{source}: {split}_images has {images.shape[-1]} channels; "
                                 "expected 1 (grayscale) or 3 (RGB)")
        if images.ndim not in (3, 4):
            raise ImageFileError(f"{source}: {split}_images must have shape (n, H, W) or (n, H, W, C), "
                                 f"got {images.shape}")
        if not (np.issubdtype(images.dtype, np.integer) or np.issubdtype(images.dtype, np.floating)):
            raise ImageFileError(f"{source}: {split}_images must hold numbers, got dtype {images.dtype}")
        if min(images.shape[1:3]) < 8:
            raise ImageFileError(f"{source}: {split}_images are {images.shape[1:3]}; need at least 8 x 8 pixels")
        if image_size is None:
            image_size = images.shape[1:]
        elif images.shape[1:] != image_size:
            raise ImageFileError(f"{source}: {split}_images have shape {images.shape[1:]} per image "
                                 f"but train_images have {image_size}")
        if np.issubdtype(images.dtype, np.floating) and not np.isfinite(images).all():
            raise ImageFileError(f"{source}: {split}_images contain NaN or infinite values")
        if labels.ndim == 2 and labels.shape[1] != 1:
            raise ImageFileError(f"{source}: {split}_labels has shape {labels.shape}; multi-label "
                                 "tasks (one column per finding, like ChestMNIST) are not supported, "
                                 "expected one class index per image, shape (n,) or (n, 1)")
        if labels.ndim not in (1, 2):
            raise ImageFileError(f"{source}: {split}_labels must have shape (n,) or (n, 1), got {labels.shape}")
        if len(images) != len(labels):
            raise ImageFileError(f"{source}: {split}_images has {len(images)} images but "
                                 f"{split}_labels has {len(labels)} labels; they must match")
        if len(labels) == 0:
            raise ImageFileError(f"{source}: the {split} split is empty")
        if not (np.issubdtype(labels.dtype, np.integer) or
                (np.issubdtype(labels.dtype, np.floating) and np.all(np.mod(labels, 1) == 0))):
            raise ImageFileError(f"{source}: {split}_labels must be whole-number class indices, "
                                 f"got dtype {labels.dtype}")
    train_labels = np.asarray(arrays["train_labels"]).reshape(-1)
    n_classes = int(train_labels.max()) + 1
    if n_classes < 2:
        raise ImageFileError(f"{source}: train_labels has only one class ({n_classes - 1}); need two or more")
    for split in SPLITS:
        labels = np.asarray(arrays[f"{split}_labels"]).reshape(-1)
        if labels.min() < 0 or labels.max() >= n_classes:
            raise ImageFileError(f"{source}: {split}_labels are out of range: found values "
                                 f"{labels.min()}..{labels.max()}, but classes run 0..{n_classes - 1} "
                                 "(from train_labels)")
    absent = sorted(set(range(n_classes)) - set(np.unique(train_labels).tolist()))
    if absent:
        raise ImageFileError(f"{source}: train_labels never show the classes {absent}")
    return n_classes


def load_medmnist_npz(path: str | Path) -> dict[str, np.ndarray]:
    """Read and validate a MedMNIST-format ``.npz`` file; returns its six arrays.

    Raises ``FileNotFoundError`` if the file is missing and :class:`ImageFileError` if it is not an
    ``.npz`` archive or its arrays are unusable (see :func:`validate_arrays`).
    """
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"{path}: no such file")
    if path.is_dir() or not zipfile.is_zipfile(path):
        raise ImageFileError(f"{path} is not an .npz file (a NumPy zip archive saved by np.savez); "
                             "download a MedMNIST file such as pneumoniamnist.npz, or write one with np.savez")
    try:
        with np.load(path, allow_pickle=False) as archive:
            arrays = {key: np.array(archive[key]) for key in archive.files}
    except (ValueError, OSError, zipfile.BadZipFile) as error:
        raise ImageFileError(f"{path} could not be read as an .npz file: {error}") from None
    validate_arrays(arrays, source=str(path))
    return arrays


#: Where MedMNIST v2/v3 keeps its 28 x 28 files (Zenodo record 10519652, CC BY 4.0), and the MD5
#: checksums we know; other names download unchecked.
MEDMNIST_URL = "https://zenodo.org/records/10519652/files/{name}.npz?download=1"
MEDMNIST_MD5 = {"pneumoniamnist": "28209eda62fecd6e6a2d98b1501bb15f"}


def download_medmnist(name: str = "pneumoniamnist", folder: str | Path = ".") -> Path:
    """Download a 28 x 28 MedMNIST file (needs internet; for Colab or a laptop, never the tests).

    Returns the path of ``folder/name.npz``; an existing file is reused. Raises ``RuntimeError``
    with a plain explanation when the download fails (offline, firewall) or the checksum differs.
    """
    import hashlib
    import urllib.error
    import urllib.request

    if not isinstance(name, str) or not name.isalnum():
        raise ValueError(f"name must be a MedMNIST name such as 'pneumoniamnist', got {name!r}")
    path = Path(folder) / f"{name}.npz"
    if not path.exists():
        url = MEDMNIST_URL.format(name=name)
        try:
            urllib.request.urlretrieve(url, path)
        except (urllib.error.URLError, OSError) as error:
            path.unlink(missing_ok=True)
            raise RuntimeError(f"could not download {url} ({error}). Are you online? The notebook "
                               "works without it: leave the switch off to use the synthetic stand-in.") from None
    expected = MEDMNIST_MD5.get(name)
    if expected and hashlib.md5(path.read_bytes()).hexdigest() != expected:
        raise RuntimeError(f"{path} does not match MedMNIST's published checksum; delete it and try again")
    return path


def prepare_images(images: np.ndarray, max_size: int = DEFAULT_MAX_SIZE) -> np.ndarray:
    """Images as float32 ``(n, H, W, C)`` in [0, 1]; sides above ``max_size`` are shrunk (area average).

    uint8 (or any integer) images are divided by 255; float images with a maximum above 1 also.
    """
    array = np.asarray(images)
    if array.ndim == 3:
        array = array[..., None]
    if array.ndim != 4:
        raise ValueError(f"images must have shape (n, H, W) or (n, H, W, C), got {array.shape}")
    scale = 255.0 if (np.issubdtype(array.dtype, np.integer) or array.max() > 1.0) else 1.0
    array = array.astype(np.float32) / np.float32(scale)
    height, width = array.shape[1:3]
    if max(height, width) > max_size:
        import tensorflow as tf

        factor = max_size / max(height, width)
        new_size = (max(8, round(height * factor)), max(8, round(width * factor)))
        array = tf.image.resize(array, new_size, method="area").numpy().astype(np.float32)
    return array


# --- training -----------------------------------------------------------------------------------

@dataclass
class TrainingResult:
    """What :func:`train_image_classifier` returns: the trained model and how training went."""

    model: Any
    epochs: int                 # epochs actually run
    best_epoch: int             # epoch whose weights were kept (1-based)
    seconds: float              # wall time of training
    history: dict[str, list[float]] = field(default_factory=dict)
    stopped_by_time: bool = False


def class_weights(labels: np.ndarray) -> dict[int, float]:
    """Class -> weight ``n / (K * n_class)``: every class contributes equally to the loss."""
    labels = np.asarray(labels).reshape(-1).astype(int)
    counts = np.bincount(labels)
    if np.any(counts == 0):
        raise ValueError(f"every class needs at least one example; counts per class: {counts.tolist()}")
    return {c: float(len(labels) / (len(counts) * count)) for c, count in enumerate(counts)}


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
    """Train a CNN on images with the suite's recipe (see the module docstring).

    Args:
        x_train, x_val: float images ``(n, H, W, C)`` in [0, 1] (see :func:`prepare_images`).
        y_train, y_val: class indices ``(n,)`` (or ``(n, 1)``) in 0..K-1.
        n_classes: K (default: largest training label + 1).
        build: ``build(input_shape, n_classes, mean=..., std=...)`` returning an uncompiled model;
            default :func:`build_lenet`. The mean and standard deviation are the training images'.
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


def predict_proba(model: Any, images: np.ndarray, batch_size: int = 512) -> np.ndarray:
    """Class probabilities, in batches: ``(n,)`` P(class 1) for a sigmoid model, else ``(n, K)``."""
    images = np.asarray(images, np.float32)
    outputs = [np.asarray(model(images[i:i + batch_size], training=False))
               for i in range(0, len(images), batch_size)]
    probs = np.concatenate(outputs) if outputs else np.zeros((0, 1), np.float32)
    return probs[:, 0] if probs.shape[1] == 1 else probs


def youden_threshold(y_true: np.ndarray, scores: np.ndarray) -> float:
    """The score threshold maximising sensitivity + specificity - 1 (Youden's J) on these data."""
    from sklearn.metrics import roc_curve

    fpr, tpr, thresholds = roc_curve(np.asarray(y_true).reshape(-1), np.asarray(scores).reshape(-1))
    best = int(np.argmax(tpr - fpr))
    return float(min(thresholds[best], 1.0))


def evaluate(model: Any, arrays: dict[str, np.ndarray], n_classes: int) -> dict[str, float]:
    """Validation and test metrics. Binary: the threshold comes from the validation split only."""
    from sklearn.metrics import accuracy_score, roc_auc_score

    metrics: dict[str, float] = {}
    scores = {split: predict_proba(model, arrays[f"{split}_x"]) for split in ("val", "test")}
    labels = {split: arrays[f"{split}_y"] for split in ("val", "test")}
    if n_classes == 2:
        threshold = youden_threshold(labels["val"], scores["val"])
        metrics["threshold"] = threshold
        for split in ("val", "test"):
            y, s = labels[split], scores[split]
            predicted = (s >= threshold).astype(int)
            metrics[f"{split}_auc"] = float(roc_auc_score(y, s)) if len(np.unique(y)) == 2 else float("nan")
            metrics[f"{split}_accuracy"] = float(accuracy_score(y, predicted))
            metrics[f"{split}_sensitivity"] = float(predicted[y == 1].mean()) if np.any(y == 1) else float("nan")
            metrics[f"{split}_specificity"] = float(1 - predicted[y == 0].mean()) if np.any(y == 0) else float("nan")
        metrics["test_accuracy_at_0.5"] = float(accuracy_score(labels["test"], scores["test"] >= 0.5))
    else:
        for split in ("val", "test"):
            y, s = labels[split], scores[split]
            present = np.unique(y)
            # Mean one-vs-rest ROC-AUC over the classes present (as MedMNIST reports it).
            aucs = [roc_auc_score(y == c, s[:, c]) for c in present] if len(present) > 1 else [float("nan")]
            metrics[f"{split}_auc"] = float(np.mean(aucs))
            metrics[f"{split}_accuracy"] = float(accuracy_score(y, s.argmax(axis=1)))
    return metrics


def run_on_arrays(arrays: dict[str, np.ndarray], *, epochs: int = 30, max_seconds: float | None = 100.0,
                  seed: int = 0, max_size: int = DEFAULT_MAX_SIZE, batch_size: int = 32,
                  source: str = "the arrays") -> dict[str, Any]:
    """Validate, prepare, train and evaluate on MedMNIST-format arrays; return the report dict."""
    n_classes = validate_arrays(arrays, source=source)
    start = time.perf_counter()
    data = {}
    for split in SPLITS:
        data[f"{split}_x"] = prepare_images(arrays[f"{split}_images"], max_size=max_size)
        data[f"{split}_y"] = np.asarray(arrays[f"{split}_labels"]).reshape(-1).astype(np.int64)
    result = train_image_classifier(data["train_x"], data["train_y"], data["val_x"], data["val_y"],
                                    n_classes=n_classes, epochs=epochs, max_seconds=max_seconds,
                                    seed=seed, batch_size=batch_size)
    report: dict[str, Any] = {
        "file": source,
        "task": "binary" if n_classes == 2 else "multi-class",
        "n_classes": n_classes,
        "image_shape": list(data["train_x"].shape[1:]),
        "n_train": len(data["train_y"]), "n_val": len(data["val_y"]), "n_test": len(data["test_y"]),
        "train_class_counts": np.bincount(data["train_y"], minlength=n_classes).tolist(),
        "test_class_counts": np.bincount(data["test_y"], minlength=n_classes).tolist(),
        "model": result.model.name,
        "parameters": int(result.model.count_params()),
        "epochs": result.epochs,
        "best_epoch": result.best_epoch,
        "stopped_by_time_budget": result.stopped_by_time,
    }
    report.update({k: round(v, 4) for k, v in evaluate(result.model, data, n_classes).items()})
    report["seconds"] = round(time.perf_counter() - start, 1)
    report["training_seconds"] = round(result.seconds, 1)
    return report


def main(argv: list[str] | None = None) -> int:
    """Command line: train on a MedMNIST-format file and print one JSON object."""
    parser = argparse.ArgumentParser(
        prog="python -m helpers.train_image_classifier",
        description="Train notebook 02's CNN on a MedMNIST-format .npz file and print one JSON "
                    "object (test_auc, test_accuracy at a threshold chosen on the validation split, "
                    "epochs, seconds, ...).")
    parser.add_argument("file", help="a .npz with train/val/test _images and _labels (e.g. pneumoniamnist.npz)")
    parser.add_argument("--epochs", type=int, default=30, help="most epochs (default 30; early stopping may end sooner)")
    parser.add_argument("--max-seconds", type=float, default=100.0,
                        help="wall-clock budget for training in seconds (default 100; 0 = none)")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    parser.add_argument("--max-size", type=int, default=DEFAULT_MAX_SIZE,
                        help=f"shrink larger images to this side in pixels (default {DEFAULT_MAX_SIZE})")
    args = parser.parse_args(argv)
    if args.epochs < 1:
        parser.error("--epochs must be at least 1")
    if args.max_size < 8:
        parser.error("--max-size must be at least 8")
    try:
        arrays = load_medmnist_npz(args.file)
    except (FileNotFoundError, ImageFileError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    import os

    # The notebooks switch oneDNN off for bit-reproducible maths; a one-off command line run is
    # about 1.8x faster with it on (results agree to about 1e-6), so it is on here unless set.
    os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "1")
    from helpers.environment import silence_libraries

    silence_libraries()
    report = run_on_arrays(arrays, epochs=args.epochs, max_seconds=args.max_seconds or None,
                           seed=args.seed, max_size=args.max_size, source=str(args.file))
    print(json.dumps(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())

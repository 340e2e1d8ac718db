"""Explaining models, and scoring the explanations against a known truth.

Notebook 07 uses these with synthetic data whose answer is known (true risk factors, lesion masks,
the sample index of an abnormal beat), so an explanation can be *checked*, not just admired:

- :func:`mean_abs_shap`: a global feature ranking from a table of SHAP values;
- :func:`batched_predict`: a fast NumPy prediction function for model-agnostic explainers
  (shap's Partition/Permutation explainers, scikit-learn's permutation importance);
- :func:`input_gradient_saliency`, :func:`grad_cam`, :func:`integrated_gradients`: gradient-based
  attributions for Keras models (images and sequences);
- :func:`pointing_game`, :func:`attribution_share`, :func:`peak_offsets`: scores of an
  explanation against ground truth (a lesion mask, a marker's position, an event's time);
- :func:`show_explanation`: an image with its heat map and the true lesion outline.

TensorFlow and Keras are imported inside the functions that need them, so importing this module is
cheap. Every Keras function calls the model as ``model(x, training=False)`` in batches (never
``model.predict`` in a loop).
"""
from __future__ import annotations

from typing import Any, Callable, Sequence

import numpy as np
import pandas as pd

from helpers.validation import check_array, check_int

#: Largest number of examples sent through a model at once by the functions below.
DEFAULT_BATCH_SIZE = 128


# --- validation ---------------------------------------------------------------------------------


def _check_model(model: Any) -> None:
    if not callable(model) or not hasattr(model, "inputs"):
        raise TypeError(f"model must be a Keras model, got {type(model).__name__}")


def _select_output(outputs: Any, output_index: int) -> Any:
    """Column ``output_index`` of a (n, k) model output, or the output itself if it is (n,)."""
    if len(outputs.shape) == 1:
        return outputs
    if not 0 <= output_index < outputs.shape[-1]:
        raise ValueError(f"output_index must be between 0 and {outputs.shape[-1] - 1}, got {output_index}")
    return outputs[:, output_index]


# --- tabular ------------------------------------------------------------------------------------

def single_output(shap_values: Any) -> np.ndarray:
    """SHAP values of a one-output model as a plain (n, features) array.

    shap's Deep/Gradient explainers return ``(n, features, 1)`` for a Keras model with one output
    unit (older versions: a list with one ``(n, features)`` array); this drops the last axis.
    """
    if isinstance(shap_values, list):
        if len(shap_values) != 1:
            raise ValueError(f"expected the SHAP values of one output, got a list of {len(shap_values)}")
        shap_values = shap_values[0]
    values = check_array("shap_values", shap_values, (2, 3))
    if values.ndim == 3:
        if values.shape[-1] != 1:
            raise ValueError(f"expected one model output (last axis 1), got shape {values.shape}")
        values = values[..., 0]
    return values.astype(float)


def mean_abs_shap(shap_values: Any, feature_names: Sequence[str]) -> pd.Series:
    """Global importance: mean |SHAP value| per feature, largest first.

    Args:
        shap_values: array (n, features) (or (n, features, 1)), in the units of the explained
            output (log-odds for a model with a linear output unit).
        feature_names: one name per feature.

    Returns:
        A Series indexed by feature name, sorted in decreasing order, same units as the input.
    """
    values = single_output(shap_values)
    names = list(feature_names)
    if len(names) != values.shape[1]:
        raise ValueError(f"feature_names has {len(names)} names but shap_values has "
                         f"{values.shape[1]} features")
    importance = pd.Series(np.abs(values).mean(axis=0), index=names, name="mean |SHAP|")
    return importance.sort_values(ascending=False)


def batched_predict(model: Any, *, output_index: int = 0, score: str = "logit",
                    batch_size: int = DEFAULT_BATCH_SIZE,
                    input_shape: tuple[int, ...] | None = None) -> Callable[[np.ndarray], np.ndarray]:
    """A NumPy-in, NumPy-out prediction function that calls ``model`` in batches.

    Model-agnostic explainers call a prediction function thousands of times; ``model.predict``
    costs tens of milliseconds per call, this costs about one forward pass.

    Args:
        model: a Keras model that starts with ``keras.Input``.
        output_index: which output unit to return (0 for a one-unit binary model).
        score: ``"logit"`` (default) returns the log-odds before a final sigmoid/softmax, where
            explanations add up sensibly; ``"output"`` returns the model's output (probabilities).
        batch_size: examples per forward pass.
        input_shape: if given, each input row is reshaped to this shape first (shap's maskers
            sometimes hand over flattened rows).

    Returns:
        ``predict(x) -> array (n,)`` of the chosen score, float64.
    """
    _check_model(model)
    batch_size = check_int("batch_size", batch_size)
    run = _score_function(model, score)

    def predict(x: np.ndarray) -> np.ndarray:
        array = np.asarray(x, dtype=np.float32)
        if input_shape is not None:
            array = array.reshape((-1, *input_shape))
        parts = []
        for start in range(0, len(array), batch_size):
            scores = run(array[start:start + batch_size])[1]
            parts.append(np.asarray(_select_output(scores, output_index), dtype=float))
        return np.concatenate(parts) if parts else np.zeros(0)

    return predict


# --- an image model that Grad-CAM suits -----------------------------------------------------------

#: Name of the layer whose feature maps :func:`build_gap_cnn` exposes for Grad-CAM.
GAP_CNN_LAST_CONV = "relu3"


def build_gap_cnn(input_shape: tuple[int, int, int], n_classes: int = 2, *,
                  filters: tuple[int, int, int] = (16, 32, 32), kernel_sizes: tuple[int, int, int] = (5, 3, 3),
                  mean: float | None = None, std: float | None = None, bn_momentum: float = 0.9,
                  name: str = "gap_cnn") -> Any:
    """Notebook 02's small CNN with a global-average-pooling head instead of Flatten + Dense.

    Three (convolution -> batch norm -> ReLU) stages, the first two followed by 2 x 2 max pooling,
    then the spatial average of each feature map and the output unit. Averaging makes the score a
    sum over positions of the last feature maps, which is what class-activation maps and Grad-CAM
    assume; a Flatten head hides *where* the evidence is inside its dense weights. The signature
    matches the ``build`` argument of :func:`helpers.train_image_classifier.train_image_classifier`.

    Args:
        input_shape: ``(height, width, channels)``, e.g. ``(32, 32, 1)``.
        n_classes: 2 gives one sigmoid output (probability of class 1); more gives a softmax.
        filters, kernel_sizes: width and kernel side (pixels) of the three convolutions.
        mean, std: if given, the model first standardises its input as ``(x - mean) / std``.
        bn_momentum: momentum of the batch-norm running statistics (0.9 settles within a few
            epochs of a small data set; Keras' default 0.99 lags behind for longer).
        name: the model's name.

    Returns:
        An uncompiled ``keras.Model`` that starts with ``keras.Input``; layers ``conv1..3``,
        ``relu1..3`` (the last is :data:`GAP_CNN_LAST_CONV`), ``global_pool`` and ``output``.
    """
    import keras

    shape = tuple(int(s) for s in input_shape)
    if len(shape) != 3 or min(shape) < 1:
        raise ValueError(f"input_shape must be (height, width, channels), got {input_shape}")
    if min(shape[:2]) < 8:
        raise ValueError(f"images must be at least 8 x 8 pixels, got {shape[:2]}")
    check_int("n_classes", n_classes, 2)
    if len(filters) != 3 or len(kernel_sizes) != 3:
        raise ValueError("filters and kernel_sizes must each give three values (one per stage)")
    inputs = keras.Input(shape, name="image")
    x = inputs
    if mean is not None or std is not None:
        x = keras.layers.Normalization(mean=float(mean or 0.0), variance=float(std or 1.0) ** 2,
                                       name="standardise")(x)
    for stage, (width, kernel) in enumerate(zip(filters, kernel_sizes), start=1):
        x = keras.layers.Conv2D(int(width), int(kernel), padding="same", use_bias=False, name=f"conv{stage}")(x)
        x = keras.layers.BatchNormalization(momentum=bn_momentum, name=f"bn{stage}")(x)
        x = keras.layers.Activation("relu", name=f"relu{stage}")(x)
        if stage < 3:
            x = keras.layers.MaxPooling2D(2, name=f"pool{stage}")(x)
    x = keras.layers.GlobalAveragePooling2D(name="global_pool")(x)
    if n_classes == 2:
        outputs = keras.layers.Dense(1, activation="sigmoid", name="output")(x)
    else:
        outputs = keras.layers.Dense(int(n_classes), activation="softmax", name="output")(x)
    return keras.Model(inputs, outputs, name=name)


# --- gradient attributions ------------------------------------------------------------------------

#: What a gradient explanation differentiates: the pre-activation score or the model's output.
SCORES = ("logit", "output")


def _score_function(model: Any, score: str, feature_layer: str | None = None) -> Callable[[Any], tuple]:
    """``run(x) -> (features or None, scores (n, k))`` for a Keras model.

    With ``score="logit"`` and a model whose last layer is a Dense layer with a sigmoid or softmax,
    the scores are that layer's pre-activation values (log-odds): a confident sigmoid output sits on
    a flat part of the curve, where its gradient underflows to zero and every map goes blank.
    """
    import keras

    if score not in SCORES:
        raise ValueError(f"score must be one of {SCORES}, got {score!r}")
    last = model.layers[-1]
    squashed = (score == "logit" and isinstance(last, keras.layers.Dense)
                and last.activation in (keras.activations.sigmoid, keras.activations.softmax))
    wanted = []
    if feature_layer is not None:
        names = [layer.name for layer in model.layers]
        if feature_layer not in names:
            raise ValueError(f"layer {feature_layer!r} is not a layer of the model; layers: {names}")
        wanted.append(model.get_layer(feature_layer).output)
    try:
        wanted.append(last.input if squashed else model.outputs[0])
        inputs = model.inputs[0] if len(model.inputs) == 1 else model.inputs  # no structure warning
        view = keras.Model(inputs, wanted)
    except (AttributeError, ValueError) as error:
        raise ValueError("this explanation needs a model that starts with keras.Input(shape) "
                         f"(Keras 3 cannot otherwise reach its layers' outputs): {error}") from error

    def run(x: Any) -> tuple:
        results = view(x, training=False)
        results = list(results) if isinstance(results, (list, tuple)) else [results]
        scores = results[-1]
        if squashed:
            scores = keras.ops.matmul(scores, last.kernel)
            if last.use_bias:
                scores = scores + last.bias
        return (results[0] if feature_layer is not None else None), scores

    return run


def _gradients(model: Any, x: np.ndarray, output_index: int, batch_size: int, score: str) -> np.ndarray:
    import tensorflow as tf

    run = _score_function(model, score)
    parts = []
    for start in range(0, len(x), batch_size):
        batch = tf.convert_to_tensor(x[start:start + batch_size], dtype=tf.float32)
        with tf.GradientTape() as tape:
            tape.watch(batch)
            chosen = _select_output(run(batch)[1], output_index)
        parts.append(tape.gradient(chosen, batch).numpy())
    return np.concatenate(parts)


def input_gradient_saliency(model: Any, images: Any, *, output_index: int = 0, score: str = "logit",
                            batch_size: int = DEFAULT_BATCH_SIZE) -> np.ndarray:
    """Vanilla saliency: |d score / d pixel|, the largest over channels.

    Args:
        model: a Keras image model that starts with ``keras.Input``.
        images: array (n, H, W, C).
        output_index: which output unit is the score (0 for a one-unit binary model).
        score: ``"logit"`` (default) differentiates the log-odds before a final sigmoid/softmax;
            ``"output"`` the model's output itself (saturates for confident predictions).

    Returns:
        Array (n, H, W), float32, >= 0, in score units per unit of intensity.
    """
    _check_model(model)
    x = check_array("images", images, 4).astype(np.float32)
    gradients = _gradients(model, x, output_index, check_int("batch_size", batch_size), score)
    return np.abs(gradients).max(axis=-1).astype(np.float32)


def grad_cam(model: Any, images: Any, conv_layer: str, *, output_index: int = 0, score: str = "logit",
             batch_size: int = DEFAULT_BATCH_SIZE, normalise: bool = True) -> np.ndarray:
    """Grad-CAM heat maps (Selvaraju et al., 2017), resized to the input images.

    The feature maps of ``conv_layer`` are weighted by the spatial mean of the score's gradient
    with respect to them, summed, and passed through a ReLU (only evidence *for* the score).
    Keras 3 needs a functional view of the model, ``keras.Model(model.inputs, [conv.output,
    model.output])``, so the model must start with ``keras.Input``.

    Args:
        model: a Keras image model that starts with ``keras.Input``.
        images: array (n, H, W, C).
        conv_layer: name of the convolutional layer to explain (usually the last one).
        output_index: which output unit is the score.
        score: ``"logit"`` (default) or ``"output"``, as in :func:`input_gradient_saliency`.
        normalise: scale each map to [0, 1] (a map that is zero everywhere stays zero).

    Returns:
        Array (n, H, W), float32, >= 0.
    """
    import tensorflow as tf

    _check_model(model)
    x = check_array("images", images, 4).astype(np.float32)
    batch_size = check_int("batch_size", batch_size)
    if not isinstance(conv_layer, str):
        raise TypeError(f"conv_layer must be a layer name (str), got {type(conv_layer).__name__}")
    run = _score_function(model, score, feature_layer=conv_layer)
    height, width = x.shape[1:3]
    maps = []
    for start in range(0, len(x), batch_size):
        batch = tf.convert_to_tensor(x[start:start + batch_size])
        with tf.GradientTape() as tape:
            features, scores = run(batch)
            chosen = _select_output(scores, output_index)
        gradients = tape.gradient(chosen, features)
        weights = tf.reduce_mean(gradients, axis=(1, 2), keepdims=True)
        cam = tf.nn.relu(tf.reduce_sum(weights * features, axis=-1))[..., None]
        maps.append(tf.image.resize(cam, (height, width), method="bilinear")[..., 0].numpy())
    heat = np.concatenate(maps).astype(np.float32)
    if normalise:
        peak = heat.reshape(len(heat), -1).max(axis=1)
        heat = heat / np.where(peak > 0, peak, 1.0)[:, None, None]
    return heat


def integrated_gradients(model: Any, inputs: Any, *, baseline: Any = None, steps: int = 32,
                         output_index: int = 0, score: str = "logit", batch_size: int = 2048) -> np.ndarray:
    """Integrated gradients (Sundararajan et al., 2017) for any Keras model.

    The attribution of each input value is (input - baseline) times the average gradient along
    the straight path from the baseline to the input (midpoint rule, ``steps`` points). The
    attributions of one example add up to score(input) - score(baseline), up to the path
    approximation.

    Args:
        model: a Keras model that starts with ``keras.Input``.
        inputs: array (n, ...) of examples (for example (n, T, 1) signals or (n, H, W, C) images).
        baseline: array broadcastable to one example (zeros by default: a flat line, a black image).
        steps: number of points on the path (more is more exact and slower).
        output_index: which output unit is the score.
        score: ``"logit"`` (default) or ``"output"``, as in :func:`input_gradient_saliency`.
        batch_size: largest number of path points sent through the model at once.

    Returns:
        Array with the shape of ``inputs``, float32, in score units.
    """
    _check_model(model)
    x = np.asarray(inputs, dtype=np.float32)
    if x.ndim < 2:
        raise ValueError(f"inputs must have shape (n, ...), got {x.shape}")
    steps = check_int("steps", steps)
    batch_size = check_int("batch_size", batch_size)
    base = np.zeros(x.shape[1:], np.float32) if baseline is None else np.asarray(baseline, np.float32)
    try:
        np.broadcast_to(base, x.shape[1:])
    except ValueError:
        raise ValueError(f"baseline of shape {base.shape} does not fit examples of shape {x.shape[1:]}") from None
    alphas = ((np.arange(steps) + 0.5) / steps).astype(np.float32)
    per_chunk = max(1, batch_size // steps)
    result = np.empty_like(x)
    for start in range(0, len(x), per_chunk):
        chunk = x[start:start + per_chunk]
        path = base + alphas.reshape((steps, 1) + (1,) * (x.ndim - 1)) * (chunk - base)[None]
        flat = path.reshape((-1, *x.shape[1:]))
        grads = _gradients(model, flat, output_index, len(flat), score).reshape(path.shape)
        result[start:start + per_chunk] = (chunk - base) * grads.mean(axis=0)
    return result


# --- scoring explanations against the truth -----------------------------------------------------

def grow_mask(masks: Any, tolerance: int) -> np.ndarray:
    """Grow each bool mask (n, H, W) by ``tolerance`` pixels in every direction (a square neighbourhood)."""
    mask = check_array("masks", masks, 3).astype(bool)
    check_int("tolerance (pixels)", tolerance, 0)
    if not tolerance:
        return mask
    from scipy.ndimage import binary_dilation

    structure = np.ones((1, 2 * tolerance + 1, 2 * tolerance + 1), dtype=bool)
    return binary_dilation(mask, structure=structure)


def pointing_game(heatmaps: Any, masks: Any, *, tolerance: int = 0) -> np.ndarray:
    """Does the hottest pixel of each heat map land on the true region? (Zhang et al., 2018)

    Args:
        heatmaps: array (n, H, W) of attributions (larger = more important).
        masks: bool array (n, H, W), the ground-truth region (for example the lesion).
        tolerance: pixels of slack: the region is grown by this many pixels (a square
            neighbourhood) before checking; 0 demands an exact hit.

    Returns:
        Bool array (n,): True where the maximum lies inside the (grown) region. Ties go to the
        first maximum in reading order. An image with an empty mask counts as a miss.
    """
    heat = check_array("heatmaps", heatmaps, 3)
    mask = check_array("masks", masks, 3).astype(bool)
    if heat.shape != mask.shape:
        raise ValueError(f"heatmaps {heat.shape} and masks {mask.shape} must have the same shape")
    mask = grow_mask(mask, tolerance)
    flat = np.nan_to_num(heat.reshape(len(heat), -1).astype(float), nan=-np.inf)
    peak = flat.argmax(axis=1)
    return mask.reshape(len(mask), -1)[np.arange(len(mask)), peak]


def chance_hit_rate(masks: Any, *, tolerance: int = 0) -> float:
    """The pointing game's score for a heat map that points at a random pixel.

    That is the average share of each image covered by its (grown) region; an explanation is only
    informative if its hit rate is well above this.
    """
    return float(grow_mask(masks, tolerance).mean())


def attribution_share(heatmaps: Any, region: Any) -> np.ndarray:
    """Share of each heat map's (absolute) attribution that falls inside ``region``.

    Args:
        heatmaps: array (n, H, W) of attributions; absolute values are used.
        region: bool array (H, W) (the same region for every image) or (n, H, W).

    Returns:
        Array (n,) in [0, 1]. Compare with the region's share of the image's area: a share far
        above it means the explanation concentrates on the region. An all-zero map gives 0.
    """
    heat = np.abs(check_array("heatmaps", heatmaps, 3)).astype(float)
    where = check_array("region", region, (2, 3)).astype(bool)
    if where.shape not in (heat.shape, heat.shape[1:]):
        raise ValueError(f"region must have shape {heat.shape[1:]} or {heat.shape}, got {where.shape}")
    inside = (heat * where).reshape(len(heat), -1).sum(axis=1)
    total = heat.reshape(len(heat), -1).sum(axis=1)
    return np.divide(inside, total, out=np.zeros_like(total), where=total > 0)


def peak_offsets(attributions: Any, event_index: Any) -> np.ndarray:
    """Samples between each sequence's attribution peak and its true event (peak - event).

    Args:
        attributions: array (n, T) or (n, T, channels); absolute values are used (summed over
            channels).
        event_index: int array (n,), the sample index of the event (for example the R peak of the
            abnormal beat); every entry must lie in [0, T).

    Returns:
        Int array (n,): positive means the peak comes after the event.
    """
    values = np.abs(check_array("attributions", attributions, (2, 3))).astype(float)
    if values.ndim == 3:
        values = values.sum(axis=-1)
    events = check_array("event_index", event_index, 1)
    if not np.issubdtype(events.dtype, np.integer):
        raise TypeError(f"event_index must hold integers (sample indices), got {events.dtype}")
    if len(events) != len(values):
        raise ValueError(f"event_index has {len(events)} entries for {len(values)} sequences")
    if np.any((events < 0) | (events >= values.shape[1])):
        raise ValueError(f"every event_index must lie in [0, {values.shape[1]}); use only sequences "
                         "that have an event (abnormal_index >= 0)")
    return values.argmax(axis=1).astype(np.int64) - events.astype(np.int64)


# --- pictures ------------------------------------------------------------------------------------

def show_explanation(ax: Any, image: Any, heatmap: Any, *, mask: Any = None, title: str = "",
                     alpha: float = 0.55, cmap: str = "magma") -> Any:
    """Draw a grey image, its heat map on top, and the true region's outline; returns ``ax``.

    Args:
        ax: a matplotlib Axes.
        image: array (H, W) or (H, W, 1), intensities.
        heatmap: array (H, W), attributions (shown from 0 to their maximum).
        mask: optional bool array (H, W): outlined in white (the ground truth).
        title: what to notice.
    """
    picture = np.asarray(image)
    if picture.ndim == 3 and picture.shape[-1] == 1:
        picture = picture[..., 0]
    heat = check_array("heatmap", heatmap, 2)
    if picture.shape != heat.shape:
        raise ValueError(f"image {picture.shape} and heatmap {heat.shape} must have the same size")
    ax.imshow(picture, cmap="gray", vmin=0, vmax=1)
    ax.imshow(heat, cmap=cmap, alpha=alpha, vmin=0, vmax=max(float(heat.max()), 1e-12))
    if mask is not None:
        outline = check_array("mask", mask, 2).astype(float)
        if outline.any():
            ax.contour(outline, levels=[0.5], colors="white", linewidths=1.0)
    ax.set_title(title)
    ax.set_xticks([])
    ax.set_yticks([])
    ax.grid(False)
    return ax


__all__ = [
    "DEFAULT_BATCH_SIZE", "GAP_CNN_LAST_CONV", "SCORES", "attribution_share", "batched_predict",
    "build_gap_cnn", "chance_hit_rate", "grad_cam", "grow_mask",
    "input_gradient_saliency", "integrated_gradients", "mean_abs_shap", "peak_offsets",
    "pointing_game", "show_explanation", "single_output",
]

"""Explaining models, and scoring the explanations against a known truth.

- :func:`single_output`, :func:`mean_abs_shap`: SHAP values of a one-output model as a table, and
  the global ranking they give;
- :func:`input_gradient_saliency`, :func:`grad_cam`, :func:`integrated_gradients`: gradient-based
  attributions for Keras models (images and sequences), of the score before a final sigmoid or
  softmax by default. Notebook cells write the same methods out with ``tf.GradientTape``;
  ``tests/test_attribution.py`` checks that those cells and these functions give the same maps;
- :func:`input_gradient_per_step`: how much a sequence model's loss depends on each time step;
- :func:`pointing_game`, :func:`chance_hit_rate`, :func:`grow_mask`, :func:`attribution_share`,
  :func:`peak_offsets`: scores of an explanation against ground truth (a lesion mask, a marker's
  position, an event's time) and the chance level to compare them with.

A fast NumPy prediction function for model-agnostic explainers is
:func:`helpers.models.inference.batched_predict`; an image with its heat map and the true outline is
drawn by :func:`helpers.plotting.show_explanation`. TensorFlow and Keras are imported inside the
functions that need them, so importing this module is cheap. Every Keras function calls the model as
``model(x, training=False)`` in batches (never ``model.predict`` in a loop).
"""
from __future__ import annotations

from typing import Any, Sequence

import numpy as np
import pandas as pd

from helpers.models.inference import DEFAULT_BATCH_SIZE, check_model, score_function, select_output
from helpers.validation import check_array, check_int


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


def _gradients(model: Any, x: np.ndarray, output_index: int, batch_size: int, score: str) -> np.ndarray:
    import tensorflow as tf

    run = score_function(model, score)
    parts = []
    for start in range(0, len(x), batch_size):
        batch = tf.convert_to_tensor(x[start:start + batch_size], dtype=tf.float32)
        with tf.GradientTape() as tape:
            tape.watch(batch)
            chosen = select_output(run(batch)[1], output_index)
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
    check_model(model)
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

    check_model(model)
    x = check_array("images", images, 4).astype(np.float32)
    batch_size = check_int("batch_size", batch_size)
    if not isinstance(conv_layer, str):
        raise TypeError(f"conv_layer must be a layer name (str), got {type(conv_layer).__name__}")
    run = score_function(model, score, feature_layer=conv_layer)
    height, width = x.shape[1:3]
    maps = []
    for start in range(0, len(x), batch_size):
        batch = tf.convert_to_tensor(x[start:start + batch_size])
        with tf.GradientTape() as tape:
            features, scores = run(batch)
            chosen = select_output(scores, output_index)
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
    check_model(model)
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


def input_gradient_per_step(model: Any, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """How much the loss depends on the input at each time step: mean over the batch of ``|dL/dx_t|``.

    Args:
        model: a compiled Keras model taking ``x``.
        x: inputs (n, T, features).
        y: targets (n,) in the form ``model.loss`` expects.

    Returns:
        (T,) float64: for each step ``t``, the Euclidean norm over features of the gradient of the
        model's mean loss with respect to ``x[:, t]``, averaged over the batch (times ``n``, so that
        the value does not shrink with the batch size). Step 0 is the oldest input.
    """
    import keras
    import tensorflow as tf

    x = np.asarray(x, dtype=np.float32)
    if x.ndim != 3:
        raise ValueError(f"x must have shape (n, T, features), got {x.shape}")
    if len(y) != len(x):
        raise ValueError(f"x and y must have the same number of examples, got {len(x)} and {len(y)}")
    loss_fn = keras.losses.get(model.loss)

    @tf.function  # one graph instead of eager step-by-step execution: about twice as fast
    def gradient(inputs, targets):
        with tf.GradientTape() as tape:
            tape.watch(inputs)
            loss = tf.reduce_mean(loss_fn(targets, model(inputs, training=False)))
        return tape.gradient(loss, inputs)

    targets = np.asarray(y).reshape(len(y), -1).astype(np.float32)
    grad = gradient(tf.convert_to_tensor(x), tf.convert_to_tensor(targets)).numpy().astype(np.float64) * len(x)
    return np.linalg.norm(grad, axis=2).mean(axis=0)

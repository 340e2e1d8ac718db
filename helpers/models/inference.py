"""Running a trained Keras model: batched predictions as NumPy arrays (never ``model.predict`` in a loop), and the score (logit or output) that explanations differentiate."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from helpers.validation import check_int, example_count

#: Largest number of examples sent through a model at once by the functions below.
DEFAULT_BATCH_SIZE = 128


def check_model(model: Any) -> None:
    if not callable(model) or not hasattr(model, "inputs"):
        raise TypeError(f"model must be a Keras model, got {type(model).__name__}")


def select_output(outputs: Any, output_index: int) -> Any:
    """Column ``output_index`` of a (n, k) model output, or the output itself if it is (n,)."""
    if len(outputs.shape) == 1:
        return outputs
    if not 0 <= output_index < outputs.shape[-1]:
        raise ValueError(f"output_index must be between 0 and {outputs.shape[-1] - 1}, got {output_index}")
    return outputs[:, output_index]


#: What a gradient explanation differentiates: the pre-activation score or the model's output.
SCORES = ("logit", "output")


def score_function(model: Any, score: str, feature_layer: str | None = None) -> Callable[[Any], tuple]:
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


def run_in_batches(function: Callable[[Any], Any], x: np.ndarray, batch_size: int = DEFAULT_BATCH_SIZE,
                   empty_shape: tuple[int, ...] = (0,)) -> np.ndarray:
    """``function`` applied to consecutive batches of ``x`` (float32), results concatenated as NumPy.

    The one batching loop of the suite: every prediction helper goes through it, so nothing calls
    ``model.predict`` (tens of milliseconds of overhead per call) in a loop. ``x`` is one array, or a
    dict (or list) of arrays for a model with several inputs; each batch then has the same form.
    """
    batch_size = check_int("batch_size", batch_size)
    n = example_count("x", x)
    if isinstance(x, dict):
        x = {key: np.asarray(value, dtype=np.float32) for key, value in x.items()}
        take = lambda start: {key: value[start:start + batch_size] for key, value in x.items()}  # noqa: E731
    elif isinstance(x, (list, tuple)):
        x = [np.asarray(value, dtype=np.float32) for value in x]
        take = lambda start: [value[start:start + batch_size] for value in x]  # noqa: E731
    else:
        x = np.asarray(x, dtype=np.float32)
        take = lambda start: x[start:start + batch_size]  # noqa: E731
    parts = [np.asarray(function(take(start))) for start in range(0, n, batch_size)]
    return np.concatenate(parts) if parts else np.zeros(empty_shape, np.float32)


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
    check_model(model)
    batch_size = check_int("batch_size", batch_size)
    run = score_function(model, score)

    def predict(x: np.ndarray) -> np.ndarray:
        array = np.asarray(x, dtype=np.float32)
        if input_shape is not None:
            array = array.reshape((-1, *input_shape))
        chosen = run_in_batches(lambda batch: select_output(run(batch)[1], output_index), array, batch_size)
        return chosen.astype(float)

    return predict


def predict_proba(model: Any, images: np.ndarray, batch_size: int = 512) -> np.ndarray:
    """Class probabilities, in batches: ``(n,)`` P(class 1) for a sigmoid model, else ``(n, K)``.

    ``images`` may be a dict (or list) of arrays for a model with several inputs."""
    probs = run_in_batches(lambda batch: model(batch, training=False), images, batch_size, empty_shape=(0, 1))
    return probs[:, 0] if probs.shape[1] == 1 else probs

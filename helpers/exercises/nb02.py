"""Exercises of notebook 02: convolution, output shapes, parameters and pooling."""
from __future__ import annotations

import numpy as np

from helpers.exercises import Exercise, NotAttempted


def _whole_number(answer) -> int:
    assert isinstance(answer, (int, np.integer, float, np.floating)) and not isinstance(answer, bool), \
        f"Give a whole number, got {type(answer).__name__}."
    assert float(answer).is_integer(), "Sizes and counts are whole numbers."
    return int(answer)


def _check_output_side(answer) -> None:
    side = _whole_number(answer)
    assert side != 24, "That is the size after the convolution (28 - 5 + 1 = 24); the pooling halves it."
    assert side != 14, "Without padding, the 5 x 5 convolution first shrinks 28 to 28 - 5 + 1."
    assert side != 28, "A 'valid' convolution cannot keep the size: the window must fit inside the image."
    assert side == 12, "Convolution: floor((28 - 5) / 1) + 1 pixels; then 2 x 2 pooling with stride 2 halves that."


def _check_conv_parameters(answer) -> None:
    count = _whole_number(answer)
    assert count != 5 * 5 * 16 * 32, "Close: you counted the weights; each of the 32 filters also has one bias."
    assert count != (5 * 5 + 1) * 32, "Each filter spans all 16 input channels: 5 x 5 x 16 weights, not 5 x 5."
    assert count != 5 * 5 * 32, "Each filter spans all 16 input channels, and has a bias."
    assert count == (5 * 5 * 16 + 1) * 32, "Per filter: 5 x 5 x 16 weights + 1 bias; there are 32 filters."


def _check_max_pool(answer) -> None:
    assert callable(answer), "Pass the function itself (max_pool_2x2), not its result."
    rng = np.random.default_rng(0)
    feature_map = rng.normal(size=(6, 8))
    result = answer(feature_map)
    if result is None:
        raise NotAttempted("Not attempted yet: make max_pool_2x2 return the pooled array.")
    result = np.asarray(result, dtype=float)
    assert result.shape == (3, 4), f"A 6 x 8 map should become 3 x 4, got {result.shape}."
    expected = feature_map.reshape(3, 2, 4, 2).max(axis=(1, 3))
    mean = feature_map.reshape(3, 2, 4, 2).mean(axis=(1, 3))
    assert not np.allclose(result, mean), "That is average pooling: keep the largest value, not the mean."
    assert not np.allclose(result, feature_map[::2, ::2]), \
        "Taking every second pixel is subsampling; pooling looks at all four values of each block."
    assert np.allclose(result, expected), "Each output value is the maximum of one non-overlapping 2 x 2 block."
    other = rng.normal(size=(4, 4))
    assert np.allclose(np.asarray(answer(other), float), other.reshape(2, 2, 2, 2).max(axis=(1, 3))), \
        "Use the input's own height and width (H // 2, W // 2), not fixed numbers."


q1 = Exercise(
    title="Exercise 1 (output shapes)",
    checker=_check_output_side,
    hint_text="Without padding a k x k convolution gives n - k + 1 pixels per side; 2 x 2 pooling with stride 2 halves it.",
    key="nb02_q1",
    wrong_answers=[24, 14, 28, 13, "12 pixels"],
    success_message="Right: 28 -> 24 after the 5 x 5 convolution -> 12 after pooling (LeNet-5 did exactly this).",
)

q2 = Exercise(
    title="Exercise 2 (counting parameters)",
    checker=_check_conv_parameters,
    hint_text="One filter has kernel height x kernel width x input channels weights, plus one bias.",
    key="nb02_q2",
    wrong_answers=[12800, 832, 800, 12833.5],
    success_message="Right: 12,832, and the count does not depend on the image size: the same weights slide everywhere.",
)

q3 = Exercise(
    title="Exercise 3 (max pooling by hand)",
    checker=_check_max_pool,
    hint_text="h, w = feature_map.shape; feature_map.reshape(h // 2, 2, w // 2, 2).max(axis=(1, 3))",
    key="nb02_q3",
    wrong_answers=[
        lambda m: np.asarray(m).reshape(np.shape(m)[0] // 2, 2, np.shape(m)[1] // 2, 2).mean(axis=(1, 3)),
        lambda m: np.asarray(m)[::2, ::2],
        lambda m: np.asarray(m).reshape(3, 2, 4, 2).max(axis=(1, 3)),
        lambda m: np.abs(np.asarray(m)).reshape(np.shape(m)[0] // 2, 2, np.shape(m)[1] // 2, 2).max(axis=(1, 3)),
    ],
    success_message="Right: four values in, one out; a one-pixel shift inside a block often leaves the output unchanged.",
)

EXERCISES = [q1, q2, q3]

"""Exercises of notebook 02: output shapes, parameters, max pooling by hand and a residual block that changes width."""
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
    hint_text=("Output value (i, j) is the largest of rows 2i, 2i+1 and columns 2j, 2j+1. Two loops over i and j "
               "work; NumPy can also give each block's rows and columns axes of their own, so that one .max "
               "over those axes handles every block at once."),
    key="nb02_q3",
    wrong_answers=[
        lambda m: np.asarray(m).reshape(np.shape(m)[0] // 2, 2, np.shape(m)[1] // 2, 2).mean(axis=(1, 3)),
        lambda m: np.asarray(m)[::2, ::2],
        lambda m: np.asarray(m).reshape(3, 2, 4, 2).max(axis=(1, 3)),
        lambda m: np.abs(np.asarray(m)).reshape(np.shape(m)[0] // 2, 2, np.shape(m)[1] // 2, 2).max(axis=(1, 3)),
    ],
    success_message="Right: four values in, one out; a one-pixel shift inside a block often leaves the output unchanged.",
)

def _residual_model(answer, channels: int, width: int):
    """Build ``answer`` on an (8, 8, channels) input; returns the Keras model, or None if not attempted."""
    import keras

    inputs = keras.Input((8, 8, channels))
    try:
        outputs = answer(inputs, width)
    except ValueError as error:
        if "shape" in str(error).lower() or "incompatible" in str(error).lower():
            raise AssertionError(f"Adding x ({channels} channels) to F(x) ({width} channels) failed: when the "
                                 "widths differ, the shortcut must first give x `width` channels.") from None
        raise
    if outputs is None:
        return None
    assert hasattr(outputs, "shape") and len(outputs.shape) == 4, \
        "Return the block's output tensor (batch, H, W, width), built from Keras layers applied to x."
    assert tuple(outputs.shape[1:]) == (8, 8, width), \
        (f"For an (8, 8, {channels}) input and width {width} the block should output (8, 8, {width}), got "
         f"{tuple(outputs.shape[1:])}: use `width` filters and padding='same'.")
    return keras.Model(inputs, outputs)


def _zero_f_and_run(model, x: np.ndarray):
    """Set the 3 x 3 convolutions to zero (F(x) = 0) and return the model's output on x."""
    import keras

    convolutions = [layer for layer in model.layers if isinstance(layer, keras.layers.Conv2D)]
    for layer in convolutions:
        if tuple(layer.kernel.shape[:2]) != (1, 1):
            layer.set_weights([np.zeros_like(w) for w in layer.get_weights()])
    return np.asarray(model(x, training=False)), convolutions


def _check_residual_block(answer) -> None:
    import keras

    assert callable(answer), "Pass the function itself (residual_block), not its result."
    model = _residual_model(answer, 4, 8)
    if model is None:
        raise NotAttempted("Not attempted yet: make residual_block return shortcut + F(x).")
    kernels = [tuple(layer.kernel.shape[:2]) for layer in model.layers if isinstance(layer, keras.layers.Conv2D)]
    assert kernels.count((3, 3)) == 2, f"F(x) has exactly two 3 x 3 convolutions; found kernels {kernels}."
    assert kernels.count((1, 1)) == 1, ("x has 4 channels and F(x) has 8: the shortcut needs one convolution "
                                        "whose window is a single pixel (1 x 1), with `width` filters.")
    f_parameters = (3 * 3 * 4 * 8 + 8) + (3 * 3 * 8 * 8 + 8)
    assert model.count_params() in (f_parameters + 4 * 8, f_parameters + 4 * 8 + 8), \
        (f"Expected {f_parameters + 4 * 8 + 8:,} parameters (the 1 x 1 projection 4 x 8 + 8, then 3 x 3 "
         f"convolutions 4 -> 8 and 8 -> 8 with biases), got {model.count_params():,}.")
    x = np.random.default_rng(0).normal(size=(2, 8, 8, 4)).astype(np.float32)
    output, convolutions = _zero_f_and_run(model, x)
    projection = next(layer for layer in convolutions if tuple(layer.kernel.shape[:2]) == (1, 1))
    weights = projection.get_weights()
    expected = x @ weights[0][0, 0] + (weights[1] if len(weights) > 1 else 0.0)
    assert np.allclose(output, expected, atol=1e-4), \
        ("With F's weights set to zero the block should output the projected x unchanged: apply the 1 x 1 "
         "convolution to x itself (not to relu(x)), add it to F(x), and put nothing after the sum.")
    same = _residual_model(answer, 8, 8)
    assert same is not None and same.count_params() == 2 * (3 * 3 * 8 * 8 + 8), \
        "When x already has `width` channels the shortcut is x itself: no 1 x 1 convolution, no extra parameters."
    x = np.random.default_rng(1).normal(size=(2, 8, 8, 8)).astype(np.float32)
    assert np.allclose(_zero_f_and_run(same, x)[0], x, atol=1e-5), \
        "With F's weights set to zero and equal widths the block should return x itself: output = x + F(x)."


def _wrong_plain(x, width):          # no shortcut at all
    from keras import layers

    y = layers.Conv2D(width, 3, padding="same")(layers.Activation("relu")(x))
    return layers.Conv2D(width, 3, padding="same")(layers.Activation("relu")(y))


def _wrong_identity_only(x, width):  # adds x even when the widths differ
    from keras import layers

    return layers.Add()([x, _wrong_plain(x, width)])


def _wrong_always_project(x, width):  # a projection even when x already has `width` channels
    from keras import layers

    return layers.Add()([layers.Conv2D(width, 1)(x), _wrong_plain(x, width)])


def _wrong_relu_after_sum(x, width):  # the original ResNet form, not the pre-activation one asked for
    from keras import layers

    shortcut = x if x.shape[-1] == width else layers.Conv2D(width, 1)(x)
    return layers.Activation("relu")(layers.Add()([shortcut, _wrong_plain(x, width)]))


q4 = Exercise(
    title="Exercise 4 (a residual block that changes width)",
    checker=_check_residual_block,
    hint_text=("keras.layers.Add needs two tensors of the same shape. Compare x.shape[-1] with width; which "
               "convolution changes the number of channels without looking at neighbouring pixels?"),
    key="nb02_q4",
    wrong_answers=[_wrong_plain, _wrong_identity_only, _wrong_always_project, _wrong_relu_after_sum],
    success_message=("Right: a projection shortcut where the width changes, the identity elsewhere. ResNet-50 "
                     "uses such a projection in the first block of each of its stages."),
)

EXERCISES = [q1, q2, q3, q4]

"""Unit tests for helpers.evaluation.attribution: attributions on tiny models with known answers, scores
against ground truth, bad input; and the proof that notebook 07's lesson cells (saliency, Grad-CAM,
integrated gradients, written out with tf.GradientTape) give the same maps as these helpers."""
from __future__ import annotations

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")

from pathlib import Path

import numpy as np
import pytest

from helpers import plotting
from helpers.evaluation import attribution
from helpers.models import convolutional, inference, recurrent

NOTEBOOK = Path(__file__).resolve().parent.parent / "notebooks" / "07_interpretability.ipynb"
LESSON_MARKERS = ("the score before the sigmoid", "saliency", "Grad-CAM", "integrated gradients")


@pytest.fixture(scope="module")
def keras():
    import keras as _keras

    _keras.utils.set_random_seed(0)
    return _keras


@pytest.fixture(scope="module")
def linear_model(keras):
    """logit = 2 * x0 - 1 * x1 + 0 * x2 + 0.5."""
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
    model.layers[0].set_weights([np.array([[2.0], [-1.0], [0.0]], np.float32), np.array([0.5], np.float32)])
    return model


@pytest.fixture(scope="module")
def tiny_cnn(keras):
    """A small GAP CNN on 8 x 8 images whose score is the mean of a bright-pixel detector."""
    inputs = keras.Input((8, 8, 1))
    features = keras.layers.Conv2D(2, 3, padding="same", activation="relu", name="conv")(inputs)
    pooled = keras.layers.GlobalAveragePooling2D()(features)
    outputs = keras.layers.Dense(1, name="out")(pooled)
    model = keras.Model(inputs, outputs)
    kernel = np.zeros((3, 3, 1, 2), np.float32)
    kernel[1, 1, 0, 0] = 1.0   # channel 0 copies the pixel
    kernel[1, 1, 0, 1] = -1.0  # channel 1 is its negative (ReLU makes it zero on bright pixels)
    model.get_layer("conv").set_weights([kernel, np.zeros(2, np.float32)])
    model.get_layer("out").set_weights([np.array([[1.0], [0.0]], np.float32), np.zeros(1, np.float32)])
    return model


def test_single_output_and_mean_abs_shap():
    values = np.array([[1.0, -3.0], [-1.0, 1.0]])[..., None]
    assert attribution.single_output(values).shape == (2, 2)
    assert attribution.single_output([values[..., 0]]).shape == (2, 2)
    ranking = attribution.mean_abs_shap(values, ["a", "b"])
    assert list(ranking.index) == ["b", "a"]
    assert ranking["b"] == pytest.approx(2.0) and ranking["a"] == pytest.approx(1.0)


def test_mean_abs_shap_bad_input():
    with pytest.raises(ValueError, match="feature_names"):
        attribution.mean_abs_shap(np.zeros((4, 3)), ["a", "b"])
    with pytest.raises(ValueError, match="one model output"):
        attribution.single_output(np.zeros((4, 3, 2)))
    with pytest.raises(ValueError, match="dimensions"):
        attribution.single_output(np.zeros(4))
    with pytest.raises(TypeError, match="numbers"):
        attribution.single_output(np.array([["a", "b"]]))


def test_batched_predict_matches_the_model(linear_model):
    x = np.random.default_rng(0).normal(size=(10, 3)).astype(np.float32)
    predict = inference.batched_predict(linear_model, batch_size=3)
    expected = 2 * x[:, 0] - x[:, 1] + 0.5
    np.testing.assert_allclose(predict(x), expected, rtol=1e-5, atol=1e-5)
    flat = inference.batched_predict(linear_model, input_shape=(3,))
    np.testing.assert_allclose(flat(x.reshape(10, 3)), expected, rtol=1e-5, atol=1e-5)
    with pytest.raises(TypeError, match="Keras model"):
        inference.batched_predict(lambda x: x)
    with pytest.raises(ValueError, match="batch_size"):
        inference.batched_predict(linear_model, batch_size=0)
    with pytest.raises(ValueError, match="output_index"):
        inference.batched_predict(linear_model, output_index=3)(x)


def test_integrated_gradients_of_a_linear_model_are_exact(linear_model):
    x = np.array([[1.0, 2.0, 3.0], [-1.0, 0.5, 0.0]], np.float32)
    attributions = attribution.integrated_gradients(linear_model, x, steps=4)
    np.testing.assert_allclose(attributions, x * np.array([2.0, -1.0, 0.0]), atol=1e-5)
    # Completeness: attributions add up to score(x) - score(baseline).
    baseline = np.array([1.0, 1.0, 1.0], np.float32)
    attributions = attribution.integrated_gradients(linear_model, x, baseline=baseline, steps=3, batch_size=4)
    predict = inference.batched_predict(linear_model)
    np.testing.assert_allclose(attributions.sum(axis=1), predict(x) - predict(baseline[None]), atol=1e-5)
    with pytest.raises(ValueError, match="baseline"):
        attribution.integrated_gradients(linear_model, x, baseline=np.zeros(5))
    with pytest.raises(ValueError, match="steps"):
        attribution.integrated_gradients(linear_model, x, steps=0)
    with pytest.raises(ValueError, match="shape"):
        attribution.integrated_gradients(linear_model, np.zeros(3))


def test_saliency_and_grad_cam_find_the_bright_spot(tiny_cnn):
    images = np.zeros((2, 8, 8, 1), np.float32)
    images[0, 2, 5] = 1.0
    images[1, 6, 1] = 1.0
    saliency = attribution.input_gradient_saliency(tiny_cnn, images, batch_size=1)
    assert saliency.shape == (2, 8, 8) and saliency.min() >= 0
    cam = attribution.grad_cam(tiny_cnn, images, "conv")
    assert cam.shape == (2, 8, 8) and cam.min() >= 0 and cam.max() == pytest.approx(1.0)
    masks = np.zeros((2, 8, 8), bool)
    masks[0, 2, 5] = masks[1, 6, 1] = True
    assert attribution.pointing_game(cam, masks).all()
    with pytest.raises(ValueError, match="not a layer"):
        attribution.grad_cam(tiny_cnn, images, "no_such_layer")
    with pytest.raises(TypeError, match="layer name"):
        attribution.grad_cam(tiny_cnn, images, 3)
    with pytest.raises(ValueError, match="dimensions"):
        attribution.input_gradient_saliency(tiny_cnn, images[..., 0])


def test_pointing_game_with_tolerance():
    heat = np.zeros((3, 5, 5))
    heat[0, 2, 2] = 1.0  # on the mask
    heat[1, 0, 0] = 1.0  # far from the mask
    heat[2, 2, 3] = 1.0  # one pixel beside the mask
    masks = np.zeros((3, 5, 5), bool)
    masks[:, 2, 2] = True
    np.testing.assert_array_equal(attribution.pointing_game(heat, masks), [True, False, False])
    np.testing.assert_array_equal(attribution.pointing_game(heat, masks, tolerance=1), [True, False, True])
    assert attribution.chance_hit_rate(masks) == pytest.approx(1 / 25)
    assert attribution.chance_hit_rate(masks, tolerance=1) == pytest.approx(9 / 25)
    assert attribution.grow_mask(masks, 1)[0].sum() == 9
    with pytest.raises(ValueError, match="same shape"):
        attribution.pointing_game(heat, masks[:2])
    with pytest.raises(ValueError, match="tolerance"):
        attribution.pointing_game(heat, masks, tolerance=-1)


def test_attribution_share():
    heat = np.zeros((2, 4, 4))
    heat[0, 0, 0] = 3.0
    heat[0, 3, 3] = -1.0  # absolute values count
    region = np.zeros((4, 4), bool)
    region[0, 0] = True
    np.testing.assert_allclose(attribution.attribution_share(heat, region), [0.75, 0.0])
    with pytest.raises(ValueError, match="region"):
        attribution.attribution_share(heat, np.zeros((3, 3), bool))


def test_peak_offsets():
    attributions = np.zeros((2, 10, 1))
    attributions[0, 4] = -2.0
    attributions[1, 7] = 1.0
    np.testing.assert_array_equal(attribution.peak_offsets(attributions, np.array([5, 7])), [-1, 0])
    with pytest.raises(ValueError, match="lie in"):
        attribution.peak_offsets(attributions, np.array([-1, 3]))
    with pytest.raises(TypeError, match="integers"):
        attribution.peak_offsets(attributions, np.array([1.5, 3.0]))
    with pytest.raises(ValueError, match="entries"):
        attribution.peak_offsets(attributions, np.array([1]))


def test_show_explanation_draws_and_checks_sizes():
    import matplotlib

    matplotlib.use("Agg", force=True)
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots()
    mask = np.zeros((6, 6), bool)
    mask[2:4, 2:4] = True
    plotting.show_explanation(ax, np.full((6, 6, 1), 0.5), np.random.default_rng(0).random((6, 6)),
                             mask=mask, title="demo")
    assert ax.get_title() == "demo"
    with pytest.raises(ValueError, match="same size"):
        plotting.show_explanation(ax, np.zeros((6, 6)), np.zeros((5, 5)))
    plt.close(fig)


def test_logit_score_survives_a_saturated_sigmoid(keras):
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1, activation="sigmoid")])
    model.layers[0].set_weights([np.array([[30.0], [0.0]], np.float32), np.zeros(1, np.float32)])
    x = np.array([[2.0, 1.0]], np.float32)  # logit 60: the sigmoid's output is 1.0 in float32
    logit = inference.batched_predict(model)(x)
    probability = inference.batched_predict(model, score="output")(x)
    assert logit[0] == pytest.approx(60.0) and probability[0] == pytest.approx(1.0)
    attributions = attribution.integrated_gradients(model, x, steps=8)
    np.testing.assert_allclose(attributions, [[60.0, 0.0]], atol=1e-3)
    from helpers.evaluation.attribution import _gradients

    assert np.abs(_gradients(model, x, 0, 1, "output")).max() < 1e-6, "the probability's slope vanishes"
    np.testing.assert_allclose(_gradients(model, x, 0, 1, "logit"), [[30.0, 0.0]], atol=1e-4)
    with pytest.raises(ValueError, match="score"):
        inference.batched_predict(model, score="probability")


def test_build_gap_cnn_works_with_grad_cam(keras):
    model = convolutional.build_gap_cnn((16, 16, 1), mean=0.4, std=0.1)
    assert model.output_shape == (None, 1)
    assert convolutional.GAP_CNN_LAST_CONV in [layer.name for layer in model.layers]
    images = np.random.default_rng(1).random((3, 16, 16, 1)).astype(np.float32)
    cam = attribution.grad_cam(model, images, convolutional.GAP_CNN_LAST_CONV)
    assert cam.shape == (3, 16, 16) and np.isfinite(cam).all()
    assert convolutional.build_gap_cnn((16, 16, 1), 3).output_shape == (None, 3)
    with pytest.raises(ValueError, match="n_classes"):
        convolutional.build_gap_cnn((16, 16, 1), 1)
    with pytest.raises(ValueError, match="input_shape"):
        convolutional.build_gap_cnn((16, 16))
    with pytest.raises(ValueError, match="8 x 8"):
        convolutional.build_gap_cnn((4, 4, 1))


# --- notebook 07's lesson cells against the helpers ---------------------------------------------------

@pytest.fixture(scope="module")
def lesson(keras):
    """The namespace left by exec-ing notebook 07's `# Lesson code:` cells (with the notebook's imports)."""
    import tensorflow as tf

    from tests.lesson_cells import lesson_markers, lesson_namespace

    found = lesson_markers(NOTEBOOK.name)
    assert sorted(found) == sorted(LESSON_MARKERS), f"notebook 07's lesson cells changed: found {found}"
    return lesson_namespace(NOTEBOOK.name, found, {"np": np, "tf": tf, "keras": keras})


@pytest.fixture(scope="module")
def gap_cnn(keras):
    """build_gap_cnn with seeded random weights and non-trivial batch-norm statistics."""
    keras.utils.set_random_seed(3)
    model = convolutional.build_gap_cnn((16, 16, 1), mean=0.4, std=0.2)
    rng = np.random.default_rng(3)
    for layer in model.layers:
        if isinstance(layer, keras.layers.BatchNormalization):
            gamma, beta, mean, variance = layer.get_weights()
            layer.set_weights([rng.uniform(0.5, 1.5, gamma.shape), rng.normal(0, 0.3, beta.shape),
                               rng.normal(0, 0.3, mean.shape), rng.uniform(0.5, 2.0, variance.shape)])
    kernel, bias = model.get_layer("output").get_weights()
    model.get_layer("output").set_weights([np.abs(kernel) * rng.choice([1, 1, -1], kernel.shape), bias])
    return model


def test_lesson_score_is_the_helpers_log_odds(lesson, gap_cnn):
    images = np.random.default_rng(0).random((6, 16, 16, 1)).astype(np.float32)
    score, maps = lesson["score_and_maps"](gap_cnn, images, convolutional.GAP_CNN_LAST_CONV)
    np.testing.assert_allclose(score.numpy(), inference.batched_predict(gap_cnn)(images), rtol=1e-5, atol=1e-5)
    assert tuple(maps.shape) == (6, 4, 4, 32)


def test_lesson_saliency_and_grad_cam_equal_the_helpers(lesson, gap_cnn, tiny_cnn):
    images = np.random.default_rng(1).random((6, 16, 16, 1)).astype(np.float32)
    np.testing.assert_allclose(lesson["saliency"](gap_cnn, images),
                               attribution.input_gradient_saliency(gap_cnn, images), rtol=1e-4, atol=1e-6)
    for layer in (convolutional.GAP_CNN_LAST_CONV, "relu2"):
        notebook_maps = lesson["grad_cam"](gap_cnn, images, layer)
        assert notebook_maps.max() > 0, "a degenerate test: every Grad-CAM map is zero"
        np.testing.assert_allclose(notebook_maps, attribution.grad_cam(gap_cnn, images, layer), atol=1e-5)
    bright = np.zeros((2, 8, 8, 1), np.float32)
    bright[0, 2, 5] = bright[1, 6, 1] = 1.0
    np.testing.assert_allclose(lesson["grad_cam"](tiny_cnn, bright, "conv"),
                               attribution.grad_cam(tiny_cnn, bright, "conv"), atol=1e-6)


def test_lesson_integrated_gradients_equal_the_helper(lesson, keras):
    keras.utils.set_random_seed(4)
    model = recurrent.rhythm_classifier("lstm", n_samples=50, frame=10, units=8)
    strips = np.random.default_rng(4).normal(0, 0.5, (5, 50, 1)).astype(np.float32)
    for baseline in (np.zeros((50, 1), np.float32), np.full((50, 1), 0.3, np.float32)):
        notebook = lesson["integrated_gradients"](model, strips, baseline, 1, steps=8)
        helper = attribution.integrated_gradients(model, strips, baseline=baseline, steps=8, output_index=1)
        assert np.abs(helper).max() > 0
        np.testing.assert_allclose(notebook, helper, rtol=1e-4, atol=1e-6)

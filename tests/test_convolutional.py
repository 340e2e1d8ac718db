"""Tests for helpers.models.convolutional: the shared stem and head, the builders, and notebook 02's lesson cells."""
from __future__ import annotations

import math
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")

import numpy as np
import pytest

from helpers import architecture, training
from helpers.models import convolutional

NOTEBOOK = "02_convolutional_networks.ipynb"


@pytest.fixture(scope="module")
def keras():
    import keras as _keras

    return _keras


@pytest.fixture(scope="module")
def lesson(keras):
    """The definitions of notebook 02's three model cells (LeNet, VGG block, residual block)."""
    from tests.lesson_cells import lesson_namespace

    namespace = {"keras": keras, "layers": keras.layers, "np": np, "math": math, "training": training, "SEED": 0}
    for marker in ("LeNet", "VGG block", "residual block"):
        namespace = lesson_namespace(NOTEBOOK, marker, namespace)
    return namespace


def built_twice(keras, notebook_build, helper_build):
    """Both networks, each built right after the same global seed (so their initial weights can be compared)."""
    keras.utils.set_random_seed(0)
    mine = notebook_build()
    keras.utils.set_random_seed(0)
    return mine, helper_build()


def assert_same_network(mine, theirs, images):
    """Same layers (names, kinds, output shapes, parameters), same initial weights, same outputs."""
    describe = [lambda layer: layer.name, lambda layer: type(layer).__name__,
                lambda layer: tuple(layer.output.shape), lambda layer: layer.count_params()]
    for what in describe:
        assert [what(layer) for layer in mine.layers] == [what(layer) for layer in theirs.layers]
    assert mine.count_params() == theirs.count_params()
    for a, b in zip(mine.get_weights(), theirs.get_weights(), strict=True):
        np.testing.assert_array_equal(a, b)          # same construction order: same initial weights
    rng = np.random.default_rng(1)
    theirs.set_weights([rng.normal(0, 0.1, w.shape).astype(np.float32) for w in theirs.get_weights()])
    mine.set_weights(theirs.get_weights())
    np.testing.assert_allclose(np.asarray(mine(images, training=False)),
                               np.asarray(theirs(images, training=False)), rtol=1e-5, atol=1e-6)


@pytest.fixture(scope="module")
def images():
    return np.random.default_rng(0).uniform(size=(4, 32, 32, 1)).astype(np.float32)


# --- notebook 02's lesson cells build the helpers' networks ----------------------------------------

@pytest.mark.parametrize("pooling", convolutional.POOLING_CHOICES)
def test_notebook_lenet_is_build_lenet(keras, lesson, images, pooling):
    mine, theirs = built_twice(keras, lambda: lesson["lenet"]((32, 32, 1), pooling=pooling, mean=0.4, std=0.1),
                               lambda: convolutional.build_lenet((32, 32, 1), 2, pooling=pooling, mean=0.4, std=0.1))
    assert mine.name == theirs.name == f"lenet_{pooling}"
    assert_same_network(mine, theirs, images)


def test_notebook_vgg_is_build_vgg_small(keras, lesson, images):
    mine, theirs = built_twice(keras, lambda: lesson["small_vgg"]((32, 32, 1)),
                               lambda: convolutional.build_vgg_small((32, 32, 1), 2))
    assert_same_network(mine, theirs, images)


@pytest.mark.parametrize("residual", [False, True])
def test_notebook_deep_stack_is_build_deep_stack(keras, lesson, images, residual):
    mine, theirs = built_twice(keras, lambda: lesson["deep_stack"]((32, 32, 1), residual, depth=6),
                               lambda: convolutional.build_deep_stack((32, 32, 1), 2, depth=6, residual=residual))
    assert mine.name == theirs.name
    assert_same_network(mine, theirs, images)


def test_residual_pair_adds_its_input(keras, lesson):
    """With F's weights at zero the residual pair is the identity and the plain pair outputs zeros."""
    inputs = keras.Input((8, 8, 4))
    for residual in (True, False):
        model = keras.Model(inputs, lesson["conv_pair"](inputs, 4, f"pair_{residual}", residual))
        model.set_weights([np.zeros_like(w) for w in model.get_weights()])
        x = np.random.default_rng(2).normal(size=(2, 8, 8, 4)).astype(np.float32)
        np.testing.assert_allclose(np.asarray(model(x)), x if residual else 0 * x, atol=1e-6)


# --- the builders, their stem and head -------------------------------------------------------------

def test_builders_shapes_and_multiply_adds(keras):
    max_pool = convolutional.build_lenet((32, 32, 1), 2, pooling="max")
    no_pool = convolutional.build_lenet((32, 32, 1), 2, pooling="none")
    strided = convolutional.build_lenet((32, 32, 1), 2, pooling="strided")
    assert max_pool.output_shape == (None, 1)
    assert convolutional.build_lenet((28, 28, 3), 5).output_shape == (None, 5)
    assert no_pool.count_params() > 10 * max_pool.count_params()
    assert architecture.count_multiply_adds(no_pool) > 3 * architecture.count_multiply_adds(max_pool)
    assert architecture.count_multiply_adds(strided) < architecture.count_multiply_adds(max_pool)
    # conv1: 32*32 positions x 3*3*1 weights x 16 filters; conv2 on 16*16 positions x 3*3*16 x 32;
    # dense: 8*8*32 inputs x 64 units; output: 64 x 1.
    expected = 32 * 32 * 9 * 16 + 16 * 16 * 9 * 16 * 32 + 8 * 8 * 32 * 64 + 64
    assert architecture.count_multiply_adds(max_pool) == expected
    plain = convolutional.build_deep_stack((32, 32, 1), 2, depth=6, residual=False)
    residual = convolutional.build_deep_stack((32, 32, 1), 2, depth=6, residual=True)
    assert plain.count_params() == residual.count_params()
    for build in (convolutional.build_vgg_small, convolutional.build_resnet_small, convolutional.build_gap_cnn):
        assert build((32, 32, 1), 2).output_shape == (None, 1)
        assert build((32, 32, 1), 3).output_shape == (None, 3)


def test_every_builder_shares_the_stem_and_head(keras):
    """Input named 'image', the 'standardise' layer when asked, and the one output layer 'output'."""
    models = [convolutional.build_lenet((32, 32, 1), 2, mean=0.5, std=0.2),
              convolutional.build_gap_cnn((32, 32, 1), 2, mean=0.5, std=0.2),
              convolutional.build_vgg_small((32, 32, 1), 2), convolutional.build_resnet_small((32, 32, 1), 2),
              convolutional.build_deep_stack((32, 32, 1), 2, depth=2), convolutional.SmallCNN(16).model]
    for model in models:
        assert model.layers[-1].name == "output" and model.layers[-1].activation is keras.activations.sigmoid
        assert model.inputs[0].name == "image" or isinstance(model, keras.Sequential)
    for model in models[:2]:
        x = np.full((1, 32, 32, 1), 0.7, np.float32)
        np.testing.assert_allclose(np.asarray(model.get_layer("standardise")(x)), 1.0, rtol=1e-5)
    assert "standardise" not in [layer.name for layer in convolutional.build_lenet((32, 32, 1)).layers]
    per_image = convolutional.input_layers((8, 8, 1), per_image=True)[1]
    x = np.random.default_rng(0).uniform(size=(3, 8, 8, 1)).astype(np.float32)
    out = np.asarray(per_image(x))
    np.testing.assert_allclose(out.mean(axis=(1, 2, 3)), 0, atol=1e-5)
    head = convolutional.head_layers(4, global_pool="max", dropout=0.5)
    assert [type(layer).__name__ for layer in head] == ["GlobalMaxPooling2D", "Dropout", "Dense"]
    assert head[-1].activation is keras.activations.softmax


def test_gap_cnn_keeps_its_layers(keras):
    """Notebook 07 relies on these names and on this parameter count."""
    model = convolutional.build_gap_cnn((32, 32, 1), mean=0.4, std=0.1)
    names = [layer.name for layer in model.layers]
    assert names == ["image", "standardise", "conv1", "bn1", "relu1", "pool1", "conv2", "bn2", "relu2", "pool2",
                     "conv3", "bn3", "relu3", "global_pool", "output"]
    assert convolutional.GAP_CNN_LAST_CONV == "relu3"
    assert model.count_params() == (5 * 5 * 16 + 4 * 16) + (3 * 3 * 16 * 32 + 4 * 32) + (3 * 3 * 32 * 32 + 4 * 32) + 33


@pytest.mark.parametrize("call, message", [
    (lambda: convolutional.build_lenet((32, 32), 2), "input_shape"),
    (lambda: convolutional.build_lenet("32x32", 2), "input_shape"),
    (lambda: convolutional.build_lenet((32, 32, 1), 1), "n_classes"),
    (lambda: convolutional.build_lenet((32, 32, 1), 2, pooling="median"), "pooling"),
    (lambda: convolutional.build_deep_stack((32, 32, 1), 2, depth=5), "depth"),
    (lambda: convolutional.build_gap_cnn((4, 4, 1)), "at least 8 x 8"),
    (lambda: convolutional.build_gap_cnn((16, 16, 1), filters=(8, 8)), "three values"),
    (lambda: convolutional.head_layers(2, global_pool="median"), "global_pool"),
    (lambda: convolutional.head_layers(2, dropout=1.0), "dropout"),
    (lambda: convolutional.input_layers((8, 8, 1), mean=0.5, per_image=True), "not both"),
])
def test_bad_input_gets_a_clear_error(keras, call, message):
    with pytest.raises(ValueError, match=message):
        call()

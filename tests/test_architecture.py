"""Tests for helpers.architecture: output sizes, parameter and multiply-add counts, layer tables."""
from __future__ import annotations

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")

import numpy as np
import pytest

from helpers import architecture


def test_conv_output_size():
    assert architecture.conv_output_size(32, 3, 1, "same") == 32
    assert architecture.conv_output_size(32, 2, 2, "valid") == 16
    assert architecture.conv_output_size(32, 5, 1, "valid") == 28
    assert architecture.conv_output_size(28, 5) == 24
    with pytest.raises(ValueError):
        architecture.conv_output_size(32, 3, 0)
    with pytest.raises(ValueError):
        architecture.conv_output_size(32, 3, 1, "full")
    with pytest.raises(ValueError, match="does not fit"):
        architecture.conv_output_size(3, 5)


def test_dense_parameter_count():
    assert architecture.dense_parameter_count((10, 32, 16, 1)) == 11 * 32 + 33 * 16 + 17
    # VGG-16's ImageNet head at 224 x 224: 7 x 7 x 512 -> 4096 -> 4096 -> 1000.
    assert architecture.dense_parameter_count((7 * 7 * 512, 4096, 4096, 1000)) == 123_642_856
    with pytest.raises(ValueError):
        architecture.dense_parameter_count((10,))
    with pytest.raises(ValueError):
        architecture.dense_parameter_count((10, 0))


def test_counts_and_table_on_a_small_cnn():
    import keras

    inputs = keras.Input((8, 8, 2))
    x = keras.layers.Conv2D(4, 3, padding="same", name="conv")(inputs)
    x = keras.layers.DepthwiseConv2D(3, padding="same", name="depthwise")(x)
    x = keras.layers.MaxPooling2D(2, name="pool")(x)
    x = keras.layers.Flatten(name="flatten")(x)
    model = keras.Model(inputs, keras.layers.Dense(1, name="output")(x))
    expected = 8 * 8 * 3 * 3 * 2 * 4 + 8 * 8 * 3 * 3 * 4 + 4 * 4 * 4
    assert architecture.count_multiply_adds(model) == expected
    table = architecture.layer_table(model)
    assert list(table.index) == ["conv", "depthwise", "pool", "flatten", "output"]
    assert table.loc["pool", "output shape"] == (4, 4, 4) and table.loc["conv", "parameters"] == 3 * 3 * 2 * 4 + 4
    assert table["multiply-adds"].sum() == expected
    summary = architecture.describe_architecture(model)
    assert summary == {"weight layers (depth)": 3, "parameters": model.count_params(), "multiply-adds per scan": expected}
    rms = architecture.activation_rms(model, np.ones((2, 8, 8, 2), np.float32), ["conv", "pool"])
    assert rms.shape == (2,) and np.all(rms >= 0)


def test_n_parameters_of_sklearn_and_keras_models():
    from sklearn.linear_model import LogisticRegression

    x = np.random.default_rng(0).normal(size=(40, 3))
    model = LogisticRegression().fit(x, x[:, 0] > 0)
    assert architecture.n_parameters(model) == 4
    with pytest.raises(TypeError, match="cannot count"):
        architecture.n_parameters(object())


# --- dense parameter counts; parameters of fitted scikit-learn models --------------------------

def test_dense_parameter_count_of_the_fcnn_and_bad_layers():
    assert architecture.dense_parameter_count((10, 32, 16, 1)) == 11 * 32 + 33 * 16 + 17 == 897
    assert architecture.dense_parameter_count([576, 1]) == 577
    with pytest.raises(ValueError, match="at least one layer"):
        architecture.dense_parameter_count((10,))
    with pytest.raises(ValueError, match="at least 1"):
        architecture.dense_parameter_count((10, 0, 1))
    with pytest.raises(TypeError, match="int"):
        architecture.dense_parameter_count((10, 2.5, 1))


def test_n_parameters_of_fitted_models():
    from sklearn.linear_model import LogisticRegression
    from sklearn.neural_network import MLPClassifier
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    rng = np.random.default_rng(0)
    y = (rng.random(400) < 0.3).astype(int)
    x = np.column_stack([y + rng.normal(0, 1, 400), rng.normal(0, 1, 400)])
    assert architecture.n_parameters(LogisticRegression().fit(x, y)) == 3
    mlp = MLPClassifier((5,)).partial_fit(x, y, classes=[0, 1])
    assert architecture.n_parameters(mlp) == architecture.dense_parameter_count((2, 5, 1))
    assert architecture.n_parameters(make_pipeline(StandardScaler(), LogisticRegression()).fit(x, y)) == 3
    with pytest.raises(TypeError, match="fitted"):
        architecture.n_parameters(LogisticRegression())

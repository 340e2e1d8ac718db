"""Tests for the image recipe of helpers.training (train_image_classifier) and notebook 02's recipe cell."""
from __future__ import annotations

import math
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")

import numpy as np
import pytest

from helpers import training
from helpers.data import imaging
from helpers.models import convolutional


@pytest.fixture(scope="module")
def splits():
    scans = imaging.make_scans(160, image_size=16, seed=0)
    return imaging.split_scans(scans, (0.6, 0.4))


def test_notebook_recipe_trains_exactly_like_the_helper(splits, capsys):
    """Notebook 02's `train_cnn` cell and train_image_classifier give the same weights and history."""
    import keras

    from tests.lesson_cells import lesson_namespace

    namespace = {"keras": keras, "layers": keras.layers, "np": np, "math": math, "training": training, "SEED": 0}
    namespace = lesson_namespace("02_convolutional_networks.ipynb", "LeNet", namespace)
    namespace = lesson_namespace("02_convolutional_networks.ipynb", "training recipe", namespace)
    train, val = splits
    mine, history = namespace["train_cnn"](namespace["lenet"], train, val, epochs=2, batch_size=16, seed=3)
    assert "best epoch" in capsys.readouterr().out
    theirs = training.train_image_classifier(
        train["images"], train["labels"], val["images"], val["labels"], epochs=2, batch_size=16, seed=3,
        augment=False, build=lambda shape, n, **standardise: convolutional.build_lenet(shape, n, **standardise))
    assert theirs.best_epoch == int(np.argmax(history["val_auc"])) + 1
    np.testing.assert_allclose(history["loss"], theirs.history["loss"], rtol=1e-5)
    for a, b in zip(mine.get_weights(), theirs.model.get_weights(), strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-6)


def test_training_result_keeps_the_best_epoch(splits):
    train, val = splits
    result = training.train_image_classifier(train["images"], train["labels"], val["images"], val["labels"],
                                             epochs=2, batch_size=32, seed=0, augment=True)
    assert result.epochs == 2 and 1 <= result.best_epoch <= 2 and not result.stopped_by_time
    assert result.history["val_auc"][result.best_epoch - 1] == max(result.history["val_auc"])
    assert result.model.name == "lenet_max"


def test_class_weights_balance_the_classes():
    weights = training.class_weights(np.array([0, 0, 0, 1]))
    assert weights[1] == pytest.approx(3 * weights[0])
    with pytest.raises(ValueError):
        training.class_weights(np.array([0, 0, 2]))


@pytest.mark.parametrize("call", [
    lambda: training.train_image_classifier(np.zeros((4, 8, 8, 1)), np.zeros(3), np.zeros((2, 8, 8, 1)), np.zeros(2)),
    lambda: training.train_image_classifier(np.zeros((4, 8, 8)), np.zeros(4), np.zeros((2, 8, 8, 1)), np.zeros(2)),
    lambda: training.train_image_classifier(np.zeros((4, 8, 8, 1)), np.zeros(4), np.zeros((2, 9, 9, 1)), np.zeros(2)),
])
def test_bad_input(call):
    with pytest.raises(ValueError):
        call()

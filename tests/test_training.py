"""helpers.training: one weighting formula for classes and groups, and label-preserving augmentation."""
from __future__ import annotations

import numpy as np
import pytest

from helpers import training


def test_balancing_weights_give_each_label_the_same_total_weight():
    groups = np.array(["A"] * 9 + ["B"])
    weights = training.balancing_weights(groups)
    assert weights.shape == (10,) and np.isclose(weights.mean(), 1.0)
    assert np.isclose(weights[groups == "A"].sum(), weights[groups == "B"].sum())
    with pytest.raises(ValueError, match="non-empty 1-D"):
        training.balancing_weights([])


def test_class_weights_are_the_same_formula_as_balancing_weights():
    labels = np.array([0, 0, 0, 1, 1, 2])
    per_class = training.class_weights(labels)
    per_row = training.balancing_weights(labels)
    assert set(per_class) == {0, 1, 2}
    assert np.allclose([per_class[c] for c in labels], per_row)
    assert np.isclose(per_class[0], 6 / (3 * 3)) and np.isclose(per_class[2], 6 / (3 * 1))
    with pytest.raises(ValueError, match="every class"):
        training.class_weights(np.array([0, 0, 2]))


# --- dihedral augmentation ------------------------------------------------------------------------

def test_dihedral_augment_makes_eight_distinct_label_keeping_copies():
    image = np.arange(16, dtype=np.float32).reshape(1, 4, 4, 1)
    copies, labels = training.dihedral_augment(np.concatenate([image, image + 100]), np.array([1, 0]))
    assert copies.shape == (16, 4, 4, 1) and copies.dtype == np.float32
    assert labels.tolist() == [1, 0] * 8
    assert np.array_equal(copies[0], image[0]), "originals come first"
    firsts = {copies[k].tobytes() for k in range(0, 16, 2)}
    assert len(firsts) == 8, "an asymmetric image has 8 different turns and mirrors"
    assert all(sorted(c.ravel()) == list(range(16)) for c in copies[::2]), "pixels are moved, never changed"


def test_dihedral_augment_bad_input():
    with pytest.raises(ValueError, match="square"):
        training.dihedral_augment(np.zeros((2, 4, 5, 1)), np.zeros(2))
    with pytest.raises(ValueError, match="square"):
        training.dihedral_augment(np.zeros((4, 4, 1)), np.zeros(4))
    with pytest.raises(ValueError, match="labels"):
        training.dihedral_augment(np.zeros((2, 4, 4, 1)), np.zeros(3))

"""helpers.training: one weighting formula for classes and groups."""
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

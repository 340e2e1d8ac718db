"""helpers.data.tumours: scikit-learn's breast cancer measurements, split and standardised."""
from __future__ import annotations

import numpy as np
import pytest

from helpers.data import tumours


def test_breast_cancer_split():
    data = tumours.breast_cancer_split(seed=0)
    assert data["x_train"].shape[1] == 30 and len(data["feature_names"]) == 30
    assert len(data["x_train"]) + len(data["x_test"]) == 569
    assert data["x_train"].dtype == np.float32 and set(np.unique(data["y_train"])) == {0, 1}
    assert abs(data["x_train"].mean()) < 1e-5 and 0.3 < data["y_train"].mean() < 0.45  # 37 % malignant
    raw = tumours.breast_cancer_split(seed=0, scale=False)
    assert raw["x_train"].max() > 1000 and raw["scaler"] is None


def test_the_split_follows_the_seed_and_keeps_the_class_balance():
    first, again, other = (tumours.breast_cancer_split(seed=s) for s in (3, 3, 4))
    np.testing.assert_array_equal(first["x_test"], again["x_test"])
    assert not np.array_equal(first["x_test"], other["x_test"])
    assert abs(first["y_train"].mean() - first["y_test"].mean()) < 0.02, "the split is stratified"


def test_the_scaler_is_fitted_on_the_training_split_only():
    data = tumours.breast_cancer_split(seed=0)
    np.testing.assert_allclose(data["x_train"].std(axis=0), 1.0, atol=1e-3)
    assert np.abs(data["x_test"].mean(axis=0)).max() > 0.01, "test patients are scaled with the training statistics"


def test_bad_test_size_is_rejected():
    with pytest.raises(ValueError, match="test_size"):
        tumours.breast_cancer_split(test_size=0.9)

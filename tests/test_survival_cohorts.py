"""Unit tests for helpers.data.survival_cohorts: the shipped cohorts, their encoding and splits; fast, including bad input."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from helpers.data import survival_cohorts


@pytest.fixture(scope="module")
def gbsg2():
    return survival_cohorts.load_cohort("gbsg2")


def test_survival_target_fields_and_values():
    target = survival_cohorts.survival_target([1, 0, 1], [5, 7.5, 2])
    assert target.dtype.names == ("event", "time")
    assert target["event"].tolist() == [True, False, True] and target["time"].tolist() == [5.0, 7.5, 2.0]
    event, time = survival_cohorts.event_and_time(target)
    assert event.dtype == bool and time.dtype == float


def test_survival_target_bad_input():
    with pytest.raises(ValueError, match="same length"):
        survival_cohorts.survival_target([1, 0], [1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match="positive"):
        survival_cohorts.survival_target([1, 0], [1.0, -2.0])
    with pytest.raises(ValueError, match="True/False"):
        survival_cohorts.survival_target([1, 2], [1.0, 2.0])
    with pytest.raises(TypeError, match="numbers"):
        survival_cohorts.survival_target(["yes", "no"], [1.0, 2.0])
    with pytest.raises(TypeError, match="structured array"):
        survival_cohorts.event_and_time(np.array([1.0, 2.0]))


def test_load_cohort_gbsg2_is_the_documented_cohort(gbsg2):
    features, target = gbsg2
    assert features.shape == (686, 8) and set(features.columns) == set(survival_cohorts.GBSG2_COLUMNS)
    assert int(target["event"].sum()) == 299, "sksurv documents 299 events (43.6 %)"
    assert target["time"].min() > 0


def test_load_cohort_whas500_and_bad_name():
    features, target = survival_cohorts.load_cohort("whas500")
    assert len(features) == 500 and int(target["event"].sum()) == 215
    with pytest.raises(ValueError, match="one of"):
        survival_cohorts.load_cohort("metabric")


def test_encode_gbsg2_values(gbsg2):
    features, _ = gbsg2
    encoded = survival_cohorts.encode_gbsg2(features)
    assert encoded.shape == (686, 8) and all(pd.api.types.is_float_dtype(t) for t in encoded.dtypes)
    assert set(encoded["tgrade"].unique()) == {1.0, 2.0, 3.0}
    assert set(encoded["horTh"].unique()) == {0.0, 1.0}
    assert np.allclose(encoded["log_pnodes"], np.log1p(features["pnodes"]))
    assert encoded["postmenopausal"].sum() == (features["menostat"].astype(str) == "Post").sum()


def test_encode_gbsg2_bad_input(gbsg2):
    features, _ = gbsg2
    with pytest.raises(ValueError, match="missing the columns"):
        survival_cohorts.encode_gbsg2(features.drop(columns="tgrade"))
    with pytest.raises(TypeError, match="DataFrame"):
        survival_cohorts.encode_gbsg2(features.to_numpy())
    broken = features.copy()
    broken["pnodes"] = -broken["pnodes"]
    with pytest.raises(ValueError, match="negative"):
        survival_cohorts.encode_gbsg2(broken)
    odd = features.astype({"tgrade": str}).copy()
    odd.loc[0, "tgrade"] = "IV"
    with pytest.raises(ValueError, match="grades"):
        survival_cohorts.encode_gbsg2(odd)


def test_survival_split_is_stratified_disjoint_and_scaled_on_train():
    split = survival_cohorts.gbsg2_split(seed=3)
    assert split["x_train"].shape == (514, 8) and split["x_test"].shape == (172, 8)
    assert split["x_train"].dtype == np.float32
    assert not set(split["train_rows"]) & set(split["test_rows"])
    assert len(split["train_rows"]) + len(split["test_rows"]) == 686
    assert abs(split["y_train"]["event"].mean() - split["y_test"]["event"].mean()) < 0.01
    assert np.allclose(split["x_train"].mean(axis=0), 0, atol=1e-5)
    _, target = survival_cohorts.load_cohort("gbsg2")
    assert np.array_equal(split["y_test"], target[split["test_rows"]])
    again = survival_cohorts.gbsg2_split(seed=3)
    assert np.array_equal(split["test_rows"], again["test_rows"]), "the same seed gives the same split"
    assert not np.array_equal(split["test_rows"], survival_cohorts.gbsg2_split(seed=4)["test_rows"])


def test_survival_split_bad_input(gbsg2):
    features, target = gbsg2
    encoded = survival_cohorts.encode_gbsg2(features)
    with pytest.raises(ValueError, match="same length"):
        survival_cohorts.survival_split(encoded.iloc[:10], target)
    with pytest.raises(TypeError, match="numeric"):
        survival_cohorts.survival_split(features, target)
    with pytest.raises(ValueError, match="test_size"):
        survival_cohorts.survival_split(encoded, target, test_size=0.9)
    with pytest.raises(TypeError, match="seed"):
        survival_cohorts.survival_split(encoded, target, seed=1.5)


def test_cross_validation_tests_each_patient_once(gbsg2):
    features, target = gbsg2
    folds = survival_cohorts.cross_validation_splits(survival_cohorts.encode_gbsg2(features), target, 5, seed=0)
    assert len(folds) == 5
    tested = np.concatenate([fold["test_rows"] for fold in folds])
    assert np.array_equal(np.sort(tested), np.arange(686))
    for fold in folds:
        assert abs(fold["y_test"]["event"].mean() - target["event"].mean()) < 0.02
    with pytest.raises(ValueError, match="n_splits"):
        survival_cohorts.cross_validation_splits(survival_cohorts.encode_gbsg2(features), target, 1)

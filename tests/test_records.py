"""Unit tests for helpers.data.records: the cohort, its model inputs, its true risk model, bad input."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from helpers import ROOT
from helpers.data import records


@pytest.fixture(scope="module")
def cohort() -> pd.DataFrame:
    return records.make_cohort(1500, seed=3)


def test_shipped_cohort_file_is_reproduced_byte_for_byte():
    shipped = ROOT / "datasets" / records.DATASET_FILES["ehr_cohort"].filename
    assert records.DATASET_FILES["ehr_cohort"].build() == shipped.read_bytes(), (
        "make_cohort no longer reproduces datasets/ehr_cohort.csv: notebooks 00, 04 and 07 rely on it")


def test_cohort_columns_ranges_and_event_rate(cohort):
    assert list(cohort.columns) == list(records.COLUMNS)
    assert cohort[records.ID_COLUMN].is_unique
    assert cohort["age"].between(30, 90).all() and cohort["glucose"].between(60, 300).all()
    assert set(cohort["sex"]) == {"F", "M"} and set(cohort["smoker"]) == {0, 1}
    assert 0.15 < cohort[records.OUTCOME].mean() < 0.35


def test_features(cohort):
    x, y = records.features(cohort)
    assert x.shape == (len(cohort), 10) and list(x.columns) == list(records.FEATURES)
    assert set(np.unique(y)) == {0, 1} and y.dtype == np.int64
    assert np.array_equal(x["is_male"].to_numpy(), (cohort["sex"] == "M").to_numpy(float))
    gappy = cohort.assign(sex=cohort["sex"].where(cohort.index % 10 != 0))
    assert x.index.equals(pd.RangeIndex(len(cohort)))
    assert records.features(gappy)[0]["is_male"].isna().sum() == (cohort.index % 10 == 0).sum()


def test_true_risk_logit_follows_the_coefficients(cohort):
    logit = records.true_risk_logit(cohort)
    older = cohort.assign(age=cohort["age"] + records.RISK_SCALES["age"][1])
    assert np.allclose(records.true_risk_logit(older) - logit, records.RISK_COEFFICIENTS["age"])


def test_check_cohort_and_features_reject_bad_input(cohort):
    with pytest.raises(TypeError, match="DataFrame"):
        records.check_cohort(cohort.to_numpy())
    with pytest.raises(ValueError, match="lacks the cohort columns"):
        records.features(pd.DataFrame({"age": [1.0] * 30}))
    with pytest.raises(ValueError, match="at least 2000 rows"):
        records.check_cohort(cohort, min_rows=2000)
    with pytest.raises(ValueError, match="risk-factor"):
        records.true_risk_logit(cohort.drop(columns="glucose"))


# --- features and rare outcomes on 3,000 patients -------------------------------------------------

@pytest.fixture(scope="module")
def cohort_3000() -> pd.DataFrame:
    return records.make_cohort(3000, seed=3)


def test_ehr_features_shapes_and_coding(cohort_3000):
    x, y = records.features(cohort_3000)
    assert x.shape == (3000, len(records.FEATURES)) and tuple(x.columns) == records.FEATURES
    assert (x.dtypes == float).all()
    assert y.shape == (3000,) and set(np.unique(y)) <= {0, 1}
    sex = x["is_male"].to_numpy()
    assert set(np.unique(sex)) == {0.0, 1.0}
    assert np.array_equal(sex == 1, cohort_3000["sex"].to_numpy() == "M")


def test_ehr_features_bad_input(cohort_3000):
    with pytest.raises(TypeError, match="DataFrame"):
        records.features(cohort_3000.to_numpy())
    with pytest.raises(ValueError, match="glucose"):
        records.features(cohort_3000.drop(columns=["glucose"]))


def test_rare_outcome_hits_the_prevalence(cohort_3000):
    y = records.rare_outcome(cohort_3000, 0.05, seed=1)
    assert y.shape == (len(cohort_3000),) and y.dtype == np.int64
    assert 0.035 < y.mean() < 0.065
    assert np.array_equal(y, records.rare_outcome(cohort_3000, 0.05, seed=1)), "same seed, same labels"
    # The same risk factors: cases are older on average.
    assert cohort_3000["age"][y == 1].mean() > cohort_3000["age"][y == 0].mean() + 3


@pytest.mark.parametrize("prevalence", [0, 1, 1.5, -0.1])
def test_rare_outcome_rejects_bad_prevalence(cohort_3000, prevalence):
    with pytest.raises(ValueError, match="prevalence"):
        records.rare_outcome(cohort_3000, prevalence)


def test_rare_outcome_rejects_non_numbers(cohort_3000):
    with pytest.raises(TypeError, match="prevalence"):
        records.rare_outcome(cohort_3000, "2%")

"""Unit tests for helpers.data.cohorts (the triage and cost cohorts), and the risk model and balancing weights trained on them."""
from __future__ import annotations

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from helpers import training  # noqa: E402
from helpers.data import cohorts  # noqa: E402


@pytest.fixture(scope="module")
def triage():
    return cohorts.make_triage_cohort(3000, minority_fraction=0.2, seed=1)


@pytest.fixture(scope="module")
def cost():
    return cohorts.make_cost_cohort(3000, seed=1)


# --- generators -----------------------------------------------------------------------------

def test_triage_cohort_columns_ranges_and_determinism(triage):
    assert list(triage.columns) == list(cohorts.TRIAGE_COLUMNS)
    assert set(triage["group"]) == {"A", "B"}
    assert 0.15 < triage["group"].eq("B").mean() < 0.25
    assert triage["acs"].isin([0, 1]).all()
    assert triage["chest_pain"].between(0, 10).all() and triage["atypical_symptoms"].between(0, 10).all()
    assert (triage["troponin"] > 0).all() and triage["age"].between(25, 95).all()
    pd.testing.assert_frame_equal(triage, cohorts.make_triage_cohort(3000, minority_fraction=0.2, seed=1))
    assert not triage.equals(cohorts.make_triage_cohort(3000, minority_fraction=0.2, seed=2))


def test_triage_cohort_same_prevalence_different_presentation(triage):
    rates = triage.groupby("group")["acs"].mean()
    assert abs(rates["A"] - rates["B"]) < 0.06
    signal = cohorts.disease_signal(triage)
    assert signal.loc["chest_pain", "group A"] > 0.8 > signal.loc["chest_pain", "group B"]
    assert signal.loc["atypical_symptoms", "group B"] > 0.8 > signal.loc["atypical_symptoms", "group A"]
    healthy = triage[triage["acs"] == 0].groupby("group")["troponin"].median()
    assert healthy["B"] < 0.7 * healthy["A"], "group B's troponin should start lower"


def test_triage_cohort_minority_only():
    frame = cohorts.make_triage_cohort(50, minority_fraction=1.0, seed=0)
    assert set(frame["group"]) == {"B"}


def test_cost_cohort_equal_need_unequal_cost(cost):
    assert list(cost.columns) == list(cohorts.COST_COLUMNS)
    means = cost.groupby("group")[["future_conditions", "future_cost"]].mean()
    assert abs(means.loc["A", "future_conditions"] - means.loc["B", "future_conditions"]) < 0.3
    assert means.loc["B", "future_cost"] < 0.75 * means.loc["A", "future_cost"]
    no_gap = cohorts.make_cost_cohort(3000, access_gap=0.0, seed=1).groupby("group")["future_cost"].mean()
    assert abs(no_gap["B"] / no_gap["A"] - 1) < 0.1


@pytest.mark.parametrize("kwargs, error", [
    ({"n_patients": 0}, ValueError),
    ({"n_patients": 10.5}, TypeError),
    ({"n_patients": True}, TypeError),
    ({"minority_fraction": 1.5}, ValueError),
    ({"minority_fraction": "0.1"}, TypeError),
])
def test_triage_cohort_bad_input(kwargs, error):
    with pytest.raises(error):
        cohorts.make_triage_cohort(**kwargs)


@pytest.mark.parametrize("kwargs, error", [
    ({"n_patients": -3}, ValueError),
    ({"access_gap": 0.95}, ValueError),
    ({"access_gap": -0.1}, ValueError),
    ({"minority_fraction": None}, TypeError),
])
def test_cost_cohort_bad_input(kwargs, error):
    with pytest.raises(error):
        cohorts.make_cost_cohort(**kwargs)


# --- features, weights, model ------------------------------------------------------------------

def test_feature_matrix_logs_skewed_columns(triage, cost):
    x = cohorts.feature_matrix(triage)
    assert x.shape == (len(triage), len(cohorts.TRIAGE_FEATURES)) and x.dtype == float
    column = cohorts.TRIAGE_FEATURES.index("troponin")
    np.testing.assert_allclose(x[:, column], np.log10(triage["troponin"]))
    assert cohorts.feature_matrix(cost, cohorts.COST_FEATURES).shape == (len(cost), len(cohorts.COST_FEATURES))
    with pytest.raises(ValueError, match="missing the columns"):
        cohorts.feature_matrix(triage.drop(columns="troponin"))
    with pytest.raises(TypeError, match="DataFrame"):
        cohorts.feature_matrix(triage.to_numpy())


def test_balancing_weights_equalise_groups():
    groups = np.array(["A"] * 9 + ["B"])
    weights = training.balancing_weights(groups)
    assert weights.shape == (10,)
    assert weights[groups == "A"].sum() == pytest.approx(weights[groups == "B"].sum())
    assert weights.mean() == pytest.approx(1.0)
    with pytest.raises(ValueError):
        training.balancing_weights([])


def test_train_risk_model_learns_and_validates(triage):
    x, y = cohorts.feature_matrix(triage)[:1200], triage["acs"].to_numpy()[:1200]
    model = training.train_risk_model(x, y, seed=0, epochs=30)
    risk = model.predict_proba(x)[:, 1]
    assert risk.shape == (len(x),) and 0 <= risk.min() and risk.max() <= 1
    from sklearn.metrics import roc_auc_score
    assert roc_auc_score(y, risk) > 0.85
    np.testing.assert_allclose(risk, training.train_risk_model(x, y, seed=0, epochs=30).predict_proba(x)[:, 1])
    with pytest.raises(ValueError, match="shape"):
        training.train_risk_model(x[:, 0], y)
    with pytest.raises(ValueError, match="labels"):
        training.train_risk_model(x, y[:-1])
    with pytest.raises(ValueError, match="both 0 and 1"):
        training.train_risk_model(x, np.zeros(len(x)))
    with pytest.raises(ValueError, match="sample_weight"):
        training.train_risk_model(x, y, sample_weight=-np.ones(len(x)))
    with pytest.raises(ValueError, match="epochs"):
        training.train_risk_model(x, y, epochs=0)


# --- disease signal ----------------------------------------------------------------------------

def test_disease_signal_needs_both_outcomes(triage):
    with pytest.raises(ValueError, match="with and without"):
        cohorts.disease_signal(triage[triage["acs"] == 1])


def test_feature_names_cover_every_feature():
    assert set(cohorts.TRIAGE_FEATURE_NAMES) == set(cohorts.TRIAGE_FEATURES)

"""Unit tests for helpers.fairness: generators, per-group metrics, mitigations' helpers, bad input."""
from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from helpers import plotting, training
from helpers.data import cohorts
from helpers.evaluation import calibration, metrics, subgroups


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


# --- per-group metrics ---------------------------------------------------------------------------

def test_group_metrics_match_hand_computation():
    y = np.array([1, 1, 0, 0, 1, 1, 0, 0])
    risk = np.array([0.9, 0.2, 0.6, 0.1, 0.8, 0.7, 0.1, 0.2])
    groups = np.array(["A"] * 4 + ["B"] * 4)
    frame = subgroups.group_metrics(y, risk, groups, threshold=0.5)
    table = frame.by_group
    assert table.loc["A", "sensitivity"] == pytest.approx(0.5)
    assert table.loc["B", "sensitivity"] == pytest.approx(1.0)
    assert table.loc["A", "false_positive_rate"] == pytest.approx(0.5)
    assert table.loc["A", "ppv"] == pytest.approx(0.5)
    assert table.loc["B", "roc_auc"] == pytest.approx(1.0)
    assert table.loc["A", "calibration_gap"] == pytest.approx(np.mean(risk[:4]) - 0.5)
    assert table.loc["A", "patients"] == 4
    assert frame.difference()["sensitivity"] == pytest.approx(0.5)


def test_decision_and_comparison_tables():
    y = np.array([1, 1, 0, 0, 1, 1, 0, 0])
    groups = np.array(["A"] * 4 + ["B"] * 4)
    flagged = np.array([1, 0, 0, 0, 1, 1, 1, 0])
    table = subgroups.decision_metrics(y, flagged, groups)
    assert list(table.index) == ["A", "B", "overall"]
    assert table.loc["overall", "accuracy"] == pytest.approx(6 / 8)
    comparison = subgroups.compare_decisions(y, {"x": flagged, "all": np.ones(8)}, groups)
    assert comparison.loc["x", "sensitivity_gap"] == pytest.approx(-0.5)
    assert comparison.loc["all", "false_positive_rate_B"] == pytest.approx(1.0)
    with pytest.raises(TypeError):
        subgroups.compare_decisions(y, [flagged], groups)
    with pytest.raises(ValueError, match="groups"):
        subgroups.compare_decisions(y, {"x": flagged}, np.array(["A"] * 8))


def test_calibration_table_and_threshold_curves():
    rng = np.random.default_rng(0)
    risk = rng.random(4000)
    y = (rng.random(4000) < risk).astype(int)  # perfectly calibrated by construction
    groups = np.where(rng.random(4000) < 0.5, "A", "B")
    table = calibration.calibration_table(y, risk, groups, n_bins=5)
    assert set(table["group"]) == {"A", "B"} and table["patients"].sum() == 4000
    assert (table["mean_risk"] - table["observed_rate"]).abs().max() < 0.08
    curves = subgroups.threshold_curves(y, risk, groups, [0.0, 0.5, 1.0])
    assert len(curves) == 6
    at_zero = curves[curves["threshold"] == 0.0]
    assert (at_zero["sensitivity"] == 1).all() and (at_zero["false_positive_rate"] == 1).all()
    with pytest.raises(ValueError):
        subgroups.threshold_curves(y, risk, groups, [1.5])


@pytest.mark.parametrize("y, risk, groups", [
    (np.array([0, 1, 2]), np.array([0.1, 0.2, 0.3]), np.array(["A", "B", "A"])),   # label 2
    (np.array([0, 1, 1]), np.array([0.1, 1.2, 0.3]), np.array(["A", "B", "A"])),   # risk > 1
    (np.array([0, 1, 1]), np.array([0.1, np.nan, 0.3]), np.array(["A", "B", "A"])),  # NaN risk
    (np.array([0, 1, 1]), np.array([0.1, 0.2]), np.array(["A", "B", "A"])),        # short risk
    (np.array([]), np.array([]), np.array([])),                                    # empty
])
def test_group_metrics_bad_input(y, risk, groups):
    with pytest.raises(ValueError):
        subgroups.group_metrics(y, risk, groups)


def test_group_metrics_bad_threshold():
    with pytest.raises(ValueError):
        subgroups.group_metrics(np.array([0, 1]), np.array([0.2, 0.8]), np.array(["A", "B"]), threshold=2)


# --- programme, intervals, disease signal ------------------------------------------------------

def test_top_fraction_and_programme_table():
    chosen = subgroups.top_fraction(np.array([0.1, 0.9, 0.5, 0.7, 0.2]), 0.4)
    np.testing.assert_array_equal(chosen, [0, 1, 0, 1, 0])
    with pytest.raises(ValueError):
        subgroups.top_fraction(np.array([[0.1, 0.2]]))
    enrolled = np.array([1, 1, 0, 0, 1, 0])
    high_need = np.array([1, 0, 1, 0, 1, 1])
    need = np.array([5, 1, 6, 0, 7, 8])
    groups = np.array(["A", "A", "A", "B", "B", "B"])
    table = subgroups.programme_table(enrolled, high_need, need, groups)
    assert table.loc["A", "share_of_enrolled"] == pytest.approx(2 / 3)
    assert table.loc["B", "share_of_high_need"] == pytest.approx(0.5)
    assert table.loc["B", "high_need_reached"] == pytest.approx(0.5)
    assert table.loc["A", "need_of_enrolled"] == pytest.approx(3.0)
    with pytest.raises(ValueError):
        subgroups.programme_table(enrolled, high_need * 2, need, groups)
    with pytest.raises(ValueError):
        subgroups.programme_table(np.zeros(6), high_need, need, groups)


def test_need_by_score_bin_shape():
    rng = np.random.default_rng(0)
    table = subgroups.need_by_score_bin(rng.random(1000), rng.random(1000), np.where(rng.random(1000) < 0.5, "A", "B"), 4)
    assert set(table["score_percentile"]) == {12.5, 37.5, 62.5, 87.5}
    assert table["patients"].sum() == 1000
    with pytest.raises(ValueError):
        subgroups.need_by_score_bin(np.ones(3), np.ones(2), np.array(["A"] * 3))


def test_sensitivity_interval_narrows_with_more_cases():
    small = metrics.sensitivity_interval(np.ones(10), np.r_[np.ones(7), np.zeros(3)])
    large = metrics.sensitivity_interval(np.ones(1000), np.r_[np.ones(700), np.zeros(300)])
    assert small[0] == pytest.approx(0.7) and large[0] == pytest.approx(0.7)
    assert small[1] <= 0.7 <= small[2] and (small[2] - small[1]) > 3 * (large[2] - large[1])
    all_caught = metrics.sensitivity_interval(np.ones(5), np.ones(5))
    assert all_caught[0] == 1.0 and all_caught[1] < 0.7 and all_caught[2] == 1.0
    with pytest.raises(ValueError, match="no positive"):
        metrics.sensitivity_interval(np.zeros(5), np.ones(5))
    with pytest.raises(ValueError):
        metrics.sensitivity_interval(np.ones(5), np.ones(4))


def test_disease_signal_needs_both_outcomes(triage):
    with pytest.raises(ValueError, match="with and without"):
        cohorts.disease_signal(triage[triage["acs"] == 1])


def test_figures_draw(triage):
    y, groups = triage["acs"].to_numpy(), triage["group"].to_numpy()
    risk = np.clip(0.3 + 0.4 * (y - 0.3), 0, 1)
    fig, (ax1, ax2) = plt.subplots(1, 2)
    table = subgroups.group_metrics(y, risk, groups).by_group
    plotting.plot_metrics_by_group(table, ["sensitivity", "roc_auc"], ax1, "title")
    plotting.plot_calibration(calibration.calibration_table(y, risk, groups), ax2, "title")
    assert ax1.get_title() == "title" and ax2.get_xlabel().startswith("predicted risk")
    with pytest.raises(ValueError):
        plotting.plot_metrics_by_group(table, ["no_such_metric"], ax1, "title")
    plt.close(fig)


def test_expected_calibration_error_and_uniform_bins():
    rng = np.random.default_rng(1)
    risk = rng.random(5000)
    y = (rng.random(5000) < risk).astype(int)
    groups = np.where(rng.random(5000) < 0.5, "A", "B")
    ece = calibration.expected_calibration_error(y, risk, groups)
    assert set(ece.index) == {"A", "B"} and (ece < 0.04).all()
    shifted = calibration.expected_calibration_error(y, np.clip(risk * 0.5, 0, 1), groups)
    assert (shifted > 0.2).all(), "halving every risk is badly calibrated"
    uniform = calibration.calibration_table(y, risk, groups, n_bins=10, strategy="uniform")
    assert len(uniform) == 20
    with pytest.raises(ValueError, match="strategy"):
        calibration.calibration_table(y, risk, groups, strategy="kmeans")
    with pytest.raises(TypeError):
        calibration.calibration_table(y, risk, groups, n_bins=2.5)

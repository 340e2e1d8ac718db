"""Unit tests for helpers.evaluation.subgroups (per-group metrics, decisions, programme tables), its figures, and the lesson cell of notebook 06 that builds the same MetricFrame."""
from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from helpers import plotting  # noqa: E402
from helpers.data import cohorts  # noqa: E402
from helpers.evaluation import metrics, subgroups  # noqa: E402


@pytest.fixture(scope="module")
def triage():
    return cohorts.make_triage_cohort(3000, minority_fraction=0.2, seed=1)


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


def test_threshold_curves():
    rng = np.random.default_rng(0)
    risk = rng.random(4000)
    y = (rng.random(4000) < risk).astype(int)
    groups = np.where(rng.random(4000) < 0.5, "A", "B")
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




# --- figures ---------------------------------------------------------------------------------------

def test_plot_metrics_by_group_one_panel_per_metric(triage):
    y, groups = triage["acs"].to_numpy(), triage["group"].to_numpy()
    risk = np.clip(0.3 + 0.4 * (y - 0.3), 0, 1)
    table = subgroups.group_metrics(y, risk, groups).by_group
    fig, axes = plt.subplots(1, 2)
    plotting.plot_metrics_by_group(table, ["sensitivity", "roc_auc"], axes, "title")
    assert fig.get_suptitle() == "title"
    assert [ax.get_ylabel() for ax in axes] == ["sensitivity (0-1)", "ROC-AUC (0-1)"], "one quantity per axis"
    assert [ax.get_title() for ax in axes] == ["sensitivity", "ROC-AUC"], "metric names as a reader writes them"
    assert {patch.get_hatch() or "" for patch in axes[0].patches} == {"", "//"}, "groups differ in hatch too"
    with pytest.raises(ValueError, match="missing"):
        plotting.plot_metrics_by_group(table, ["no_such_metric"], axes[0], "title")
    with pytest.raises(ValueError, match="one Axes per metric"):
        plotting.plot_metrics_by_group(table, ["sensitivity", "roc_auc"], axes[0], "title")
    plt.close(fig)


def test_plot_strategy_comparison_draws_three_panels():
    y = np.array([1, 1, 0, 0, 1, 1, 0, 0])
    groups = np.array(["A"] * 4 + ["B"] * 4)
    comparison = subgroups.compare_decisions(y, {"x": np.array([1, 0, 0, 0, 1, 1, 1, 0]), "all": np.ones(8)}, groups)
    fig, axes = plt.subplots(1, 3, sharey=True)
    plotting.plot_strategy_comparison(comparison, axes, ["a", "b", "c"])
    assert [ax.get_title() for ax in axes] == ["a", "b", "c"]
    assert [t.get_text() for t in axes[0].get_yticklabels()] == ["all", "x"]
    assert not any(ax.patches for ax in axes), "dots, not bars: the axes do not start at 0"
    for ax, columns in zip(axes, [["sensitivity_A", "sensitivity_B"],
                                  ["false_positive_rate_A", "false_positive_rate_B"], ["accuracy"]]):
        values, (low, high) = comparison[columns].to_numpy(), ax.get_xlim()
        assert "zoomed" in ax.get_xlabel(), "a zoomed axis says so"
        assert low < values.min() and values.max() < high < values.max() + (values.max() - values.min()), (
            "each axis spans its own data, with room for the value labels")
    assert "false-positive rate" in axes[1].get_xlabel()
    with pytest.raises(ValueError):
        plotting.plot_strategy_comparison(comparison, axes[:2], ["a", "b"])
    plt.close(fig)


# --- the notebook's lesson cell builds the same MetricFrame as group_metrics ---------------------

def _lesson_cell_source() -> str:
    from tests.lesson_cells import lesson_source

    return lesson_source("06_bias_and_fairness.ipynb", "MetricFrame")


@pytest.mark.parametrize("threshold", [cohorts.TRIAGE_THRESHOLD, 0.5])
def test_lesson_metric_frame_matches_group_metrics(triage, threshold):
    from sklearn.metrics import roc_auc_score

    rng = np.random.default_rng(3)
    y, groups = triage["acs"].to_numpy(), triage["group"].to_numpy()
    risk = np.clip(0.25 + 0.35 * y - 0.1 * (groups == "B") + rng.normal(0, 0.15, len(y)), 0, 1)
    namespace = {"np": np, "pd": pd, "metrics": metrics, "roc_auc_score": roc_auc_score, "print": lambda *a, **k: None,
                 "THRESHOLD": threshold, "y_test": y, "risk_naive": risk, "group_test": groups}
    exec(compile(_lesson_cell_source(), "notebook-06-lesson-cell", "exec"), namespace)
    lesson = namespace["frame_naive"]
    helper = subgroups.group_metrics(y, risk, groups, threshold=threshold)
    pd.testing.assert_frame_equal(lesson.by_group.astype(float), helper.by_group.astype(float))
    pd.testing.assert_series_equal(lesson.overall.astype(float), helper.overall.astype(float))
    pd.testing.assert_series_equal(lesson.difference().astype(float), helper.difference().astype(float))

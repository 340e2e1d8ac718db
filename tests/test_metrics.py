"""Unit tests for helpers.evaluation.metrics: operating points, thresholds, bootstrap intervals; fast, including bad input."""
from __future__ import annotations

import numpy as np
import pytest
from sklearn.metrics import average_precision_score, roc_auc_score

from helpers.evaluation import metrics
from tests.lesson_cells import lesson_namespace

NOTEBOOK = "04_data_volume.ipynb"


def _scored(n: int = 600, prevalence: float = 0.1, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    y = (rng.random(n) < prevalence).astype(int)
    y[:2] = (1, 0)
    return y, np.clip(rng.normal(0.3 + 0.3 * y, 0.15), 0, 1)


# --- operating points -----------------------------------------------------------------------------

def test_operating_point_counts():
    y = np.array([1, 1, 0, 0, 0, 0, 0, 0, 0, 0])
    s = np.array([0.9, 0.2, 0.8, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1])
    point = metrics.operating_point(y, s, 0.5)
    assert point["sensitivity"] == 0.5 and point["precision"] == 0.5
    assert point["specificity"] == pytest.approx(7 / 8) and point["accuracy"] == pytest.approx(0.8)
    assert point["flagged"] == 200 and point["cases_missed"] == 100 and point["false_alarms"] == 100
    assert np.isnan(metrics.operating_point(y, s, 0.95)["precision"]), "nobody flagged: precision undefined"


def test_operating_point_bad_input():
    y = np.array([1, 0, 0])
    with pytest.raises(ValueError, match="shape"):
        metrics.operating_point(y, np.zeros(4), 0.5)
    with pytest.raises(ValueError, match="both classes"):
        metrics.operating_point(np.zeros(3, int), np.zeros(3), 0.5)
    with pytest.raises(TypeError, match="threshold"):
        metrics.operating_point(y, np.zeros(3), "0.5")


def test_notebook_operating_point_agrees_with_the_helper():
    lesson = lesson_namespace(NOTEBOOK, "an operating point", {"np": np})["operating_point"]
    y, s = _scored()
    for threshold in (0.0, 0.2, 0.45, 0.6, 0.99):
        mine, helper = lesson(y, s, threshold), metrics.operating_point(y, s, threshold)
        assert mine.keys() == helper.keys()
        for key in helper:
            assert np.isclose(mine[key], helper[key], equal_nan=True), (threshold, key, mine[key], helper[key])


def test_threshold_for_sensitivity():
    y = np.array([1, 1, 1, 1, 0, 0])
    s = np.array([0.9, 0.7, 0.4, 0.2, 0.5, 0.1])
    assert metrics.threshold_for_sensitivity(y, s, 0.5) == 0.7
    assert metrics.threshold_for_sensitivity(y, s, 0.75) == 0.4
    assert metrics.threshold_for_sensitivity(y, s, 1.0) == 0.2
    assert metrics.threshold_for_sensitivity(y, s, 0.01) == 0.9
    with pytest.raises(ValueError, match="no positive"):
        metrics.threshold_for_sensitivity(np.zeros(3, int), np.zeros(3), 0.5)
    with pytest.raises(ValueError, match="target"):
        metrics.threshold_for_sensitivity(y, s, 1.5)
    with pytest.raises(ValueError, match="shape"):
        metrics.threshold_for_sensitivity(y, s[:3], 0.5)


# --- bootstrap intervals --------------------------------------------------------------------------

def test_bootstrap_interval_brackets_the_estimate_and_narrows_with_more_patients():
    y, s = _scored(2000)
    estimate, low, high = metrics.bootstrap_interval(y, s, n_resamples=300, seed=1)
    assert estimate == pytest.approx(roc_auc_score(y, s)) and low < estimate < high
    _, small_low, small_high = metrics.bootstrap_interval(y[:200], s[:200], n_resamples=300, seed=1)
    assert small_high - small_low > 2 * (high - low), "10 times fewer patients: about 3 times wider"
    again = metrics.bootstrap_interval(y, s, n_resamples=300, seed=1)
    assert again == (estimate, low, high), "same seed, same interval"
    ap = metrics.bootstrap_interval(y, s, average_precision_score, n_resamples=50, level=0.5)
    assert ap[0] == pytest.approx(average_precision_score(y, s)) and ap[1] < ap[2]


def test_bootstrap_interval_agrees_with_the_wilson_interval_for_a_sensitivity():
    y, s = _scored(4000, prevalence=0.05)
    flagged = (s >= 0.5).astype(int)
    statistic = lambda labels, decisions: metrics.sensitivity(labels, decisions)  # noqa: E731
    _, low, high = metrics.bootstrap_interval(y, flagged, statistic, n_resamples=1000, seed=2)
    _, wilson_low, wilson_high = metrics.sensitivity_interval(y, flagged)
    assert abs(low - wilson_low) < 0.02 and abs(high - wilson_high) < 0.02


def test_notebook_bootstrap_agrees_with_the_helper():
    lesson = lesson_namespace(NOTEBOOK, "a bootstrap interval", {"np": np})["bootstrap_interval"]
    y, s = _scored(300, prevalence=0.05)  # few cases: some resamples lack a class and are skipped
    for seed in (0, 7):
        mine = lesson(y, s, roc_auc_score, n_resamples=200, level=0.9, seed=seed)
        helper = metrics.bootstrap_interval(y, s, roc_auc_score, n_resamples=200, level=0.9, seed=seed)
        assert np.allclose(mine, helper, rtol=0, atol=1e-12), (mine, helper)


def test_bootstrap_interval_bad_input():
    y, s = _scored(100)
    with pytest.raises(ValueError, match="shape"):
        metrics.bootstrap_interval(y, s[:-1])
    with pytest.raises(ValueError, match="both classes"):
        metrics.bootstrap_interval(np.zeros(10, int), np.zeros(10))
    with pytest.raises(ValueError, match="0 and 1"):
        metrics.bootstrap_interval(np.full(10, 2), np.zeros(10))
    with pytest.raises(TypeError, match="statistic"):
        metrics.bootstrap_interval(y, s, statistic="auc")
    with pytest.raises(ValueError, match="n_resamples"):
        metrics.bootstrap_interval(y, s, n_resamples=5)
    with pytest.raises(ValueError, match="level"):
        metrics.bootstrap_interval(y, s, level=1.0)
    with pytest.raises(TypeError, match="seed"):
        metrics.bootstrap_interval(y, s, seed=0.5)

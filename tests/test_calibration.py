"""Unit tests for helpers.evaluation.calibration (reliability tables, expected calibration error) and its figure."""
from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from helpers import plotting  # noqa: E402
from helpers.evaluation import calibration  # noqa: E402


def test_calibration_table_of_a_calibrated_model():
    rng = np.random.default_rng(0)
    risk = rng.random(4000)
    y = (rng.random(4000) < risk).astype(int)  # perfectly calibrated by construction
    groups = np.where(rng.random(4000) < 0.5, "A", "B")
    table = calibration.calibration_table(y, risk, groups, n_bins=5)
    assert set(table["group"]) == {"A", "B"} and table["patients"].sum() == 4000
    assert (table["mean_risk"] - table["observed_rate"]).abs().max() < 0.08
    with pytest.raises(ValueError):
        calibration.calibration_table(y, risk * 2, groups)


def test_plot_calibration_draws_and_checks_columns():
    rng = np.random.default_rng(2)
    risk = rng.random(500)
    y = (rng.random(500) < risk).astype(int)
    groups = np.where(rng.random(500) < 0.5, "A", "B")
    fig, ax = plt.subplots()
    plotting.plot_calibration(calibration.calibration_table(y, risk, groups), ax, "title")
    assert ax.get_title() == "title" and ax.get_xlabel().startswith("predicted risk")
    markers = {line.get_marker() for line in ax.get_lines()[1:]}
    assert len(markers) == 2, "the two groups should differ in marker, not only in colour"
    assert [text.get_text() for text in ax.get_legend().get_texts()] == ["perfect calibration", "group A", "group B"]
    with pytest.raises(ValueError):
        plotting.plot_calibration(pd.DataFrame({"group": ["A"]}), ax, "title")
    plt.close(fig)


def test_plot_calibration_labels_series_as_asked():
    rng = np.random.default_rng(3)
    risk = rng.random(600)
    y = (rng.random(600) < risk).astype(int)
    names = np.repeat(["model 1", "model 2", "hospital B"], 200)
    fig, ax = plt.subplots()
    plotting.plot_calibration(calibration.calibration_table(y, risk, names), ax, "t", series="{}", legend_loc="upper left")
    legend = ax.get_legend()
    assert [text.get_text() for text in legend.get_texts()] == ["perfect calibration", "hospital B", "model 1", "model 2"]
    assert legend._loc == 2, "upper left"
    with pytest.raises(ValueError, match="containing '{}'"):
        plotting.plot_calibration(calibration.calibration_table(y, risk, names), ax, "t", series="model")
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

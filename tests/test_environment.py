"""helpers.setup / check_environment, and the small data generators of the foundation."""
from __future__ import annotations

import random

import numpy as np
import pandas as pd
import pytest

from helpers import environment, plotting, training
from helpers.data import clinical_notes, records


def test_seed_resolution(monkeypatch):
    monkeypatch.delenv("DL4H_SEED", raising=False)
    assert environment.resolve_seed() == 42
    monkeypatch.setenv("DL4H_SEED", "7")
    assert environment.resolve_seed() == 7
    assert environment.resolve_seed(3) == 3
    monkeypatch.setenv("DL4H_SEED", "seven")
    with pytest.raises(ValueError, match="DL4H_SEED must be a whole number"):
        environment.resolve_seed()
    with pytest.raises(TypeError, match="seed must be an int"):
        environment.resolve_seed(1.5)
    with pytest.raises(ValueError, match="between 0 and"):
        environment.resolve_seed(-1)


def test_setup_seeds_everything_from_one_seed(capsys):
    import keras

    assert environment.setup(5) == 5
    first = (random.random(), np.random.rand(), float(keras.random.uniform(())))
    environment.setup(5)
    second = (random.random(), np.random.rand(), float(keras.random.uniform(())))
    assert first == second
    printed = capsys.readouterr().out
    assert "Seed 5" in printed and "tensorflow" in printed and "Compute:" in printed


def test_check_environment_reports_ok_here():
    checks = environment.check_environment()
    problems = [c for c in checks if c.status == "problem"]
    assert not problems, problems
    assert {"Python", "tensorflow", "keras"} <= {c.item for c in checks}


def test_check_environment_names_a_missing_package():
    checks = environment.check_environment(packages=("surely-not-installed-pkg",))
    missing = [c for c in checks if c.item == "surely-not-installed-pkg"]
    assert missing[0].status == "problem" and "pip install -r requirements.txt" in missing[0].detail


def test_cohort_is_deterministic_and_plausible():
    a, b = records.make_cohort(300, seed=1), records.make_cohort(300, seed=1)
    pd.testing.assert_frame_equal(a, b)
    assert list(a.columns) == list(records.COLUMNS)
    assert a["age"].between(30, 90).all() and a["temperature"].between(35.5, 38.5).all()
    assert 0.15 < a["cardiac_event_5y"].mean() < 0.4
    assert not records.make_cohort(300, seed=2).equals(a)


def test_cohort_outcome_follows_the_true_risk_model():
    cohort = records.make_cohort(4000, seed=0)
    logit = records.true_risk_logit(cohort)
    high, low = cohort["cardiac_event_5y"][logit > 0].mean(), cohort["cardiac_event_5y"][logit < -2].mean()
    assert high > 0.5 > 0.15 > low


def test_cohort_bad_input():
    with pytest.raises(ValueError, match="n_patients must be at least 1"):
        records.make_cohort(0)
    with pytest.raises(TypeError, match="n_patients must be an int"):
        records.make_cohort(10.5)
    with pytest.raises(ValueError, match="missing the risk-factor columns"):
        records.true_risk_logit(pd.DataFrame({"age": [50]}))


def test_notes_have_labels_and_negations():
    notes = clinical_notes.make_notes(200, seed=0)
    assert set(notes["pneumonia"]) == {0, 1}
    assert notes["text"].str.contains("Denies|No |Negative for", regex=True).mean() > 0.5
    with pytest.raises(ValueError, match="n_notes must be a positive int"):
        clinical_notes.make_notes(0)


def test_plot_helpers_validate_shapes():
    import matplotlib.pyplot as plt

    figure, ax = plt.subplots()
    plotting.show_image(ax, np.zeros((4, 4, 1)))
    with pytest.raises(ValueError, match="image must have shape"):
        plotting.show_image(ax, np.zeros(4))
    plt.close(figure)


def test_fit_validates_and_summarises(capsys):
    import keras

    environment.setup(0, verbose=False)
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer="adam", loss="binary_crossentropy")
    x, y = np.random.default_rng(0).normal(size=(32, 2)), np.arange(32) % 2
    history = training.fit(model, x, y, epochs=2, label="tiny")
    assert "tiny: 2 epochs" in capsys.readouterr().out and history.seconds > 0
    with pytest.raises(ValueError, match="epochs must be a positive int"):
        training.fit(model, x, y, epochs=0)
    with pytest.raises(ValueError, match="same number of examples"):
        training.fit(model, x, y[:5], epochs=1)

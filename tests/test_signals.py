"""Unit tests for helpers.signals: shapes, units, determinism, rhythm physiology, bad input."""
from __future__ import annotations

import numpy as np
import pytest

from helpers.data import signals
from helpers.data.signals import (
    RHYTHM_CLASSES,
    make_ecg_windows,
    make_long_memory_task,
    rr_intervals_s,
)


@pytest.fixture(scope="module")
def windows():
    return make_ecg_windows(300, seed=3)


def test_shapes_dtypes_and_keys(windows):
    n, fs, seconds = 300, 50, 3.0
    assert windows["signals"].shape == (n, int(seconds * fs), 1)
    assert windows["signals"].dtype == np.float32
    assert windows["labels"].shape == (n,) and windows["labels"].dtype == np.int64
    assert windows["time_s"].shape == (150,) and windows["time_s"].dtype == np.float32
    assert windows["abnormal_index"].shape == (n,) and windows["abnormal_index"].dtype == np.int64
    np.testing.assert_allclose(np.diff(windows["time_s"]), 1 / fs, rtol=1e-4)
    assert np.isfinite(windows["signals"]).all()


def test_classes_are_balanced_and_named(windows):
    assert RHYTHM_CLASSES == ("normal sinus", "ectopic beats", "AF-like irregular")
    assert np.bincount(windows["labels"], minlength=3).tolist() == [100, 100, 100]


def test_amplitudes_are_millivolt_scale(windows):
    peak_to_peak = np.ptp(windows["signals"][..., 0], axis=1)
    assert 0.5 < np.median(peak_to_peak) < 4.0, "an ECG lead spans roughly 1-3 mV peak to peak"


def test_deterministic_given_seed():
    a, b = make_ecg_windows(20, seed=7), make_ecg_windows(20, seed=7)
    for key in a:
        np.testing.assert_array_equal(a[key], b[key])
    c = make_ecg_windows(20, seed=8)
    assert not np.array_equal(a["signals"], c["signals"])


def test_abnormal_index_marks_the_ectopic_beat(windows):
    labels, index = windows["labels"], windows["abnormal_index"]
    assert (index[labels != signals.ECTOPIC] == -1).all()
    ectopic = index[labels == signals.ECTOPIC]
    assert (ectopic >= int(0.2 * 150) - 1).all() and (ectopic <= int(0.8 * 150) + 1).all()
    # At the marked sample the clean signal shows the wide ventricular complex (big |amplitude|).
    clean = make_ecg_windows(300, seed=3, noise_mv=0.0, wander_mv=0.0)
    rows = np.flatnonzero(clean["labels"] == signals.ECTOPIC)
    values = np.abs(clean["signals"][rows, clean["abnormal_index"][rows], 0])
    assert np.median(values) > 1.0


def test_af_windows_are_irregular_and_sinus_windows_regular():
    data = make_ecg_windows(60, seconds=20.0, sampling_rate=250, seed=1, noise_mv=0.0, wander_mv=0.0)
    cv = {}
    for label in (signals.NORMAL, signals.AF_LIKE):
        values = []
        for row in np.flatnonzero(data["labels"] == label):
            x = data["signals"][row, :, 0]
            peaks = np.flatnonzero((x[1:-1] > 0.6) & (x[1:-1] >= x[:-2]) & (x[1:-1] > x[2:])) + 1
            rr = rr_intervals_s(peaks, 250)
            values.append(rr.std() / rr.mean())
        cv[label] = np.median(values)
    assert cv[signals.NORMAL] < 0.06 < 0.15 < cv[signals.AF_LIKE], cv


def test_heart_rate_options_are_respected():
    data = make_ecg_windows(60, seed=0, heart_rate_bpm=(120.0, 140.0))
    sinus = data["labels"] != signals.AF_LIKE
    assert (data["heart_rate_bpm"][sinus] >= 120).all() and (data["heart_rate_bpm"][sinus] <= 140).all()


def test_other_sampling_rates_and_lengths():
    data = make_ecg_windows(6, seconds=2.0, sampling_rate=100, seed=0)
    assert data["signals"].shape == (6, 200, 1)


@pytest.mark.parametrize("kwargs, error", [
    ({"n_windows": 0}, ValueError),
    ({"n_windows": 2.5}, TypeError),
    ({"n_windows": True}, TypeError),
    ({"n_windows": 3, "seconds": 0.2}, ValueError),
    ({"n_windows": 3, "seconds": "3"}, TypeError),
    ({"n_windows": 3, "sampling_rate": 5}, ValueError),
    ({"n_windows": 3, "sampling_rate": 50.0}, TypeError),
    ({"n_windows": 3, "noise_mv": -0.1}, ValueError),
    ({"n_windows": 3, "heart_rate_bpm": (100.0, 60.0)}, ValueError),
    ({"n_windows": 3, "heart_rate_bpm": 70}, TypeError),
])
def test_bad_input_is_rejected(kwargs, error):
    with pytest.raises(error):
        make_ecg_windows(**kwargs)


def test_long_memory_task_shapes_and_label_rule():
    x, y = make_long_memory_task(200, 40, seed=0)
    assert x.shape == (200, 40, 1) and x.dtype == np.float32
    assert y.shape == (200,) and set(np.unique(y)) == {0, 1} and y.sum() == 100
    # The label is decided by the first five steps only.
    event = x[:, :5, 0].mean(axis=1)
    assert ((event > 0) == (y == 1)).mean() > 0.95
    later = x[:, 5:, 0].mean(axis=1)
    assert abs(np.corrcoef(later, y)[0, 1]) < 0.2
    x2, y2 = make_long_memory_task(200, 40, seed=0)
    np.testing.assert_array_equal(x, x2)
    np.testing.assert_array_equal(y, y2)


@pytest.mark.parametrize("args, kwargs, error", [
    ((1, 10), {}, ValueError),
    ((10, 5), {}, ValueError),
    ((10, 10.0), {}, TypeError),
    ((10, 10), {"noise": -1.0}, ValueError),
    ((10, 10), {"event_steps": 0}, ValueError),
])
def test_long_memory_task_bad_input(args, kwargs, error):
    with pytest.raises(error):
        make_long_memory_task(*args, **kwargs)


def test_rr_intervals():
    np.testing.assert_allclose(rr_intervals_s(np.array([10, 50, 90]), 50), [0.8, 0.8])
    with pytest.raises(ValueError):
        rr_intervals_s(np.array([10]), 50)
    with pytest.raises(ValueError):
        rr_intervals_s(np.array([10, 5]), 50)

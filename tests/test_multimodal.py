"""Unit tests for helpers.data.multimodal: consistent modalities, the causes' effects, case mix, missingness, bad input."""
from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from helpers.data import multimodal, records, signals
from helpers.data.multimodal import HOSPITAL_A, HOSPITAL_B, CaseMix, deterioration_logit, make_patients


@pytest.fixture(scope="module")
def patients():
    return make_patients(1500, seed=4)


def test_shapes_types_and_keys(patients):
    n = 1500
    assert len(patients["records"]) == n and patients["records"]["patient_id"].is_unique
    assert patients["ecg"].shape == (n, 150, 1) and patients["ecg"].dtype == np.float32
    assert patients["notes"].shape == (n,)
    for key in ("rhythm", "pneumonia", "deteriorated"):
        assert patients[key].shape == (n,) and patients[key].dtype == np.int64
    assert patients["ecg_present"].dtype == bool and patients["note_present"].dtype == bool
    assert ((patients["true_risk"] > 0) & (patients["true_risk"] < 1)).all()
    assert patients["hospital"] == "A"


def test_same_seed_same_patients_and_another_seed_others():
    first, again, other = make_patients(60, seed=1), make_patients(60, seed=1), make_patients(60, seed=2)
    np.testing.assert_array_equal(np.nan_to_num(first["ecg"]), np.nan_to_num(again["ecg"]))
    assert list(first["notes"]) == list(again["notes"])
    assert first["records"].equals(again["records"])
    assert list(first["notes"]) != list(other["notes"])


def test_missing_modalities_are_blank_and_at_the_stated_rates(patients):
    ecg_present, note_present = patients["ecg_present"], patients["note_present"]
    assert np.isnan(patients["ecg"][~ecg_present]).all() and np.isfinite(patients["ecg"][ecg_present]).all()
    assert all(text == "" for text in patients["notes"][~note_present])
    assert all(text for text in patients["notes"][note_present])
    assert abs((~ecg_present).mean() - HOSPITAL_A.ecg_missing) < 0.04
    assert abs((~note_present).mean() - HOSPITAL_A.note_missing) < 0.04


def test_the_note_agrees_with_the_record_and_the_hidden_infection(patients):
    frame, notes = patients["records"], patients["notes"]
    for i in np.flatnonzero(patients["note_present"])[:200]:
        sex = "female" if frame["sex"][i] == "F" else "male"
        assert notes[i].startswith(f"{frame['age'][i]} y/o {sex} "), notes[i][:40]
        assert ("Likely community-acquired pneumonia" in notes[i]) == bool(patients["pneumonia"][i])


def test_each_patient_gets_a_window_of_the_patients_rhythm(monkeypatch):
    """The windows come from signals.make_ecg_windows, picked by class: mark each pool window with its class."""
    real = signals.make_ecg_windows

    def marked(n_windows, **options):
        pool = real(n_windows, **options)
        pool["signals"] = np.broadcast_to(pool["labels"][:, None, None], pool["signals"].shape).astype(np.float32)
        return pool

    monkeypatch.setattr(signals, "make_ecg_windows", marked)
    patients = make_patients(400, case_mix=HOSPITAL_B, seed=8)
    present = patients["ecg_present"]
    np.testing.assert_array_equal(patients["ecg"][present, 0, 0], patients["rhythm"][present])


def test_each_cause_raises_the_outcome_rate():
    big = make_patients(4000, seed=9)
    y = big["deteriorated"]
    assert y[big["pneumonia"] == 1].mean() - y[big["pneumonia"] == 0].mean() > 0.15
    assert y[big["rhythm"] == signals.AF_LIKE].mean() - y[big["rhythm"] == signals.NORMAL].mean() > 0.15
    old = big["records"]["age"].to_numpy() >= 70
    assert y[old].mean() - y[~old].mean() > 0.05
    assert abs(y.mean() - big["true_risk"].mean()) < 0.025


def test_deterioration_logit_is_the_documented_sum():
    risk = np.array([records.RISK_INTERCEPT, records.RISK_INTERCEPT + 1.0, records.RISK_INTERCEPT])
    logit = deterioration_logit(risk, np.array([0, 2, 1]), np.array([0, 1, 0]), baseline_log_odds=0.5)
    weights = multimodal.CAUSE_LOG_ODDS
    expected = multimodal.OUTCOME_INTERCEPT + 0.5 + np.array([
        0.0, weights["record_risk"] + weights["af_like_rhythm"] + weights["pneumonia"], weights["ectopic_beats"]])
    np.testing.assert_allclose(logit, expected)
    with pytest.raises(ValueError, match="rhythm"):
        deterioration_logit(risk, np.array([0, 3, 1]), np.array([0, 1, 0]))
    with pytest.raises(ValueError, match="pneumonia"):
        deterioration_logit(risk, np.array([0, 2, 1]), np.array([0, 2, 0]))
    with pytest.raises(ValueError, match="same length"):
        deterioration_logit(risk, np.array([0, 2]), np.array([0, 1, 0]))


def test_the_second_hospital_has_another_case_mix():
    a, b = make_patients(2000, seed=5), make_patients(2000, case_mix=HOSPITAL_B, seed=5)
    assert b["hospital"] == "B"
    assert b["records"]["age"].mean() - a["records"]["age"].mean() > 3
    assert b["pneumonia"].mean() - a["pneumonia"].mean() > 0.05
    assert (b["rhythm"] == signals.AF_LIKE).mean() - (a["rhythm"] == signals.AF_LIKE).mean() > 0.05
    assert b["deteriorated"].mean() - a["deteriorated"].mean() > 0.1
    same_findings = dataclasses.replace(HOSPITAL_B, baseline_log_odds=0.0)
    control = make_patients(2000, case_mix=same_findings, seed=5)
    assert b["true_risk"].mean() > control["true_risk"].mean() + 0.05, "the baseline shift adds unrecorded risk"


def test_rhythm_shares_are_followed():
    mix = dataclasses.replace(HOSPITAL_A, rhythm_shares=(0.8, 0.1, 0.1))
    rhythm = make_patients(2000, case_mix=mix, seed=3)["rhythm"]
    assert abs((rhythm == signals.NORMAL).mean() - 0.8) < 0.04


@pytest.mark.parametrize("changes, error", [
    ({"rhythm_shares": (0.5, 0.5, 0.5)}, ValueError),
    ({"rhythm_shares": (0.5, 0.5)}, TypeError),
    ({"pneumonia_rate": 1.5}, ValueError),
    ({"ecg_missing": 0.95}, ValueError),
    ({"age_tilt": "old"}, TypeError),
    ({"name": ""}, TypeError),
])
def test_bad_case_mixes_are_refused(changes, error):
    with pytest.raises(error):
        CaseMix(**changes)


def test_bad_arguments_are_refused():
    with pytest.raises(ValueError, match="n_patients"):
        make_patients(5)
    with pytest.raises(TypeError, match="n_patients"):
        make_patients(100.0)
    with pytest.raises(TypeError, match="case_mix"):
        make_patients(100, case_mix="B")
    with pytest.raises(ValueError, match="seed"):
        make_patients(100, seed=-1)

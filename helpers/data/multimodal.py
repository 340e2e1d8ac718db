"""Synthetic patients with several kinds of data: a record, an ECG-like window and a note, linked by one hidden state.

The hidden state is whether an emergency admission ends in **deterioration** (unplanned intensive-care
admission or death within 30 days). Three causes raise its log-odds, and each shows in one modality:

- chronic cardiovascular risk (age, blood pressure, smoking, glucose), in the **record**
  (:func:`helpers.data.records.make_cohort`; its true risk model :func:`~helpers.data.records.true_risk_logit`);
- the heart rhythm, on the **ECG-like window** (:func:`helpers.data.signals.make_ecg_windows`):
  an AF-like irregular rhythm raises the risk a lot, ectopic beats a little;
- an acute infection, community-acquired pneumonia, in the triage **note**
  (:func:`helpers.data.clinical_notes.make_notes`).

The causes are drawn independently, so each modality carries evidence the others lack. The
existing generators are called, not copied: this module draws a pool from each, then picks for every
patient a window of the patient's rhythm and a note of the patient's infection status, and writes the
record's age and sex into the note's first line. A :class:`CaseMix` says who arrives at a hospital
(older patients, more infection, more AF, a baseline risk the inputs do not record) and how often the
ECG or the note is missing at the bedside. Deterministic given ``seed``; no global state.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from helpers.data import clinical_notes, records, signals
from helpers.validation import check_int, check_number

#: Log-odds added by each cause (``record_risk`` is per unit of the record's true risk log-odds).
CAUSE_LOG_ODDS: dict[str, float] = {"record_risk": 0.6, "af_like_rhythm": 1.8, "ectopic_beats": 0.5,
                                    "pneumonia": 1.8}

#: Log-odds of deterioration for a patient with average record risk, sinus rhythm and no pneumonia.
OUTCOME_INTERCEPT = -2.8

#: The modalities, in the order the models take them.
MODALITIES: tuple[str, ...] = ("record", "ecg", "note")

#: ECG windows: 3 s at 50 Hz (the defaults of :func:`helpers.data.signals.make_ecg_windows`).
ECG_SECONDS, ECG_SAMPLING_RATE = 3.0, 50

_PATIENT_LINE = re.compile(r"^\d+ y/o (female|male)")


@dataclass(frozen=True)
class CaseMix:
    """Who arrives at a hospital, and which data the bedside has for them.

    Attributes:
        name: the hospital's name, for tables.
        age_tilt: 0 draws ages as the record generator does; above 0 favours older patients (each
            patient is kept with a weight ``exp(age_tilt * (age - 60) / 12)``).
        rhythm_shares: shares of normal sinus, ectopic-beat and AF-like windows (sum 1).
        pneumonia_rate: share of patients with pneumonia (0 to 1).
        baseline_log_odds: log-odds of deterioration added for every patient, from something no
            input records (how late patients arrive, another care pathway); 0 at the home hospital.
        ecg_missing: share of patients without an ECG window (missing completely at random).
        note_missing: share of patients without a triage note (missing completely at random).
    """

    name: str = "A"
    age_tilt: float = 0.0
    rhythm_shares: tuple[float, float, float] = (0.4, 0.3, 0.3)
    pneumonia_rate: float = 0.3
    baseline_log_odds: float = 0.0
    ecg_missing: float = 0.2
    note_missing: float = 0.15

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name:
            raise TypeError(f"name must be a non-empty string, got {self.name!r}")
        check_number("age_tilt", self.age_tilt, -3.0, 3.0)
        shares = self.rhythm_shares
        if not isinstance(shares, tuple) or len(shares) != 3:
            raise TypeError(f"rhythm_shares must be a tuple of 3 shares, got {shares!r}")
        for share in shares:
            check_number("rhythm_shares", share)
        if abs(sum(shares) - 1.0) > 1e-6:
            raise ValueError(f"rhythm_shares must sum to 1, got {shares} (sum {sum(shares):.3f})")
        check_number("pneumonia_rate", self.pneumonia_rate)
        check_number("baseline_log_odds", self.baseline_log_odds, -5.0, 5.0)
        check_number("ecg_missing", self.ecg_missing, 0.0, 0.9)
        check_number("note_missing", self.note_missing, 0.0, 0.9)


#: The home hospital, where the model is developed.
HOSPITAL_A = CaseMix()

#: A second hospital (a regional referral centre): older patients, more pneumonia and AF, and a higher
#: baseline risk that no input records (patients are referred on, later in their illness).
HOSPITAL_B = CaseMix(name="B", age_tilt=0.6, rhythm_shares=(0.3, 0.3, 0.4), pneumonia_rate=0.4,
                     baseline_log_odds=0.8, ecg_missing=0.3, note_missing=0.15)


def deterioration_logit(risk_logit: np.ndarray, rhythm: np.ndarray, pneumonia: np.ndarray,
                        baseline_log_odds: float = 0.0) -> np.ndarray:
    """The true log-odds of deterioration, shape (n,), from its three causes.

    ``risk_logit`` (n,) is the record's true log-odds (:func:`helpers.data.records.true_risk_logit`),
    ``rhythm`` (n,) an index into :data:`helpers.data.signals.RHYTHM_CLASSES`, ``pneumonia`` (n,) 0/1.
    """
    risk_logit = np.asarray(risk_logit, dtype=float)
    rhythm, pneumonia = np.asarray(rhythm), np.asarray(pneumonia)
    if risk_logit.ndim != 1 or rhythm.shape != risk_logit.shape or pneumonia.shape != risk_logit.shape:
        raise ValueError("risk_logit, rhythm and pneumonia must be 1-D arrays of the same length, got shapes "
                         f"{risk_logit.shape}, {rhythm.shape}, {pneumonia.shape}")
    if not np.isin(rhythm, (signals.NORMAL, signals.ECTOPIC, signals.AF_LIKE)).all():
        raise ValueError("rhythm must hold class indices 0, 1 or 2 (helpers.data.signals.RHYTHM_CLASSES)")
    if not np.isin(pneumonia, (0, 1)).all():
        raise ValueError("pneumonia must hold only 0 and 1")
    weights = CAUSE_LOG_ODDS
    return (OUTCOME_INTERCEPT + check_number("baseline_log_odds", baseline_log_odds, -5.0, 5.0)
            + weights["record_risk"] * (risk_logit - records.RISK_INTERCEPT)
            + weights["af_like_rhythm"] * (rhythm == signals.AF_LIKE)
            + weights["ectopic_beats"] * (rhythm == signals.ECTOPIC)
            + weights["pneumonia"] * pneumonia)


def _records(n: int, tilt: float, rng: np.random.Generator) -> pd.DataFrame:
    pool = records.make_cohort(2 * n, seed=int(rng.integers(2**31)))
    weight = np.exp(tilt * (pool["age"].to_numpy(float) - 60.0) / 12.0)
    chosen = np.sort(rng.choice(len(pool), size=n, replace=False, p=weight / weight.sum()))
    frame = pool.iloc[chosen].reset_index(drop=True)
    frame["patient_id"] = [f"P{i:05d}" for i in range(1, n + 1)]
    return frame


def _ecg_windows(rhythm: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    counts = np.bincount(rhythm, minlength=3)
    pool = signals.make_ecg_windows(3 * int(counts.max()), seconds=ECG_SECONDS, sampling_rate=ECG_SAMPLING_RATE,
                                    seed=int(rng.integers(2**31)))
    windows = np.empty((len(rhythm), *pool["signals"].shape[1:]), np.float32)
    for label in range(3):
        windows[rhythm == label] = pool["signals"][pool["labels"] == label][: counts[label]]
    return windows


def _notes(pneumonia: np.ndarray, frame: pd.DataFrame, rng: np.random.Generator) -> np.ndarray:
    n_positive, n_negative = int(pneumonia.sum()), int((1 - pneumonia).sum())
    size = int(1.15 * max(n_positive / 0.35, n_negative / 0.65)) + 60  # make_notes: about 35 % pneumonia
    pool = clinical_notes.make_notes(size, seed=int(rng.integers(2**31)))
    texts = np.empty(len(pneumonia), dtype=object)
    for label in (0, 1):
        available = pool.loc[pool["pneumonia"] == label, "text"].to_numpy()
        wanted = int((pneumonia == label).sum())
        if len(available) < wanted:  # practically never (the pool has a 15 % margin); stay correct anyway
            available = np.resize(available, wanted)
        texts[pneumonia == label] = available[:wanted]
    for i, (age, sex) in enumerate(zip(frame["age"], frame["sex"])):
        texts[i] = _PATIENT_LINE.sub(f"{int(age)} y/o {'female' if sex == 'F' else 'male'}", texts[i], count=1)
    return texts


def make_patients(n_patients: int, *, case_mix: CaseMix = HOSPITAL_A, seed: int = 0) -> dict[str, object]:
    """Draw ``n_patients`` emergency admissions with a record, an ECG-like window and a note each.

    Returns a dict:

    - ``"records"``: DataFrame, one row per patient, the columns of
      :func:`helpers.data.records.make_cohort` (its own ``cardiac_event_5y`` is not this outcome);
    - ``"ecg"``: float32 (n, 150, 1), mV; all NaN for a patient whose ECG is missing;
    - ``"notes"``: object array (n,) of str; ``""`` for a patient whose note is missing;
    - ``"ecg_present"``, ``"note_present"``: bool (n,);
    - ``"rhythm"``: int64 (n,), the true rhythm (index into ``signals.RHYTHM_CLASSES``);
    - ``"pneumonia"``: int64 (n,), the true infection status, 0/1;
    - ``"true_risk"``: float (n,), the true probability of deterioration;
    - ``"deteriorated"``: int64 (n,), the outcome, 0/1;
    - ``"hospital"``: the case mix's name.
    """
    n = check_int("n_patients", n_patients, minimum=10)
    if not isinstance(case_mix, CaseMix):
        raise TypeError(f"case_mix must be a CaseMix (e.g. HOSPITAL_A), got {type(case_mix).__name__}")
    rng = np.random.default_rng(check_int("seed", seed, minimum=0))
    frame = _records(n, case_mix.age_tilt, rng)
    rhythm = rng.choice(3, size=n, p=np.asarray(case_mix.rhythm_shares)).astype(np.int64)
    pneumonia = (rng.random(n) < case_mix.pneumonia_rate).astype(np.int64)
    ecg = _ecg_windows(rhythm, rng)
    notes = _notes(pneumonia, frame, rng)
    logit = deterioration_logit(records.true_risk_logit(frame), rhythm, pneumonia, case_mix.baseline_log_odds)
    true_risk = 1.0 / (1.0 + np.exp(-logit))
    deteriorated = (rng.random(n) < true_risk).astype(np.int64)
    ecg_present = rng.random(n) >= case_mix.ecg_missing
    note_present = rng.random(n) >= case_mix.note_missing
    ecg[~ecg_present] = np.nan
    notes[~note_present] = ""
    return {"records": frame, "ecg": ecg, "notes": notes, "ecg_present": ecg_present,
            "note_present": note_present, "rhythm": rhythm, "pneumonia": pneumonia, "true_risk": true_risk,
            "deteriorated": deteriorated, "hospital": case_mix.name}


__all__ = ["CAUSE_LOG_ODDS", "CaseMix", "ECG_SAMPLING_RATE", "ECG_SECONDS", "HOSPITAL_A", "HOSPITAL_B",
           "MODALITIES", "OUTCOME_INTERCEPT", "deterioration_logit", "make_patients"]

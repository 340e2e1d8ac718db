"""Synthetic cohorts with a known, group-dependent truth: emergency triage for acute coronary syndrome, and a care-management programme chosen by predicted cost."""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from helpers.validation import check_frame, check_int, check_number

#: The two patient groups of both scenarios: ``"A"`` (the majority) and ``"B"``.
GROUPS = ("A", "B")


#: Triage-cohort columns: unit and meaning (the data card lists the same).
TRIAGE_COLUMNS = {
    "group": ("A or B", "patient group; B is the under-represented one"),
    "age": ("years", "age at arrival"),
    "troponin": ("ng/L", "high-sensitivity cardiac troponin at arrival"),
    "chest_pain": ("score 0-10", "how typical the chest pain is (pressure, radiating to arm or jaw)"),
    "atypical_symptoms": ("score 0-10", "breathlessness, fatigue, nausea, epigastric discomfort"),
    "st_depression": ("mm", "ST-segment depression on the arrival ECG"),
    "heart_rate": ("beats/min", "heart rate at arrival"),
    "acs": ("0/1", "outcome: acute coronary syndrome confirmed at discharge"),
}


#: Columns the triage model sees (the group is *not* one of them: "fairness through unawareness").
TRIAGE_FEATURES = ("age", "troponin", "chest_pain", "atypical_symptoms", "st_depression", "heart_rate")


#: Plain-language names of the triage features, for figures and tables.
TRIAGE_FEATURE_NAMES = {
    "age": "age", "troponin": "troponin (log)", "chest_pain": "chest-pain score",
    "atypical_symptoms": "atypical-symptom score", "st_depression": "ST depression", "heart_rate": "heart rate",
}


#: Risk at or above which the triage model sends a patient for urgent cardiology review.
TRIAGE_THRESHOLD = 0.3


#: Fraction of arrivals with ACS (the same in both groups).
ACS_PREVALENCE = 0.3


#: Cost-cohort columns: unit and meaning.
COST_COLUMNS = {
    "group": ("A or B", "patient group; B has less access to care"),
    "age": ("years", "age at the start of the year"),
    "chronic_conditions": ("count", "active chronic conditions this year"),
    "hba1c": ("%", "glycated haemoglobin this year"),
    "systolic_bp": ("mmHg", "systolic blood pressure this year"),
    "prior_cost": ("USD", "healthcare spending this year"),
    "future_cost": ("USD", "healthcare spending next year (the proxy label's source)"),
    "future_conditions": ("count", "active chronic conditions next year (the real need)"),
}


#: Columns the programme's model sees (again without the group).
COST_FEATURES = ("age", "chronic_conditions", "hba1c", "systolic_bp", "prior_cost")


#: Fraction of patients the care-management programme can enrol (highest scores first).
PROGRAMME_FRACTION = 0.2


def _groups(minority_fraction: float, n: int, rng: np.random.Generator) -> np.ndarray:
    return np.where(rng.random(n) < minority_fraction, "B", "A")


def make_triage_cohort(n_patients: int = 4000, minority_fraction: float = 0.1,
                       seed: int = 0) -> pd.DataFrame:
    """Draw ``n_patients`` emergency arrivals with possible ACS (columns in :data:`TRIAGE_COLUMNS`).

    Args:
        n_patients: number of rows (an int >= 1).
        minority_fraction: expected share of group ``"B"`` (0 to 1; 1 draws group B only, the
            way a targeted data-collection effort would).
        seed: seed of the NumPy generator; the same seed gives the same rows.

    Returns:
        A DataFrame with one row per patient. ACS has prevalence :data:`ACS_PREVALENCE` in both
        groups. In group A the disease mostly raises ``chest_pain``; in group B it mostly raises
        ``atypical_symptoms`` by the same amount, and group B's troponin is about half group A's
        before and during the event (the disease multiplies it by the same factor in both groups).
        The signal is equally strong in both groups.
    """
    n = check_int("n_patients", n_patients)
    fraction = check_number("minority_fraction", minority_fraction)
    rng = np.random.default_rng(seed)
    group = _groups(fraction, n, rng)
    b = group == "B"
    acs = (rng.random(n) < ACS_PREVALENCE).astype(int)
    age = np.clip(rng.normal(62, 12, n) + 4 * acs, 25, 95)
    # log troponin: lower baseline in group B, the same rise with the disease in both groups.
    log_troponin = np.where(b, np.log(3.0), np.log(6.0)) + rng.normal(0, 0.7, n) + 1.1 * acs
    # Symptom scores: ACS adds 2.6 points to chest pain in group A and, mirrored, to atypical
    # symptoms in group B; the other score is unchanged by the disease.
    shift = 2.6 * acs
    chest_pain = rng.normal(3, 2, n) + np.where(b, 0.0, shift)
    atypical_symptoms = rng.normal(3, 2, n) + np.where(b, shift, 0.0)
    st_depression = np.abs(rng.normal(0, 0.3, n)) + 0.5 * acs * rng.random(n)
    heart_rate = rng.normal(80, 12, n) + 4 * acs
    return pd.DataFrame({
        "group": group,
        "age": np.round(age).astype(int),
        "troponin": np.round(np.exp(log_troponin), 1),
        "chest_pain": np.round(np.clip(chest_pain, 0, 10), 1),
        "atypical_symptoms": np.round(np.clip(atypical_symptoms, 0, 10), 1),
        "st_depression": np.round(st_depression, 2),
        "heart_rate": np.round(heart_rate).astype(int),
        "acs": acs,
    })


def make_cost_cohort(n_patients: int = 8000, minority_fraction: float = 0.3,
                     access_gap: float = 0.4, seed: int = 0) -> pd.DataFrame:
    """Draw ``n_patients`` primary-care patients (columns in :data:`COST_COLUMNS`).

    Args:
        n_patients: number of rows (an int >= 1).
        minority_fraction: expected share of group ``"B"`` (0 to 1).
        access_gap: how much less is spent on a group-B patient than on an equally sick group-A
            patient (0 = no gap, 0.4 = 40 % less), because of barriers to care, not lower need.
        seed: seed of the NumPy generator.

    Returns:
        A DataFrame with one row per patient. Health need (the expected number of chronic
        conditions) has the same distribution in both groups; this year's conditions and
        laboratory values reflect it in the same way in both groups; spending this year and next
        year is need times access, so it is lower in group B at the same need.
    """
    n = check_int("n_patients", n_patients)
    fraction = check_number("minority_fraction", minority_fraction)
    gap = check_number("access_gap", access_gap, high=0.9)
    rng = np.random.default_rng(seed)
    group = _groups(fraction, n, rng)
    age = np.clip(rng.normal(55, 14, n), 18, 95)
    need = np.exp(rng.normal(0.9, 0.6, n) + 0.01 * (age - 55))  # expected chronic conditions
    access = np.where(group == "B", 1.0 - gap, 1.0)
    conditions = rng.poisson(need)
    hba1c = 5.3 + 0.25 * need + rng.normal(0, 0.5, n)
    systolic_bp = 118 + 3.0 * need + rng.normal(0, 12, n)
    habit = rng.lognormal(0, 0.35, n)  # how much care a patient uses at a given need, year after year

    def spending() -> np.ndarray:  # USD per year: (base + cost per unit of need) x access x habit x luck
        return access * habit * (500 + 1500 * need) * rng.lognormal(0, 0.15, n)

    prior_cost, future_cost = spending(), spending()
    future_conditions = rng.poisson(need)
    return pd.DataFrame({
        "group": group,
        "age": np.round(age).astype(int),
        "chronic_conditions": conditions,
        "hba1c": np.round(hba1c, 1),
        "systolic_bp": np.round(systolic_bp).astype(int),
        "prior_cost": np.round(prior_cost, -1),
        "future_cost": np.round(future_cost, -1),
        "future_conditions": future_conditions,
    })


def feature_matrix(frame: pd.DataFrame, features: Sequence[str] = TRIAGE_FEATURES) -> np.ndarray:
    """The model inputs, shape (n, len(features)), float; skewed money and troponin columns are log10-ed."""
    check_frame("frame", frame, features)
    matrix = frame[list(features)].to_numpy(dtype=float)
    for index, name in enumerate(features):
        if name in ("troponin", "prior_cost"):
            matrix[:, index] = np.log10(np.maximum(matrix[:, index], 1e-3))
    return matrix


def disease_signal(frame: pd.DataFrame, features: Sequence[str] = TRIAGE_FEATURES) -> pd.DataFrame:
    """How strongly the disease shows in each feature, per group; shape (len(features), groups).

    Each value is the standardised mean difference (mean with ACS minus mean without, divided by
    the feature's standard deviation among patients without ACS in that group); troponin is taken
    on a log scale. 0 = the feature says nothing about the disease in that group.
    """
    check_frame("frame", frame, (*features, "group", "acs"))
    values = pd.DataFrame(feature_matrix(frame, features), columns=list(features), index=frame.index)
    columns = {}
    for group, part in values.groupby(frame["group"]):
        sick = frame.loc[part.index, "acs"].to_numpy() == 1
        if sick.all() or not sick.any():
            raise ValueError(f"group {group} needs patients with and without ACS")
        healthy = part[~sick]
        columns[f"group {group}"] = (part[sick].mean() - healthy.mean()) / healthy.std(ddof=1)
    return pd.DataFrame(columns)

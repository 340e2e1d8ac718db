"""Synthetic electronic health records (EHR): the cohort generator, its schema, its true risk model, and model inputs."""
from __future__ import annotations

import numpy as np
import pandas as pd

from helpers.data.files import DatasetFile, csv_bytes
from helpers.validation import check_number

#: Columns, units and plausible ranges (used in the data card and validation lessons).
COLUMNS = {
    "patient_id": ("identifier", "P00001 ..."),
    "age": ("years", "30-90"),
    "sex": ("F or M", "-"),
    "bmi": ("kg/m^2", "16-50"),
    "systolic_bp": ("mmHg", "85-220"),
    "heart_rate": ("beats/min", "40-140"),
    "glucose": ("mg/dL, fasting", "60-300"),
    "cholesterol": ("mg/dL, total", "100-350"),
    "creatinine": ("mg/dL", "0.4-3.0"),
    "temperature": ("degrees C", "35.5-38.5"),
    "smoker": ("0/1", "-"),
    "cardiac_event_5y": ("0/1 outcome", "-"),
}


#: The true model: log-odds change per unit of each (standardised) risk factor.
RISK_COEFFICIENTS = {"age": 1.1, "systolic_bp": 0.8, "smoker": 0.9, "glucose": 0.7}


#: Intercept of the true logistic model (sets the event rate near 25 %).
RISK_INTERCEPT = -1.55


#: Means and standard deviations used to standardise the risk factors in the true model.
RISK_SCALES = {"age": (60.0, 12.0), "systolic_bp": (132.0, 18.0), "smoker": (0.0, 1.0), "glucose": (105.0, 25.0)}


#: The identifier and the outcome columns of a cohort.
ID_COLUMN = "patient_id"
OUTCOME = "cardiac_event_5y"
#: Numeric predictors of the cohort (``sex`` becomes ``is_male`` in :func:`features`).
NUMERIC_COLUMNS: tuple[str, ...] = (
    "age", "bmi", "systolic_bp", "heart_rate", "glucose", "cholesterol", "creatinine",
    "temperature", "smoker",
)
#: The model inputs :func:`features` returns, in order.
FEATURES: tuple[str, ...] = ("age", "is_male", *NUMERIC_COLUMNS[1:])


def check_cohort(frame: object, argument: str = "frame", min_rows: int = 1) -> pd.DataFrame:
    """Raise a clear error unless ``frame`` is a cohort frame (the columns of :func:`make_cohort`)."""
    if not isinstance(frame, pd.DataFrame):
        raise TypeError(f"{argument} must be a pandas DataFrame (from helpers.data.records.make_cohort), "
                        f"got {type(frame).__name__}")
    lacking = sorted({ID_COLUMN, OUTCOME, "sex", *NUMERIC_COLUMNS} - set(frame.columns))
    if lacking:
        raise ValueError(f"{argument} lacks the cohort columns {lacking}; make it with "
                         "helpers.data.records.make_cohort")
    if len(frame) < min_rows:
        raise ValueError(f"{argument} needs at least {min_rows} rows, got {len(frame)}")
    return frame


def features(frame: pd.DataFrame) -> tuple[pd.DataFrame, np.ndarray]:
    """Model inputs and labels of a cohort: ``X`` (n, 10) floats in raw units, columns
    :data:`FEATURES` (``sex`` coded as ``is_male``, 1 = male), missing values kept as NaN; ``y``
    (n,) int64, 1 = cardiac event within five years."""
    check_cohort(frame, "frame")
    x = frame[list(NUMERIC_COLUMNS)].astype(float)
    x.insert(1, "is_male", np.where(frame["sex"].isna(), np.nan, (frame["sex"] == "M").astype(float)))
    return x.reset_index(drop=True), frame[OUTCOME].to_numpy(dtype=np.int64)


def true_risk_logit(frame: pd.DataFrame) -> np.ndarray:
    """The true log-odds of a 5-year cardiac event for each row; shape (n,)."""
    missing = [name for name in RISK_COEFFICIENTS if name not in frame.columns]
    if missing:
        raise ValueError(f"frame is missing the risk-factor columns {missing}")
    logit = np.full(len(frame), RISK_INTERCEPT)
    for name, weight in RISK_COEFFICIENTS.items():
        mean, scale = RISK_SCALES[name]
        logit = logit + weight * (frame[name].to_numpy(dtype=float) - mean) / scale
    return logit


def make_cohort(n_patients: int = 2000, seed: int = 0) -> pd.DataFrame:
    """Draw a clean synthetic cohort of ``n_patients`` rows (columns in :data:`COLUMNS`)."""
    if isinstance(n_patients, bool) or not isinstance(n_patients, (int, np.integer)):
        raise TypeError(f"n_patients must be an int, got {type(n_patients).__name__}")
    if n_patients < 1:
        raise ValueError(f"n_patients must be at least 1, got {n_patients}")
    rng = np.random.default_rng(seed)
    n = int(n_patients)
    age = np.clip(rng.normal(60, 12, n), 30, 90)
    sex = rng.choice(np.array(["F", "M"]), size=n)
    bmi = np.clip(rng.normal(27.5, 4.5, n), 16, 50)
    systolic_bp = np.clip(95 + 0.55 * age + 0.6 * (bmi - 27.5) + rng.normal(0, 14, n), 85, 220)
    heart_rate = np.clip(rng.normal(74, 11, n), 40, 140)
    glucose = np.clip(80 + 1.6 * (bmi - 20) + rng.gamma(2.0, 7.5, n) + rng.normal(0, 10, n), 60, 300)
    cholesterol = np.clip(rng.normal(200, 35, n) + 0.4 * (age - 60), 100, 350)
    creatinine = np.clip(rng.lognormal(np.log(0.9), 0.22, n) + 0.15 * (sex == "M"), 0.4, 3.0)
    temperature = np.clip(rng.normal(36.8, 0.3, n), 35.5, 38.5)
    smoker = (rng.random(n) < 0.22).astype(int)
    frame = pd.DataFrame({
        "patient_id": [f"P{i:05d}" for i in range(1, n + 1)],
        "age": np.round(age).astype(int),
        "sex": sex,
        "bmi": np.round(bmi, 1),
        "systolic_bp": np.round(systolic_bp).astype(int),
        "heart_rate": np.round(heart_rate).astype(int),
        "glucose": np.round(glucose).astype(int),
        "cholesterol": np.round(cholesterol).astype(int),
        "creatinine": np.round(creatinine, 2),
        "temperature": np.round(temperature, 1),
        "smoker": smoker,
    })
    probability = 1.0 / (1.0 + np.exp(-true_risk_logit(frame)))
    frame["cardiac_event_5y"] = (rng.random(n) < probability).astype(int)
    return frame


def _build_cohort_csv() -> bytes:
    return csv_bytes(make_cohort(2000, seed=0))


DATASET_FILES = {
    "ehr_cohort": DatasetFile(
        filename="ehr_cohort.csv",
        build=_build_cohort_csv,
        card="cards/ehr_cohort.md",
        description="2,000 synthetic adult patients: vitals, labs, smoking, 5-year cardiac events.",
    ),
}


def rare_outcome(frame: pd.DataFrame, prevalence: float, seed: int = 0) -> np.ndarray:
    """A rarer disease with the same risk factors as the cohort's cardiac events.

    The true log-odds of :func:`true_risk_logit` are shifted down until the average
    risk equals ``prevalence``; then each patient's outcome is drawn. Returns ``(n,)`` int64 labels
    (about ``prevalence * n`` ones).
    """
    from scipy.optimize import brentq

    prevalence = check_number("prevalence", prevalence, inclusive=False)
    logit = true_risk_logit(frame)
    shift = brentq(lambda s: np.mean(1 / (1 + np.exp(-(logit + s)))) - prevalence, -30.0, 30.0)
    rng = np.random.default_rng(seed)
    return (rng.random(len(logit)) < 1 / (1 + np.exp(-(logit + shift)))).astype(np.int64)

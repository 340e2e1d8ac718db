"""Synthetic cohorts and per-group evaluation for the bias-and-fairness notebook (06).

Two generated-in-memory scenarios, both with known ground truth and no real patient behind any row:

* :func:`make_triage_cohort`: emergency-department patients with possible acute coronary
  syndrome (ACS, a heart attack or unstable angina). Group ``"B"`` is under-represented and
  presents differently with the *same* disease: its sick patients show mostly "atypical" symptoms
  (breathlessness, fatigue, nausea) rather than classic chest pain, and its troponin runs lower at
  baseline. The disease is equally common and, by construction, equally detectable in both groups
  from the recorded features, so any gap a model shows is made by the model and its training data.
* :func:`make_cost_cohort`: primary-care patients for a care-management programme. True health
  need is distributed identically in both groups, but group ``"B"`` has less access to care, so
  less money is spent on it at the same level of sickness. A model that predicts *cost* (a proxy
  label) then under-serves group ``"B"`` although it is well calibrated on cost.

The evaluation helpers wrap fairlearn's :class:`~fairlearn.metrics.MetricFrame` so that every
metric is computed per group from the same risk scores and threshold.
"""
from __future__ import annotations

import functools
import warnings
from collections.abc import Sequence

import numpy as np
import pandas as pd

from helpers.validation import check_int, check_number

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


def _check_frame(frame: object, columns: Sequence[str], name: str = "frame") -> pd.DataFrame:
    if not isinstance(frame, pd.DataFrame):
        raise TypeError(f"{name} must be a pandas DataFrame, got {type(frame).__name__}")
    missing = [column for column in columns if column not in frame.columns]
    if missing:
        raise ValueError(f"{name} is missing the columns {missing}")
    if len(frame) == 0:
        raise ValueError(f"{name} has no rows")
    return frame


def feature_matrix(frame: pd.DataFrame, features: Sequence[str] = TRIAGE_FEATURES) -> np.ndarray:
    """The model inputs, shape (n, len(features)), float; skewed money and troponin columns are log10-ed."""
    _check_frame(frame, features)
    matrix = frame[list(features)].to_numpy(dtype=float)
    for index, name in enumerate(features):
        if name in ("troponin", "prior_cost"):
            matrix[:, index] = np.log10(np.maximum(matrix[:, index], 1e-3))
    return matrix


def balancing_weights(groups: Sequence[str] | np.ndarray) -> np.ndarray:
    """Per-row weights, shape (n,), that give every group the same total weight (mean weight 1)."""
    groups = np.asarray(groups)
    if groups.ndim != 1 or len(groups) == 0:
        raise ValueError(f"groups must be a non-empty 1-D sequence of labels, got shape {groups.shape}")
    labels, inverse, counts = np.unique(groups, return_inverse=True, return_counts=True)
    weights = len(groups) / (len(labels) * counts[inverse])
    return weights.astype(float)


def train_risk_model(features: np.ndarray, labels: np.ndarray, *,
                     sample_weight: np.ndarray | None = None, seed: int = 0, epochs: int = 60):
    """Fit a small neural network (standardise -> 16 ReLU units -> sigmoid) to 0/1 labels.

    Args:
        features: array of shape (n, d).
        labels: array of shape (n,) with values 0 and 1.
        sample_weight: optional weights, shape (n,), e.g. from :func:`balancing_weights`.
        seed: seeds the network's initial weights and the order of its mini-batches.
        epochs: at most this many passes over the data (Adam, mini-batches of 200); training also
            stops early once the loss stops improving.

    Returns:
        A fitted scikit-learn ``Pipeline``; ``model.predict_proba(x)[:, 1]`` is the risk (0-1).
        Trains in about a second on 5,000 rows.
    """
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.neural_network import MLPClassifier
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    x = np.asarray(features, dtype=float)
    y = np.asarray(labels)
    if x.ndim != 2:
        raise ValueError(f"features must have shape (n, d), got {x.shape}")
    if y.shape != (len(x),):
        raise ValueError(f"labels must have shape ({len(x)},), got {y.shape}")
    if not set(np.unique(y)) <= {0, 1} or len(np.unique(y)) < 2:
        raise ValueError("labels must contain both 0 and 1, and nothing else")
    epochs = check_int("epochs", epochs)
    fit_params = {}
    if sample_weight is not None:
        weight = np.asarray(sample_weight, dtype=float)
        if weight.shape != (len(x),) or np.any(weight < 0):
            raise ValueError(f"sample_weight must be {len(x)} non-negative numbers, got shape {weight.shape}")
        fit_params["mlpclassifier__sample_weight"] = weight
    model = make_pipeline(StandardScaler(), MLPClassifier(
        hidden_layer_sizes=(16,), alpha=1e-2, learning_rate_init=3e-3, max_iter=int(epochs),
        random_state=int(seed)))
    with warnings.catch_warnings():  # a fixed, short training budget is deliberate here
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.fit(x, y, **fit_params)
    return model


def _as_arrays(y_true, risk, groups) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    y = np.asarray(y_true)
    r = np.asarray(risk, dtype=float)
    g = np.asarray(groups)
    if y.ndim != 1 or len(y) == 0:
        raise ValueError(f"y_true must be a non-empty 1-D array, got shape {y.shape}")
    if r.shape != y.shape or g.shape != y.shape:
        raise ValueError(f"y_true, risk and groups must have the same shape, got {y.shape}, {r.shape}, {g.shape}")
    if not set(np.unique(y)) <= {0, 1}:
        raise ValueError("y_true must contain only 0 and 1")
    if np.any(~np.isfinite(r)) or np.any((r < 0) | (r > 1)):
        raise ValueError("risk must hold probabilities between 0 and 1")
    return y, r, g


def _flagged(risk: np.ndarray, threshold: float) -> np.ndarray:
    return (np.asarray(risk) >= threshold).astype(int)


def _sensitivity(y, risk, threshold):
    from sklearn.metrics import recall_score
    return recall_score(y, _flagged(risk, threshold), zero_division=np.nan)


def _false_positive_rate(y, risk, threshold):
    negatives = np.asarray(y) == 0
    return float(np.mean(_flagged(risk, threshold)[negatives])) if negatives.any() else np.nan


def _ppv(y, risk, threshold):
    from sklearn.metrics import precision_score
    return precision_score(y, _flagged(risk, threshold), zero_division=np.nan)


def _roc_auc(y, risk):
    from sklearn.metrics import roc_auc_score
    return roc_auc_score(y, risk) if len(np.unique(y)) == 2 else np.nan


def _calibration_gap(y, risk):
    """Mean predicted risk minus observed rate: < 0 means the model under-estimates risk."""
    return float(np.mean(risk) - np.mean(y))


def group_metrics(y_true, risk, groups, threshold: float = TRIAGE_THRESHOLD):
    """Per-group sensitivity, false-positive rate, PPV, ROC-AUC and calibration, as a MetricFrame.

    Args:
        y_true: true 0/1 labels, shape (n,).
        risk: predicted probabilities, shape (n,), values in [0, 1].
        groups: the group of each row, shape (n,).
        threshold: a patient is flagged when ``risk >= threshold``.

    Returns:
        A fairlearn ``MetricFrame``: ``.by_group`` is a table (one row per group), ``.overall``
        the whole-population values, ``.difference()`` the largest gap between groups. Columns:
        ``patients``, ``sensitivity``, ``false_positive_rate``, ``ppv``, ``roc_auc``,
        ``mean_risk``, ``observed_rate``, ``calibration_gap`` (mean risk minus observed rate).
    """
    from fairlearn.metrics import MetricFrame

    y, r, g = _as_arrays(y_true, risk, groups)
    threshold = check_number("threshold", threshold)
    metrics = {
        "patients": lambda yt, rp: len(yt),
        "sensitivity": functools.partial(_sensitivity, threshold=threshold),
        "false_positive_rate": functools.partial(_false_positive_rate, threshold=threshold),
        "ppv": functools.partial(_ppv, threshold=threshold),
        "roc_auc": _roc_auc,
        "mean_risk": lambda yt, rp: float(np.mean(rp)),
        "observed_rate": lambda yt, rp: float(np.mean(yt)),
        "calibration_gap": _calibration_gap,
    }
    return MetricFrame(metrics=metrics, y_true=y, y_pred=r, sensitive_features=pd.Series(g, name="group"))


def decision_metrics(y_true, flagged, groups) -> pd.DataFrame:
    """Sensitivity, false-positive rate and accuracy per group (and overall) of 0/1 decisions.

    For decisions that are not a threshold on one score (e.g. fairlearn's ThresholdOptimizer).
    Returns a DataFrame indexed by group plus an ``"overall"`` row.
    """
    from fairlearn.metrics import MetricFrame, false_positive_rate, true_positive_rate
    from sklearn.metrics import accuracy_score

    y, f, g = _as_arrays(y_true, np.asarray(flagged, dtype=float), groups)
    frame = MetricFrame(metrics={"sensitivity": true_positive_rate, "false_positive_rate": false_positive_rate,
                                 "accuracy": accuracy_score},
                        y_true=y, y_pred=f.astype(int), sensitive_features=pd.Series(g, name="group"))
    table = frame.by_group.copy()
    table.loc["overall"] = frame.overall
    return table


def calibration_table(y_true, risk, groups, n_bins: int = 5, strategy: str = "quantile",
                      min_patients: int = 20) -> pd.DataFrame:
    """Observed event rate against mean predicted risk, per group and bin of predicted risk.

    Args:
        y_true: true 0/1 labels, shape (n,).
        risk: predicted probabilities, shape (n,).
        groups: the group of each row, shape (n,).
        n_bins: number of bins per group.
        strategy: ``"quantile"`` (bins with equal numbers of patients) or ``"uniform"`` (bins of
            equal width on the risk scale: 0-0.1, 0.1-0.2, ... for 10 bins).
        min_patients: bins with fewer patients are left out (their observed rate is too noisy).

    Returns:
        A long DataFrame with columns ``group``, ``mean_risk``, ``observed_rate``, ``patients``
        (one row per group and bin). A calibrated model has observed ~= predicted in every row.
    """
    y, r, g = _as_arrays(y_true, risk, groups)
    n_bins = check_int("n_bins", n_bins, minimum=2)
    min_patients = check_int("min_patients", min_patients)
    if strategy not in ("quantile", "uniform"):
        raise ValueError(f"strategy must be 'quantile' or 'uniform', got {strategy!r}")
    rows = []
    for label in sorted(np.unique(g)):
        mask = g == label
        if strategy == "quantile":
            edges = np.unique(np.quantile(r[mask], np.linspace(0, 1, n_bins + 1)))
        else:
            edges = np.linspace(0, 1, n_bins + 1)
        bins = np.clip(np.searchsorted(edges, r[mask], side="right") - 1, 0, max(len(edges) - 2, 0))
        for index in np.unique(bins):
            in_bin = bins == index
            if in_bin.sum() < min_patients:
                continue
            rows.append({"group": label, "mean_risk": float(r[mask][in_bin].mean()),
                         "observed_rate": float(y[mask][in_bin].mean()), "patients": int(in_bin.sum())})
    return pd.DataFrame(rows, columns=["group", "mean_risk", "observed_rate", "patients"])


def expected_calibration_error(y_true, risk, groups, n_bins: int = 10) -> pd.Series:
    """Per group: the patient-weighted mean of |mean risk - observed rate| over equal-width risk bins.

    0.02 means the calibration curve is, on average over patients, 2 percentage points away from
    the diagonal. Returns a Series indexed by group.
    """
    table = calibration_table(y_true, risk, groups, n_bins=n_bins, strategy="uniform", min_patients=1)
    error = (table["mean_risk"] - table["observed_rate"]).abs() * table["patients"]
    return (error.groupby(table["group"]).sum() / table.groupby("group")["patients"].sum()).rename("ece")


def top_fraction(scores, fraction: float = PROGRAMME_FRACTION) -> np.ndarray:
    """0/1 array, shape (n,): 1 for the ``fraction`` of rows with the highest scores (ties by order)."""
    s = np.asarray(scores, dtype=float)
    if s.ndim != 1 or len(s) == 0:
        raise ValueError(f"scores must be a non-empty 1-D array, got shape {s.shape}")
    fraction = check_number("fraction", fraction)
    chosen = np.zeros(len(s), dtype=int)
    chosen[np.argsort(-s, kind="stable")[: int(round(fraction * len(s)))]] = 1
    return chosen


def sensitivity_interval(y_true, flagged, *, level: float = 0.95) -> tuple[float, float, float]:
    """Sensitivity of 0/1 decisions with its Wilson score interval: ``(estimate, low, high)``.

    Args:
        y_true: true 0/1 labels, shape (n,), with at least one positive case.
        flagged: 0/1 decisions, shape (n,).
        level: coverage of the interval (0.95 for a 95 % interval).

    The Wilson interval is the usual interval for a proportion; unlike the textbook
    "p +/- 1.96 standard errors" it stays inside [0, 1] and does not shrink to nothing when every
    case in a small sample was caught.
    """
    from scipy.stats import norm

    y = np.asarray(y_true)
    f = np.asarray(flagged)
    if y.ndim != 1 or f.shape != y.shape:
        raise ValueError(f"y_true and flagged must be 1-D arrays of the same shape, got {y.shape} and {f.shape}")
    level = check_number("level", level)
    if not 0 < level < 1:
        raise ValueError(f"level must be strictly between 0 and 1, got {level}")
    caught = f[y == 1].astype(float)
    n = len(caught)
    if n == 0:
        raise ValueError("y_true has no positive cases: sensitivity is undefined")
    p = float(caught.mean())
    z = float(norm.ppf((1 + level) / 2))
    centre = (p + z**2 / (2 * n)) / (1 + z**2 / n)
    half = z * np.sqrt(p * (1 - p) / n + z**2 / (4 * n**2)) / (1 + z**2 / n)
    return p, float(max(0.0, centre - half)), float(min(1.0, centre + half))


def disease_signal(frame: pd.DataFrame, features: Sequence[str] = TRIAGE_FEATURES) -> pd.DataFrame:
    """How strongly the disease shows in each feature, per group; shape (len(features), groups).

    Each value is the standardised mean difference (mean with ACS minus mean without, divided by
    the feature's standard deviation among patients without ACS in that group); troponin is taken
    on a log scale. 0 = the feature says nothing about the disease in that group.
    """
    _check_frame(frame, (*features, "group", "acs"))
    values = pd.DataFrame(feature_matrix(frame, features), columns=list(features), index=frame.index)
    columns = {}
    for group, part in values.groupby(frame["group"]):
        sick = frame.loc[part.index, "acs"].to_numpy() == 1
        if sick.all() or not sick.any():
            raise ValueError(f"group {group} needs patients with and without ACS")
        healthy = part[~sick]
        columns[f"group {group}"] = (part[sick].mean() - healthy.mean()) / healthy.std(ddof=1)
    return pd.DataFrame(columns)


def threshold_curves(y_true, risk, groups, thresholds: Sequence[float]) -> pd.DataFrame:
    """Sensitivity and false-positive rate per group at each threshold (a long DataFrame)."""
    y, r, g = _as_arrays(y_true, risk, groups)
    thresholds = np.asarray(thresholds, dtype=float)
    if thresholds.ndim != 1 or len(thresholds) == 0 or np.any((thresholds < 0) | (thresholds > 1)):
        raise ValueError("thresholds must be a non-empty 1-D sequence of numbers between 0 and 1")
    rows = []
    for label in sorted(np.unique(g)):
        yy, rr = y[g == label], r[g == label]
        flagged = rr[None, :] >= thresholds[:, None]  # (thresholds, patients)
        sensitivity = flagged[:, yy == 1].mean(axis=1) if (yy == 1).any() else np.full(len(thresholds), np.nan)
        fpr = flagged[:, yy == 0].mean(axis=1) if (yy == 0).any() else np.full(len(thresholds), np.nan)
        rows.append(pd.DataFrame({"group": label, "threshold": thresholds,
                                  "sensitivity": sensitivity, "false_positive_rate": fpr}))
    return pd.concat(rows, ignore_index=True)


def compare_decisions(y_true, decisions: dict[str, np.ndarray], groups) -> pd.DataFrame:
    """One row per strategy: sensitivity and false-positive rate per group, the gap, overall accuracy.

    Args:
        y_true: true 0/1 labels, shape (n,).
        decisions: strategy name -> 0/1 (or boolean) decisions, shape (n,) each.
        groups: the group of each row, shape (n,); exactly the two groups ``"A"`` and ``"B"``.

    Returns:
        Columns ``sensitivity_A``, ``sensitivity_B``, ``sensitivity_gap`` (A minus B),
        ``false_positive_rate_A``, ``false_positive_rate_B``, ``accuracy`` (all patients).
    """
    if not isinstance(decisions, dict) or not decisions:
        raise TypeError("decisions must be a non-empty dict of name -> array of 0/1 decisions")
    if set(np.unique(np.asarray(groups))) != set(GROUPS):
        raise ValueError(f"groups must contain exactly the groups {GROUPS}")
    rows = {}
    for name, flagged in decisions.items():
        table = decision_metrics(y_true, np.asarray(flagged).astype(int), groups)
        rows[name] = {
            "sensitivity_A": table.loc["A", "sensitivity"], "sensitivity_B": table.loc["B", "sensitivity"],
            "sensitivity_gap": table.loc["A", "sensitivity"] - table.loc["B", "sensitivity"],
            "false_positive_rate_A": table.loc["A", "false_positive_rate"],
            "false_positive_rate_B": table.loc["B", "false_positive_rate"],
            "accuracy": table.loc["overall", "accuracy"],
        }
    frame = pd.DataFrame(rows).T
    frame.index.name = "strategy"
    return frame


def need_by_score_bin(scores, need, groups, n_bins: int = 10) -> pd.DataFrame:
    """Mean need per group within bins of score percentile (Obermeyer et al.'s Figure 1, in miniature).

    Args:
        scores: model scores, shape (n,).
        need: a measure of health need, shape (n,) (e.g. chronic conditions next year).
        groups: the group of each row, shape (n,).
        n_bins: number of equal-sized percentile bins of the score (over all patients).

    Returns:
        A long DataFrame: ``group``, ``score_percentile`` (bin centre, 0-100), ``mean_need``,
        ``patients``.
    """
    s = np.asarray(scores, dtype=float)
    v = np.asarray(need, dtype=float)
    g = np.asarray(groups)
    if s.ndim != 1 or v.shape != s.shape or g.shape != s.shape or len(s) == 0:
        raise ValueError("scores, need and groups must be non-empty 1-D arrays of the same length")
    n_bins = check_int("n_bins", n_bins, minimum=2)
    percentile = 100.0 * (np.argsort(np.argsort(s, kind="stable"), kind="stable") + 0.5) / len(s)
    bins = np.minimum((percentile / 100.0 * n_bins).astype(int), n_bins - 1)
    frame = pd.DataFrame({"group": g, "bin": bins, "need": v})
    table = frame.groupby(["group", "bin"]).agg(mean_need=("need", "mean"), patients=("need", "size")).reset_index()
    table["score_percentile"] = (table["bin"] + 0.5) * 100.0 / n_bins
    return table[["group", "score_percentile", "mean_need", "patients"]]


def programme_table(enrolled, high_need, need, groups) -> pd.DataFrame:
    """Who a care programme reaches, per group.

    Args:
        enrolled: 0/1, shape (n,): enrolled in the programme.
        high_need: 0/1, shape (n,): truly in high need.
        need: need measure, shape (n,) (e.g. chronic conditions next year).
        groups: the group of each row, shape (n,).

    Returns:
        One row per group: ``share_of_enrolled``, ``share_of_high_need`` (the group's share of each
        set), ``high_need_reached`` (fraction of the group's high-need patients enrolled) and
        ``need_of_enrolled`` (mean need of the group's enrolled patients).
    """
    e, h = np.asarray(enrolled), np.asarray(high_need)
    v, g = np.asarray(need, dtype=float), np.asarray(groups)
    if not (e.shape == h.shape == v.shape == g.shape) or e.ndim != 1 or len(e) == 0:
        raise ValueError("enrolled, high_need, need and groups must be non-empty 1-D arrays of one length")
    if not set(np.unique(e)) <= {0, 1} or not set(np.unique(h)) <= {0, 1}:
        raise ValueError("enrolled and high_need must hold only 0 and 1")
    e, h = e.astype(int), h.astype(int)
    if e.sum() == 0 or h.sum() == 0:
        raise ValueError("need at least one enrolled and one high-need patient")
    rows = {}
    for label in sorted(np.unique(g)):
        mine = g == label
        rows[label] = {
            "share_of_enrolled": float(mine[e == 1].mean()),
            "share_of_high_need": float(mine[h == 1].mean()),
            "high_need_reached": float(e[mine & (h == 1)].mean()) if (mine & (h == 1)).any() else np.nan,
            "need_of_enrolled": float(v[mine & (e == 1)].mean()) if (mine & (e == 1)).any() else np.nan,
        }
    frame = pd.DataFrame(rows).T
    frame.index.name = "group"
    return frame


# --- figures ----------------------------------------------------------------------------------

def plot_metrics_by_group(table: pd.DataFrame, metrics: Sequence[str], ax, title: str):
    """Grouped bars: one cluster per metric, one bar per row of ``table`` (e.g. per group)."""
    from helpers.plotting import PALETTE, label

    _check_frame(table, metrics, "table")
    width = 0.8 / len(table)
    positions = np.arange(len(metrics))
    for index, (name, row) in enumerate(table.iterrows()):
        values = row[list(metrics)].to_numpy(dtype=float)
        bars = ax.bar(positions + (index - (len(table) - 1) / 2) * width, values, width,
                      color=PALETTE[index % len(PALETTE)], label=str(name))
        ax.bar_label(bars, fmt="%.2f", fontsize=8, padding=1)
    ax.set_xticks(positions, [m.replace("_", " ") for m in metrics])
    ax.set_ylim(0, 1.1)
    ax.legend(title=table.index.name, fontsize=8)
    return label(ax, title, "", "value (fraction, 0-1)")


def plot_calibration(cal: pd.DataFrame, ax, title: str, what: str = "event"):
    """Reliability diagram from :func:`calibration_table`: observed rate against mean predicted risk."""
    from helpers.plotting import PALETTE, label

    _check_frame(cal, ("group", "mean_risk", "observed_rate"), "cal")
    ax.plot([0, 1], [0, 1], ls="--", color="grey", lw=1, label="perfect calibration")
    for index, (name, part) in enumerate(cal.groupby("group")):
        ax.plot(part["mean_risk"], part["observed_rate"], marker="o", color=PALETTE[index], label=f"group {name}")
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.legend(fontsize=8)
    return label(ax, title, "predicted risk (mean in bin)", f"observed {what} rate in bin")

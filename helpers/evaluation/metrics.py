"""Operating points of a binary classifier: sensitivity, specificity, thresholds chosen for a target or by Youden's J, Wilson and bootstrap intervals, and a classifier's test report."""
from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import clone
from sklearn.metrics import roc_auc_score
from threadpoolctl import threadpool_limits

from helpers.data.records import features
from helpers.validation import check_binary_labels, check_int, check_number


def _decisions(y_true: object, flagged: object) -> tuple[np.ndarray, np.ndarray]:
    y = check_binary_labels("y_true", y_true)
    f = np.asarray(flagged).reshape(-1) if np.ndim(flagged) > 1 else np.asarray(flagged)
    if f.shape != y.shape:
        raise ValueError(f"flagged must have the shape of y_true {y.shape}, got {f.shape}")
    return y, check_binary_labels("flagged", f.astype(int) if f.dtype == bool else f).astype(bool)


def sensitivity(y_true: object, flagged: object) -> float:
    """Share of the true cases that are flagged (recall, true-positive rate); NaN without cases.

    ``y_true`` and ``flagged`` are 0/1 (or boolean) arrays of shape ``(n,)``: a patient is flagged
    when the model's score reaches the chosen threshold.
    """
    y, f = _decisions(y_true, flagged)
    return float(f[y == 1].mean()) if (y == 1).any() else float("nan")


def specificity(y_true: object, flagged: object) -> float:
    """Share of the patients without the condition who are *not* flagged; NaN without such patients."""
    y, f = _decisions(y_true, flagged)
    return float(1 - f[y == 0].mean()) if (y == 0).any() else float("nan")


def false_positive_rate(y_true: object, flagged: object) -> float:
    """Share of the patients without the condition who are flagged (1 - specificity)."""
    return 1.0 - specificity(y_true, flagged)


def positive_predictive_value(y_true: object, flagged: object) -> float:
    """Share of the flagged patients who have the condition (precision, PPV); NaN if nobody is flagged."""
    y, f = _decisions(y_true, flagged)
    return float(y[f].mean()) if f.any() else float("nan")


def operating_point(y_true: np.ndarray, scores: np.ndarray, threshold: float) -> dict[str, float]:
    """What flagging every patient with ``score >= threshold`` means, per 1,000 patients.

    ``y_true`` ``(n,)`` 0/1 with both classes present, ``scores`` ``(n,)``. Returns sensitivity
    (share of cases flagged), specificity, precision (PPV: share of flagged who are cases; NaN when
    nobody is flagged), accuracy, and per 1,000 patients: ``flagged``, ``cases_found``,
    ``cases_missed``, ``false_alarms``.
    """
    y_true = check_binary_labels("y_true", y_true)
    scores = np.asarray(scores, dtype=float).reshape(-1)
    if scores.shape != y_true.shape:
        raise ValueError(f"scores must have shape {y_true.shape}, got {scores.shape}")
    if len(np.unique(y_true)) != 2:
        raise ValueError("y_true must contain both classes")
    if isinstance(threshold, bool) or not isinstance(threshold, (int, float, np.integer, np.floating)):
        raise TypeError(f"threshold must be a number, got {type(threshold).__name__}")
    flagged = scores >= threshold
    tp = int(np.sum(flagged & (y_true == 1)))
    fp = int(np.sum(flagged & (y_true == 0)))
    fn = int(np.sum(~flagged & (y_true == 1)))
    tn = int(np.sum(~flagged & (y_true == 0)))
    per_1000 = 1000.0 / len(y_true)
    return {
        "sensitivity": sensitivity(y_true, flagged),
        "specificity": specificity(y_true, flagged),
        "precision": positive_predictive_value(y_true, flagged),
        "accuracy": (tp + tn) / len(y_true),
        "flagged": (tp + fp) * per_1000,
        "cases_found": tp * per_1000,
        "cases_missed": fn * per_1000,
        "false_alarms": fp * per_1000,
    }


def threshold_for_sensitivity(y_true: np.ndarray, scores: np.ndarray, target: float) -> float:
    """The highest score threshold whose sensitivity (recall) on these data is at least ``target``.

    A patient is flagged when ``score >= threshold``. ``y_true`` ``(n,)`` 0/1 with at least one 1,
    ``scores`` ``(n,)``.
    """
    y_true = check_binary_labels("y_true", y_true)
    scores = np.asarray(scores, dtype=float).reshape(-1)
    if scores.shape != y_true.shape:
        raise ValueError(f"scores must have shape {y_true.shape}, got {scores.shape}")
    if not y_true.any():
        raise ValueError("y_true has no positive case: sensitivity is undefined")
    target = check_number("target", target, low=0.0, high=1.0 + 1e-12, inclusive=False)
    positive_scores = np.sort(scores[y_true == 1])[::-1]
    needed = int(np.ceil(target * len(positive_scores) - 1e-9))
    return float(positive_scores[max(needed, 1) - 1])


def youden_threshold(y_true: np.ndarray, scores: np.ndarray) -> float:
    """The score threshold maximising sensitivity + specificity - 1 (Youden's J) on these data."""
    from sklearn.metrics import roc_curve

    fpr, tpr, thresholds = roc_curve(np.asarray(y_true).reshape(-1), np.asarray(scores).reshape(-1))
    best = int(np.argmax(tpr - fpr))
    return float(min(thresholds[best], 1.0))


def sensitivity_interval(y_true: np.ndarray, flagged: np.ndarray, *,
                         level: float = 0.95) -> tuple[float, float, float]:
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
    n = int(np.sum(y == 1))
    if n == 0:
        raise ValueError("y_true has no positive cases: sensitivity is undefined")
    p = sensitivity(y, f)
    z = float(norm.ppf((1 + level) / 2))
    centre = (p + z**2 / (2 * n)) / (1 + z**2 / n)
    half = z * np.sqrt(p * (1 - p) / n + z**2 / (4 * n**2)) / (1 + z**2 / n)
    return p, float(max(0.0, centre - half)), float(min(1.0, centre + half))


def bootstrap_interval(y_true: np.ndarray, scores: np.ndarray, statistic: Any = roc_auc_score, *,
                       n_resamples: int = 1000, level: float = 0.95, seed: int = 0) -> tuple[float, float, float]:
    """A statistic of a test set with its percentile bootstrap interval: ``(estimate, low, high)``.

    Each resample draws ``n`` patients with replacement from the ``n`` test patients (a new test
    set of the same size) and recomputes ``statistic(y_true, scores)``; resamples that lack one of
    the two classes are skipped. The interval is the middle ``level`` share of the recomputed values.

    Args:
        y_true: true 0/1 labels, shape (n,), both classes present.
        scores: scores or 0/1 decisions, shape (n,).
        statistic: ``f(y_true, scores) -> float``; default ROC-AUC.
        n_resamples: number of resamples (>= 10; 1,000 is usual).
        level: coverage of the interval (0.95 for a 95 % interval).
        seed: seed of the resampling.
    """
    y = check_binary_labels("y_true", y_true)
    s = np.asarray(scores, dtype=float)
    if s.shape != y.shape:
        raise ValueError(f"scores must have the shape of y_true {y.shape}, got {s.shape}")
    if len(np.unique(y)) != 2:
        raise ValueError("y_true must contain both classes")
    if not callable(statistic):
        raise TypeError("statistic must be callable as statistic(y_true, scores) -> float")
    n_resamples = check_int("n_resamples", n_resamples, 10)
    level = check_number("level", level, inclusive=False)
    rng = np.random.default_rng(check_int("seed", seed, 0))
    values = []
    for _ in range(n_resamples):
        rows = rng.integers(0, len(y), len(y))
        if 0 < y[rows].sum() < len(rows):
            values.append(statistic(y[rows], s[rows]))
    low, high = np.quantile(values, [(1 - level) / 2, (1 + level) / 2])
    return float(statistic(y, s)), float(low), float(high)


def evaluate(model: Any, arrays: dict[str, np.ndarray], n_classes: int) -> dict[str, float]:
    """Validation and test metrics. Binary: the threshold comes from the validation split only."""
    from sklearn.metrics import accuracy_score, roc_auc_score

    from helpers.models.inference import predict_proba

    metrics: dict[str, float] = {}
    scores = {split: predict_proba(model, arrays[f"{split}_x"]) for split in ("val", "test")}
    labels = {split: arrays[f"{split}_y"] for split in ("val", "test")}
    if n_classes == 2:
        threshold = youden_threshold(labels["val"], scores["val"])
        metrics["threshold"] = threshold
        for split in ("val", "test"):
            y, s = labels[split], scores[split]
            predicted = (s >= threshold).astype(int)
            metrics[f"{split}_auc"] = float(roc_auc_score(y, s)) if len(np.unique(y)) == 2 else float("nan")
            metrics[f"{split}_accuracy"] = float(accuracy_score(y, predicted))
            metrics[f"{split}_sensitivity"] = sensitivity(y, predicted)
            metrics[f"{split}_specificity"] = specificity(y, predicted)
        metrics["test_accuracy_at_0.5"] = float(accuracy_score(labels["test"], scores["test"] >= 0.5))
    else:
        for split in ("val", "test"):
            y, s = labels[split], scores[split]
            present = np.unique(y)
            # Mean one-vs-rest ROC-AUC over the classes present (as MedMNIST reports it).
            aucs = [roc_auc_score(y == c, s[:, c]) for c in present] if len(present) > 1 else [float("nan")]
            metrics[f"{split}_auc"] = float(np.mean(aucs))
            metrics[f"{split}_accuracy"] = float(accuracy_score(y, s.argmax(axis=1)))
    return metrics


def fit_and_score(model: Any, train: pd.DataFrame, test: pd.DataFrame) -> tuple[Any, float]:
    """Fit a fresh copy of a scikit-learn ``model`` on ``train``; return it and its test ROC-AUC.

    ``train`` and ``test`` are cohort frames (see :func:`features`); the model must accept NaN
    (a pipeline that imputes first) if they have missing values. Fitting uses one BLAS thread: on
    tables this small, threads only wait for each other (an ``IterativeImputer`` fit took 0.5 s with
    one thread and 5 s with two on a busy 2-core machine).
    """
    if not hasattr(model, "fit") or not hasattr(model, "predict_proba"):
        raise TypeError(f"model must be a scikit-learn classifier or pipeline, got {type(model).__name__}")
    x_train, y_train = features(train)
    x_test, y_test = features(test)
    if len(np.unique(y_test)) < 2:
        raise ValueError("test must contain both outcomes (0 and 1) for a ROC-AUC")
    with threadpool_limits(limits=1, user_api="blas"):
        fitted = clone(model).fit(x_train, y_train)
        risk = fitted.predict_proba(x_test)[:, 1]
    return fitted, float(roc_auc_score(y_test, risk))

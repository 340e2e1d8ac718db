"""The same metrics for each patient group (through fairlearn's ``MetricFrame``), the gaps between groups, and decisions compared group by group."""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from helpers.data.cohorts import GROUPS, PROGRAMME_FRACTION, TRIAGE_THRESHOLD
from helpers.evaluation.metrics import false_positive_rate, positive_predictive_value, sensitivity
from helpers.validation import check_int, check_number


def as_scored_arrays(y_true, risk, groups) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
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


def _roc_auc(y_true, risk) -> float:
    from sklearn.metrics import roc_auc_score
    return float(roc_auc_score(y_true, risk)) if len(np.unique(y_true)) == 2 else float("nan")


def group_metrics(y_true, risk, groups, threshold: float = TRIAGE_THRESHOLD):
    """Per-group sensitivity, false-positive rate, PPV, ROC-AUC and calibration, as a MetricFrame.

    The same metrics dict as the lesson cell ``# Lesson code: MetricFrame`` of the bias-and-fairness
    notebook (``tests/test_subgroups.py`` checks that the two give the same tables); sensitivity,
    false-positive rate and PPV come from :mod:`helpers.evaluation.metrics`.

    Args:
        y_true: true 0/1 labels, shape (n,).
        risk: predicted probabilities, shape (n,), values in [0, 1].
        groups: the group of each row, shape (n,).
        threshold: a patient is flagged when ``risk >= threshold``.

    Returns:
        A fairlearn ``MetricFrame``: ``.by_group`` is a table (one row per group), ``.overall``
        the whole-population values, ``.difference()`` the largest gap between groups. Columns:
        ``patients``, ``sensitivity``, ``false_positive_rate``, ``ppv``, ``roc_auc`` (NaN for a
        group with one class only), ``mean_risk``, ``observed_rate``, ``calibration_gap`` (mean
        risk minus observed rate: below 0, the model under-estimates risk).
    """
    from fairlearn.metrics import MetricFrame

    y, r, g = as_scored_arrays(y_true, risk, groups)
    threshold = check_number("threshold", threshold)

    def at_threshold(metric):
        return lambda y_true, risk: metric(y_true, risk >= threshold)

    group_metric_functions = {
        "patients": lambda y_true, risk: len(y_true),
        "sensitivity": at_threshold(sensitivity),
        "false_positive_rate": at_threshold(false_positive_rate),
        "ppv": at_threshold(positive_predictive_value),
        "roc_auc": _roc_auc,
        "mean_risk": lambda y_true, risk: risk.mean(),
        "observed_rate": lambda y_true, risk: y_true.mean(),
        "calibration_gap": lambda y_true, risk: risk.mean() - y_true.mean(),
    }
    return MetricFrame(metrics=group_metric_functions, y_true=y, y_pred=r,
                       sensitive_features=pd.Series(g, name="group"))


def decision_metrics(y_true, flagged, groups) -> pd.DataFrame:
    """Sensitivity, false-positive rate and accuracy per group (and overall) of 0/1 decisions.

    For decisions that are not a threshold on one score (e.g. fairlearn's ThresholdOptimizer).
    Returns a DataFrame indexed by group plus an ``"overall"`` row.
    """
    from fairlearn.metrics import MetricFrame, false_positive_rate, true_positive_rate
    from sklearn.metrics import accuracy_score

    y, f, g = as_scored_arrays(y_true, np.asarray(flagged, dtype=float), groups)
    frame = MetricFrame(metrics={"sensitivity": true_positive_rate, "false_positive_rate": false_positive_rate,
                                 "accuracy": accuracy_score},
                        y_true=y, y_pred=f.astype(int), sensitive_features=pd.Series(g, name="group"))
    table = frame.by_group.copy()
    table.loc["overall"] = frame.overall
    return table


def threshold_curves(y_true, risk, groups, thresholds: Sequence[float]) -> pd.DataFrame:
    """Sensitivity and false-positive rate per group at each threshold (a long DataFrame)."""
    y, r, g = as_scored_arrays(y_true, risk, groups)
    thresholds = np.asarray(thresholds, dtype=float)
    if thresholds.ndim != 1 or len(thresholds) == 0 or np.any((thresholds < 0) | (thresholds > 1)):
        raise ValueError("thresholds must be a non-empty 1-D sequence of numbers between 0 and 1")
    rows = []
    for label in sorted(np.unique(g)):
        yy, rr = y[g == label], r[g == label]
        rows.append(pd.DataFrame({"group": label, "threshold": thresholds,
                                  "sensitivity": [sensitivity(yy, rr >= t) for t in thresholds],
                                  "false_positive_rate": [false_positive_rate(yy, rr >= t) for t in thresholds]}))
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


def top_fraction(scores, fraction: float = PROGRAMME_FRACTION) -> np.ndarray:
    """0/1 array, shape (n,): 1 for the ``fraction`` of rows with the highest scores (ties by order)."""
    s = np.asarray(scores, dtype=float)
    if s.ndim != 1 or len(s) == 0:
        raise ValueError(f"scores must be a non-empty 1-D array, got shape {s.shape}")
    fraction = check_number("fraction", fraction)
    chosen = np.zeros(len(s), dtype=int)
    chosen[np.argsort(-s, kind="stable")[: int(round(fraction * len(s)))]] = 1
    return chosen


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

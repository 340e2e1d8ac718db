"""Calibration: do predicted risks match observed event rates, overall and per group?"""
from __future__ import annotations

import numpy as np
import pandas as pd

from helpers.evaluation.subgroups import as_scored_arrays
from helpers.validation import check_int


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
    y, r, g = as_scored_arrays(y_true, risk, groups)
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

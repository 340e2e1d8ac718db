"""Real survival cohorts that scikit-survival ships (GBSG2 breast cancer, WHAS500 heart attacks), encoded and split.

A survival target is a NumPy structured array with two fields, ``event`` (bool: the event was seen)
and ``time`` (float: days to the event, or to the end of follow-up when ``event`` is False), the
format every ``sksurv`` estimator and metric takes. Nothing is downloaded: the files are inside the
installed ``scikit-survival`` package.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

from helpers.validation import check_array, check_frame, check_int, check_number

#: Cohort name -> (loader in ``sksurv.datasets``, event field, time field, what the time counts).
COHORTS: dict[str, tuple[str, str, str, str]] = {
    "gbsg2": ("load_gbsg2", "cens", "time", "days to breast cancer recurrence or death"),
    "whas500": ("load_whas500", "fstat", "lenfol", "days from admission with a heart attack to death"),
}

#: GBSG2 columns: unit and meaning (the data card ``datasets/cards/gbsg2.md`` lists the same).
GBSG2_COLUMNS = {
    "age": ("years", "age at entry to the trial"),
    "estrec": ("fmol", "oestrogen receptor level of the tumour"),
    "horTh": ("no/yes", "hormonal therapy (tamoxifen) given"),
    "menostat": ("Pre/Post", "menopausal status"),
    "pnodes": ("count", "number of lymph nodes with cancer (every patient has at least one)"),
    "progrec": ("fmol", "progesterone receptor level of the tumour"),
    "tgrade": ("I/II/III", "tumour grade (III: the least differentiated, most aggressive)"),
    "tsize": ("mm", "tumour size"),
}

#: GBSG2 columns so right-skewed (a few values far above the rest) that they enter the models as log(1 + x).
GBSG2_LOG_COLUMNS = ("pnodes", "progrec", "estrec")


def survival_target(event: object, time: object) -> np.ndarray:
    """Structured array of shape (n,) with fields ``event`` (bool) and ``time`` (float, > 0) from two (n,) arrays."""
    event_array = check_array("event", event, 1)
    time_array = check_array("time", time, 1).astype(float)
    if len(event_array) != len(time_array):
        raise ValueError(f"event and time must have the same length, got {len(event_array)} and {len(time_array)}")
    if not np.isin(event_array, (0, 1)).all():
        raise ValueError("event must hold only True/False (or 1/0)")
    if len(time_array) and not (np.isfinite(time_array).all() and (time_array > 0).all()):
        raise ValueError("time must be finite and positive (a follow-up time)")
    target = np.empty(len(time_array), dtype=[("event", bool), ("time", float)])
    target["event"], target["time"] = event_array.astype(bool), time_array
    return target


def event_and_time(target: object) -> tuple[np.ndarray, np.ndarray]:
    """The ``event`` (bool, (n,)) and ``time`` (float, (n,)) columns of a :func:`survival_target` array."""
    if not isinstance(target, np.ndarray) or target.dtype.names != ("event", "time"):
        raise TypeError("target must be a structured array with fields ('event', 'time'): "
                        "make one with survival_target(event, time)")
    return target["event"].astype(bool), target["time"].astype(float)


def load_cohort(name: str) -> tuple[pd.DataFrame, np.ndarray]:
    """One of :data:`COHORTS`: raw features (DataFrame, one row per patient) and its :func:`survival_target`."""
    if name not in COHORTS:
        raise ValueError(f"name must be one of {sorted(COHORTS)}, got {name!r}")
    from sksurv import datasets

    loader, event_field, time_field, _ = COHORTS[name]
    features, raw = getattr(datasets, loader)()
    return features.reset_index(drop=True), survival_target(raw[event_field], raw[time_field])


def encode_gbsg2(features: pd.DataFrame) -> pd.DataFrame:
    """GBSG2's 8 raw columns -> 8 numeric ones: yes/Post = 1, grade I-III = 1-3, skewed counts as log(1 + x)."""
    check_frame("features", features, tuple(GBSG2_COLUMNS))
    encoded = pd.DataFrame(index=features.index)
    encoded["age"] = features["age"].astype(float)
    encoded["tsize"] = features["tsize"].astype(float)
    encoded["tgrade"] = features["tgrade"].astype(str).map({"I": 1.0, "II": 2.0, "III": 3.0})
    encoded["horTh"] = (features["horTh"].astype(str) == "yes").astype(float)
    encoded["postmenopausal"] = (features["menostat"].astype(str) == "Post").astype(float)
    for column in GBSG2_LOG_COLUMNS:
        if (features[column] < 0).any():
            raise ValueError(f"features[{column!r}] must not be negative (it is a count or a level)")
        encoded[f"log_{column}"] = np.log1p(features[column].astype(float))
    if encoded.isna().any().any():
        raise ValueError("features['tgrade'] must hold only the grades 'I', 'II' and 'III'")
    return encoded


def _standardised(features: pd.DataFrame, target: np.ndarray, train_rows: np.ndarray,
                  test_rows: np.ndarray) -> dict:
    """The split dict of :func:`survival_split` for given row indices (scaler fitted on ``train_rows``)."""
    values = features.to_numpy(dtype=float)
    scaler = StandardScaler().fit(values[train_rows])
    return {
        "x_train": scaler.transform(values[train_rows]).astype(np.float32),
        "x_test": scaler.transform(values[test_rows]).astype(np.float32),
        "y_train": target[train_rows], "y_test": target[test_rows],
        "train_rows": np.asarray(train_rows), "test_rows": np.asarray(test_rows),
        "feature_names": list(features.columns), "scaler": scaler,
    }


def _check_pair(features: object, target: object) -> np.ndarray:
    """The events of ``target`` after checking that ``features`` is a DataFrame of numbers as long as ``target``."""
    check_frame("features", features, ())
    event, _ = event_and_time(target)
    if len(features) != len(target):
        raise ValueError(f"features and target must have the same length, got {len(features)} and {len(target)}")
    if not all(pd.api.types.is_numeric_dtype(dtype) for dtype in features.dtypes):
        raise TypeError("features must hold only numeric columns: encode them first (e.g. encode_gbsg2)")
    return event


def survival_split(features: pd.DataFrame, target: np.ndarray, *, seed: int = 0,
                   test_size: float = 0.25) -> dict:
    """Split patients into train and test (the same share of events in each), standardised on train only.

    Args:
        features: numeric features, one row per patient (e.g. from :func:`encode_gbsg2`).
        target: the matching :func:`survival_target` array, shape (n,).
        seed: the seed of the split.
        test_size: the share of patients held out (0.1 to 0.5).

    Returns:
        dict with ``x_train`` (n_train, d) float32, ``x_test``, ``y_train`` and ``y_test``
        (survival targets), ``train_rows`` and ``test_rows`` (row indices into ``features``),
        ``feature_names`` (d strings) and ``scaler`` (fitted on the training rows).
    """
    event = _check_pair(features, target)
    seed = check_int("seed", seed, minimum=0)
    test_size = check_number("test_size", test_size, 0.1, 0.5)
    train_rows, test_rows = train_test_split(np.arange(len(target)), test_size=test_size,
                                             random_state=seed, stratify=event)
    return _standardised(features, target, np.sort(train_rows), np.sort(test_rows))


def gbsg2_split(seed: int = 0, test_size: float = 0.25) -> dict:
    """GBSG2 (686 patients, 8 encoded features) split and standardised as :func:`survival_split` does."""
    features, target = load_cohort("gbsg2")
    return survival_split(encode_gbsg2(features), target, seed=seed, test_size=test_size)


def cross_validation_splits(features: pd.DataFrame, target: np.ndarray, n_splits: int = 5, *,
                            seed: int = 0) -> list[dict]:
    """Stratified K-fold cross-validation: ``n_splits`` dicts like :func:`survival_split`'s; each patient is tested once."""
    from sklearn.model_selection import StratifiedKFold

    event = _check_pair(features, target)
    n_splits = check_int("n_splits", n_splits, minimum=2, maximum=int(min(event.sum(), (~event).sum())))
    folds = StratifiedKFold(n_splits=n_splits, shuffle=True, random_state=check_int("seed", seed, minimum=0))
    return [_standardised(features, target, train_rows, test_rows)
            for train_rows, test_rows in folds.split(np.zeros(len(event)), event)]


__all__ = ["COHORTS", "GBSG2_COLUMNS", "GBSG2_LOG_COLUMNS", "cross_validation_splits", "encode_gbsg2",
           "event_and_time", "gbsg2_split", "load_cohort", "survival_split", "survival_target"]

"""Real tumour measurements that scikit-learn ships (the Wisconsin breast cancer data), split and scaled."""
from __future__ import annotations

import numpy as np
from sklearn.datasets import load_breast_cancer
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler


def breast_cancer_split(seed: int = 0, test_size: float = 0.25, scale: bool = True) -> dict:
    """The Wisconsin breast cancer data (569 tumours, 30 features), split and standardised.

    The label is 1 for a **malignant** tumour (scikit-learn codes malignant as 0; we flip it so the
    positive class is the disease). The scaler is fitted on the training split only.

    Returns:
        dict with ``x_train`` (n_train, 30) float32, ``x_test``, ``y_train`` (n_train,) int,
        ``y_test``, ``feature_names`` (30 strings) and ``scaler`` (``None`` if ``scale`` is False).
    """
    if not 0.05 <= test_size <= 0.5:
        raise ValueError(f"test_size must be between 0.05 and 0.5, got {test_size}")
    data = load_breast_cancer()
    y = (data.target == 0).astype(np.int64)
    x_train, x_test, y_train, y_test = train_test_split(
        data.data, y, test_size=test_size, random_state=seed, stratify=y)
    scaler = None
    if scale:
        scaler = StandardScaler().fit(x_train)
        x_train, x_test = scaler.transform(x_train), scaler.transform(x_test)
    return {
        "x_train": x_train.astype(np.float32), "x_test": x_test.astype(np.float32),
        "y_train": y_train, "y_test": y_test,
        "feature_names": list(data.feature_names), "scaler": scaler,
    }

"""Learning curves: how a model's test ROC-AUC grows with the size of its training set."""
from __future__ import annotations

import zlib
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from helpers.models.convolutional import SmallCNN
from helpers.training import dihedral_augment
from helpers.validation import check_binary_labels, check_int

FitPredict = Callable[[np.ndarray, np.ndarray, np.ndarray], np.ndarray]


def run_seed(seed: int, x_train: np.ndarray, y_train: np.ndarray) -> int:
    """A seed for one training run: ``seed`` combined with a checksum of the training set.

    The same training set always gets the same seed (so the same starting weights), whichever
    model, remedy or call trains on it: comparisons on one draw are paired.
    """
    checksum = zlib.crc32(np.ascontiguousarray(y_train).tobytes(), zlib.crc32(np.ascontiguousarray(x_train).tobytes()))
    return int((check_int("seed", seed, 0) * 1_000_003 + checksum) % 2**31)


def stratified_subset(y: np.ndarray, n: int, rng: np.random.Generator, min_per_class: int = 2) -> np.ndarray:
    """Indices of ``n`` rows of ``y`` keeping its class balance (at least ``min_per_class`` each).

    Returns an int array of shape ``(n,)``, in random order.
    """
    y = check_binary_labels("y", y)
    n = check_int("n", n, 2 * min_per_class)
    if n > len(y):
        raise ValueError(f"n ({n}) must not exceed the pool size ({len(y)})")
    positives, negatives = np.flatnonzero(y == 1), np.flatnonzero(y == 0)
    if min(len(positives), len(negatives)) < min_per_class:
        raise ValueError(f"the pool needs at least {min_per_class} examples of each class")
    n_pos = int(np.clip(round(n * len(positives) / len(y)), min_per_class, n - min_per_class))
    n_pos = min(n_pos, len(positives))
    chosen = np.concatenate([rng.choice(positives, n_pos, replace=False),
                             rng.choice(negatives, n - n_pos, replace=False)])
    return rng.permutation(chosen)


def learning_curve(models: Mapping[str, FitPredict], x_pool: np.ndarray, y_pool: np.ndarray,
                   x_test: np.ndarray, y_test: np.ndarray, sizes: Sequence[int], repeats: int,
                   seed: int = 0) -> pd.DataFrame:
    """Test ROC-AUC of each model trained on random training sets of each size.

    Args:
        models: name -> ``fit_predict(x_train, y_train, x_test)`` returning scores ``(n_test,)``
            (higher = more likely positive). Each call must train a fresh model.
        x_pool, y_pool: where training sets are drawn from (``(N, ...)`` and ``(N,)`` 0/1).
        x_test, y_test: one fixed test set, never trained on.
        sizes: training-set sizes (patients or images), each at most ``N``.
        repeats: independent draws per size (>= 1); every model sees the same draws.
        seed: seed of the draws.

    Returns:
        A long DataFrame with columns ``model``, ``n_train``, ``repeat``, ``auc``, ``n_positive``
        (cases in the training set) and ``draw_id`` (a checksum of the training rows: equal ids mean
        the same training set). Draw ``repeat`` of size ``n`` depends only on ``seed``, ``n``,
        ``repeat`` and ``y_pool`` (its generator is ``np.random.default_rng([seed, n, repeat])``), not
        on the models or the other sizes: a later call with ``sizes=[n]`` trains on the same sets.
    """
    from sklearn.metrics import roc_auc_score

    if not isinstance(models, Mapping) or not models:
        raise TypeError("models must be a non-empty dict of name -> fit_predict function")
    for name, function in models.items():
        if not callable(function):
            raise TypeError(f"models[{name!r}] must be callable as fit_predict(x_train, y_train, x_test)")
    y_pool, y_test = check_binary_labels("y_pool", y_pool), check_binary_labels("y_test", y_test)
    if len(x_pool) != len(y_pool) or len(x_test) != len(y_test):
        raise ValueError("x_pool/y_pool and x_test/y_test must have matching lengths")
    if len(np.unique(y_test)) != 2:
        raise ValueError("y_test must contain both classes to compute a ROC-AUC")
    repeats = check_int("repeats", repeats, 1)
    sizes = [check_int("each size", s, 4) for s in sizes]
    if not sizes:
        raise ValueError("sizes must list at least one training-set size")
    seed = check_int("seed", seed, 0)
    rows = []
    for n in sizes:
        for repeat in range(repeats):
            index = stratified_subset(y_pool, n, np.random.default_rng([seed, n, repeat]))
            draw_id = zlib.crc32(np.sort(index).astype(np.int64).tobytes())  # same id = same patients
            for name, fit_predict in models.items():
                scores = np.asarray(fit_predict(x_pool[index], y_pool[index], x_test)).reshape(-1)
                if scores.shape != (len(y_test),):
                    raise ValueError(f"model {name!r} returned {scores.shape[0]} scores for {len(y_test)} test rows")
                rows.append({"model": name, "n_train": n, "repeat": repeat,
                             "auc": float(roc_auc_score(y_test, scores)),
                             "n_positive": int(y_pool[index].sum()), "draw_id": draw_id})
    return pd.DataFrame(rows)


def sklearn_fit_predict(make_estimator: Callable[[int], Any], seed: int = 0) -> FitPredict:
    """Wrap a scikit-learn classifier factory as a ``fit_predict`` for :func:`learning_curve`.

    ``make_estimator(run_seed)`` must return an unfitted estimator with ``predict_proba``; each
    call of the returned function fits a new one and returns P(class 1). ``run_seed`` comes from
    :func:`run_seed`: the same training set gets the same seed.
    Images ``(n, S, S, 1)`` are flattened to ``(n, S*S)`` pixel rows. The linear algebra runs on
    one thread: for fits this small, several threads cost more in coordination than they save.
    The returned function keeps its fitted estimators, in order, in its attribute ``fitted``.
    """
    if not callable(make_estimator):
        raise TypeError("make_estimator must be callable: run_seed -> unfitted estimator")
    seed = check_int("seed", seed, 0)

    def fit_predict(x_train: np.ndarray, y_train: np.ndarray, x_test: np.ndarray) -> np.ndarray:
        import warnings

        from sklearn.exceptions import ConvergenceWarning
        from threadpoolctl import threadpool_limits

        estimator = make_estimator(run_seed(seed, x_train, y_train))
        with warnings.catch_warnings(), threadpool_limits(1):
            warnings.simplefilter("ignore", ConvergenceWarning)  # a fixed number of epochs is the design
            estimator.fit(x_train.reshape(len(x_train), -1), y_train)
            fit_predict.fitted.append(estimator)
            return estimator.predict_proba(x_test.reshape(len(x_test), -1))[:, 1]

    fit_predict.fitted = []
    return fit_predict


def cnn_fit_predict(cnn: SmallCNN, *, steps: int | Callable[[int], int], seed: int = 0, augment: bool = False,
                    initial_weights: list[np.ndarray] | None = None, validation_fraction: float = 0.0,
                    **fit_options: Any) -> FitPredict:
    """Wrap a :class:`SmallCNN` as a ``fit_predict`` for :func:`learning_curve`.

    Each call of the returned function trains one model and returns P(label 1) for the test images:

    1. start from fresh random weights (seeded by :func:`run_seed`: the same training set gets the
       same starting weights and the same mini-batch order), or from ``initial_weights``
       (transfer learning: weights from :meth:`SmallCNN.get_weights` after pretraining);
    2. if ``validation_fraction > 0``, hold out that share of the training images for early
       stopping (they are then *not* trained on: early stopping costs data);
    3. if ``augment``, add the 8 flips/rotations of each remaining training image
       (:func:`dihedral_augment`; after the hold-out, so no copy of a validation image is trained on);
    4. train for ``steps`` steps, or ``steps(n_train)`` steps if ``steps`` is a function of the
       training-set size (``fit_options`` go to :meth:`SmallCNN.fit`, e.g. ``l2=1e-3``).

    The returned function records each run in its attribute ``runs``: a list of dicts with
    ``n_train``, ``steps``, ``best_step`` and ``kernel_norm`` (:meth:`SmallCNN.kernel_norm` of the
    weights it kept).
    """
    if not isinstance(cnn, SmallCNN):
        raise TypeError(f"cnn must be a SmallCNN, got {type(cnn).__name__}")
    if not callable(steps):
        check_int("steps", steps, 1)
    validation_fraction = float(validation_fraction)
    if not 0.0 <= validation_fraction < 1.0:
        raise ValueError(f"validation_fraction must be in [0, 1), got {validation_fraction}")
    seed = check_int("seed", seed, 0)

    def fit_predict(x_train: np.ndarray, y_train: np.ndarray, x_test: np.ndarray) -> np.ndarray:
        this_seed = run_seed(seed, x_train, y_train)
        if initial_weights is None:
            cnn.reset(this_seed)
        else:
            cnn.set_weights(initial_weights)
        validation = None
        if validation_fraction:
            n_val = max(2, int(round(validation_fraction * len(x_train))))
            validation = (x_train[-n_val:], y_train[-n_val:])
            x_train, y_train = x_train[:-n_val], y_train[:-n_val]
        n_train = len(x_train) + (len(validation[0]) if validation else 0)
        run_steps = check_int("steps(n_train)", steps(n_train), 1) if callable(steps) else steps
        if augment:
            x_train, y_train = dihedral_augment(x_train, y_train)
        result = cnn.fit(x_train, y_train, steps=run_steps, seed=this_seed, validation=validation, **fit_options)
        fit_predict.runs.append({"n_train": n_train, "steps": run_steps, "best_step": result["best_step"],
                                 "kernel_norm": cnn.kernel_norm()})
        return cnn.predict(x_test)

    fit_predict.runs = []
    return fit_predict


def curve_summary(curve: pd.DataFrame) -> pd.DataFrame:
    """Mean and standard deviation of the test ROC-AUC per model and size (a wide table).

    Returns a DataFrame indexed by ``n_train`` with columns ``(statistic, model)``.
    """
    if not isinstance(curve, pd.DataFrame) or not {"model", "n_train", "auc"} <= set(curve.columns):
        raise TypeError("curve must be the DataFrame returned by learning_curve")
    return curve.pivot_table(index="n_train", columns="model", values="auc", aggfunc=["mean", "std"])


def plateau_size(curve: pd.DataFrame, model: str, target: float, tolerance: float = 0.01) -> int | None:
    """Smallest training-set size whose *mean* test ROC-AUC is within ``tolerance`` of ``target``.

    Returns ``None`` when no size of the curve gets there (the curve has not flattened yet).
    """
    if not isinstance(curve, pd.DataFrame) or not {"model", "n_train", "auc"} <= set(curve.columns):
        raise TypeError("curve must be the DataFrame returned by learning_curve")
    if model not in set(curve["model"]):
        raise ValueError(f"model {model!r} is not in the curve; it has {sorted(set(curve['model']))}")
    means = curve[curve["model"] == model].groupby("n_train")["auc"].mean().sort_index()
    reached = means[means >= target - tolerance]
    return int(reached.index[0]) if len(reached) else None

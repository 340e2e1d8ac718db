"""Machinery of notebook 04 (the data-volume challenge): learning curves, parameter counts, a small
CNN that can be retrained many times cheaply, label-preserving augmentation, and rare outcomes.

The idea of the notebook is to *measure* how much data a model needs: train it on training sets of
growing size, drawn again and again from a large pool, and score each fit on one large, fixed test
set (a *learning curve*). Most fits are tiny, so the cost is in the overheads; the helpers here keep
those low:

- :func:`learning_curve` draws the (stratified) training sets and scores any ``fit_predict``
  function on them; the same draws are used for every model, so the models are compared pairwise.
- :class:`SmallCNN` traces its training step once and re-initialises its weights (Keras' default
  Glorot-uniform scheme, drawn from a seeded NumPy generator) for each new run, instead of
  building, compiling and tracing a new Keras model every time (about 1-2 s each on 2 CPU cores).

TensorFlow/Keras are imported lazily: importing this module is cheap.
"""
from __future__ import annotations

import zlib
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from helpers.validation import check_int, check_number

#: The EHR columns used as model inputs (``sex`` is coded 1 for male, 0 for female).
EHR_FEATURES = ("age", "sex", "bmi", "systolic_bp", "heart_rate", "glucose", "cholesterol",
                "creatinine", "temperature", "smoker")
#: The EHR outcome column.
EHR_OUTCOME = "cardiac_event_5y"

FitPredict = Callable[[np.ndarray, np.ndarray, np.ndarray], np.ndarray]


# --- checks ---------------------------------------------------------------------------------------


def _check_labels(name: str, labels: object) -> np.ndarray:
    array = np.asarray(labels)
    if array.ndim != 1:
        raise ValueError(f"{name} must have shape (n,), got {array.shape}")
    if array.size and not np.isin(array, (0, 1)).all():
        raise ValueError(f"{name} must hold only 0 and 1, got values {np.unique(array)[:5].tolist()}")
    return array.astype(np.int64)


# --- tabular data ---------------------------------------------------------------------------------

def ehr_features(frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Model inputs and outcome from a :func:`helpers.ehr.make_cohort` frame.

    Returns ``x`` of shape ``(n, 10)`` (float64, the columns of :data:`EHR_FEATURES`, raw units)
    and ``y`` of shape ``(n,)`` (int64, 1 = cardiac event within five years).
    """
    if not isinstance(frame, pd.DataFrame):
        raise TypeError(f"frame must be a pandas DataFrame, got {type(frame).__name__}")
    missing = [c for c in (*EHR_FEATURES, EHR_OUTCOME) if c not in frame.columns]
    if missing:
        raise ValueError(f"frame lacks the columns {missing} (use helpers.ehr.make_cohort)")
    inputs = frame[list(EHR_FEATURES)].copy()
    inputs["sex"] = (inputs["sex"] == "M").astype(int)
    return inputs.to_numpy(dtype=float), frame[EHR_OUTCOME].to_numpy(dtype=np.int64)


def rare_outcome(frame: pd.DataFrame, prevalence: float, seed: int = 0) -> np.ndarray:
    """A rarer disease with the same risk factors as the cohort's cardiac events.

    The true log-odds of :func:`helpers.ehr.true_risk_logit` are shifted down until the average
    risk equals ``prevalence``; then each patient's outcome is drawn. Returns ``(n,)`` int64 labels
    (about ``prevalence * n`` ones).
    """
    from scipy.optimize import brentq

    from helpers.ehr import true_risk_logit

    prevalence = check_number("prevalence", prevalence, inclusive=False)
    logit = true_risk_logit(frame)
    shift = brentq(lambda s: np.mean(1 / (1 + np.exp(-(logit + s)))) - prevalence, -30.0, 30.0)
    rng = np.random.default_rng(seed)
    return (rng.random(len(logit)) < 1 / (1 + np.exp(-(logit + shift)))).astype(np.int64)


# --- learning curves ------------------------------------------------------------------------------

def stratified_subset(y: np.ndarray, n: int, rng: np.random.Generator, min_per_class: int = 2) -> np.ndarray:
    """Indices of ``n`` rows of ``y`` keeping its class balance (at least ``min_per_class`` each).

    Returns an int array of shape ``(n,)``, in random order.
    """
    y = _check_labels("y", y)
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
        the same training set). The draws depend only on ``seed``, ``y_pool``, ``sizes`` and
        ``repeats``, not on the models, so two calls with the same arguments use the same draws.
    """
    from sklearn.metrics import roc_auc_score

    if not isinstance(models, Mapping) or not models:
        raise TypeError("models must be a non-empty dict of name -> fit_predict function")
    for name, function in models.items():
        if not callable(function):
            raise TypeError(f"models[{name!r}] must be callable as fit_predict(x_train, y_train, x_test)")
    y_pool, y_test = _check_labels("y_pool", y_pool), _check_labels("y_test", y_test)
    if len(x_pool) != len(y_pool) or len(x_test) != len(y_test):
        raise ValueError("x_pool/y_pool and x_test/y_test must have matching lengths")
    if len(np.unique(y_test)) != 2:
        raise ValueError("y_test must contain both classes to compute a ROC-AUC")
    repeats = check_int("repeats", repeats, 1)
    sizes = [check_int("each size", s, 4) for s in sizes]
    if not sizes:
        raise ValueError("sizes must list at least one training-set size")
    rng = np.random.default_rng(seed)
    rows = []
    for n in sizes:
        for repeat in range(repeats):
            index = stratified_subset(y_pool, n, rng)
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
    call of the returned function fits a new one (with a new ``run_seed``) and returns P(class 1).
    Images ``(n, S, S, 1)`` are flattened to ``(n, S*S)`` pixel rows. The linear algebra runs on
    one thread: for fits this small, several threads cost more in coordination than they save.
    """
    if not callable(make_estimator):
        raise TypeError("make_estimator must be callable: run_seed -> unfitted estimator")
    counter = {"runs": 0}

    def fit_predict(x_train: np.ndarray, y_train: np.ndarray, x_test: np.ndarray) -> np.ndarray:
        import warnings

        from sklearn.exceptions import ConvergenceWarning
        from threadpoolctl import threadpool_limits

        counter["runs"] += 1
        estimator = make_estimator(seed + counter["runs"])
        with warnings.catch_warnings(), threadpool_limits(1):
            warnings.simplefilter("ignore", ConvergenceWarning)  # a few more iterations would not matter
            estimator.fit(x_train.reshape(len(x_train), -1), y_train)
            return estimator.predict_proba(x_test.reshape(len(x_test), -1))[:, 1]

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


def plot_learning_curves(curve: pd.DataFrame, ax: Any = None, *, ceiling: float | None = None,
                         title: str = "", unit: str = "patients") -> Any:
    """Mean test ROC-AUC against training-set size (log scale), shaded +/- one standard deviation.

    ``curve`` comes from :func:`learning_curve`; ``ceiling`` draws the best achievable ROC-AUC as a
    dotted line; ``unit`` names the x axis (``"patients"``, ``"images"``). Returns the axes.
    """
    import matplotlib.pyplot as plt
    import seaborn as sns

    from helpers.plotting import PALETTE

    if not isinstance(curve, pd.DataFrame) or not {"model", "n_train", "auc"} <= set(curve.columns):
        raise TypeError("curve must be the DataFrame returned by learning_curve")
    if ax is None:
        _, ax = plt.subplots(figsize=(7, 4))
    names = list(dict.fromkeys(curve["model"]))
    sns.lineplot(data=curve, x="n_train", y="auc", hue="model", hue_order=names, style="model",
                 markers=True, dashes=False, errorbar="sd", palette=list(PALETTE[:len(names)]), ax=ax)
    if ceiling is not None:
        ax.axhline(ceiling, color="grey", ls=":", lw=1.5, label="best possible (true risk)")
    ax.set_xscale("log")
    sizes = sorted(set(curve["n_train"]))
    ax.set_xticks(sizes, [f"{s:,}" for s in sizes])
    ax.minorticks_off()
    ax.set_xlabel(f"training-set size ({unit}, log scale)")
    ax.set_ylabel("test ROC-AUC (mean +/- 1 sd over draws)")
    ax.set_title(title)
    ax.legend(loc="lower right")
    return ax


# --- parameters -----------------------------------------------------------------------------------

def dense_parameter_count(layer_sizes: Sequence[int]) -> int:
    """Weights plus biases of a fully connected network with these layer widths.

    ``layer_sizes`` runs from the inputs to the output, e.g. ``(10, 32, 16, 1)``: each layer of
    ``b`` units fed by ``a`` inputs has ``a * b`` weights and ``b`` biases.
    """
    sizes = [check_int("each layer size", s, 1) for s in layer_sizes]
    if len(sizes) < 2:
        raise ValueError("layer_sizes needs the input width and at least one layer, e.g. (10, 1)")
    return int(sum((a + 1) * b for a, b in zip(sizes[:-1], sizes[1:])))


def n_parameters(model: Any) -> int:
    """Number of trainable numbers (weights and biases) of a fitted scikit-learn model or a Keras model.

    Handles ``LogisticRegression`` (``coef_``, ``intercept_``), ``MLPClassifier`` (``coefs_``,
    ``intercepts_``), a ``Pipeline`` ending in either, a :class:`SmallCNN` and Keras models.
    """
    if isinstance(model, SmallCNN):
        return model.n_parameters
    if hasattr(model, "count_params"):
        return int(model.count_params())
    if hasattr(model, "steps"):  # a scikit-learn Pipeline: the last step holds the parameters
        return n_parameters(model.steps[-1][1])
    if hasattr(model, "coefs_"):
        return int(sum(w.size for w in model.coefs_) + sum(b.size for b in model.intercepts_))
    if hasattr(model, "coef_"):
        return int(np.size(model.coef_) + np.size(model.intercept_))
    raise TypeError(f"cannot count the parameters of a {type(model).__name__} (is it fitted?)")


# --- images: augmentation and a re-usable small CNN -----------------------------------------------

def dihedral_augment(images: np.ndarray, labels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The 8 flips and quarter-turn rotations of every image (the symmetries of a square).

    A lesion's shape, and so its label, does not change when the image is turned or mirrored,
    so each copy is a new, correctly labelled training example. ``images`` ``(n, S, S, C)``,
    ``labels`` ``(n,)``; returns ``(8n, S, S, C)`` images and ``(8n,)`` labels (originals first).
    """
    images = np.asarray(images)
    labels = np.asarray(labels)
    if images.ndim != 4 or images.shape[1] != images.shape[2]:
        raise ValueError(f"images must have shape (n, S, S, C) with square images, got {images.shape}")
    if labels.shape != (len(images),):
        raise ValueError(f"labels must have shape ({len(images)},), got {labels.shape}")
    copies = []
    for flipped in (images, images[:, :, ::-1]):
        for quarter_turns in range(4):
            copies.append(np.rot90(flipped, quarter_turns, axes=(1, 2)))
    return np.concatenate(copies).astype(images.dtype), np.tile(labels, 8)


class SmallCNN:
    """A small CNN for ``S x S x 1`` images that can be trained from scratch many times, cheaply.

    Architecture (about 1,300 trainable parameters with the default filters)::

        standardise each image (mean 0, sd 1)
        -> Conv 3x3 (f1 filters) -> BatchNorm -> ReLU -> MaxPool 2
        -> Conv 3x3 (f2 filters) -> BatchNorm -> ReLU -> MaxPool 2
        -> global max pooling (each filter's strongest response anywhere)
        -> [Dropout] -> Dense(1, sigmoid) = P(suspicious lesion)

    The training step (Adam, binary cross-entropy plus an optional L2 penalty on the kernels) is
    traced once per instance; :meth:`reset` gives fresh random weights and a fresh optimizer, so a
    new run costs only its own gradient steps. Everything is seeded explicitly.

    Args:
        image_size: side ``S`` of the square images, in pixels.
        filters: numbers of filters of the two convolutions.
        dropout: dropout rate before the output layer (0 = none).
        learning_rate: Adam's initial step size (it decays along a cosine during each run).
    """

    def __init__(self, image_size: int, *, filters: tuple[int, int] = (8, 16), dropout: float = 0.0,
                 learning_rate: float = 1e-2) -> None:
        import keras

        self.image_size = check_int("image_size", image_size, 8)
        if not isinstance(filters, (tuple, list)) or len(filters) != 2:
            raise ValueError(f"filters must be two ints, got {filters!r}")
        self.filters = tuple(check_int("each filter count", f, 1) for f in filters)
        if isinstance(dropout, bool) or not isinstance(dropout, (int, float)) or not 0 <= dropout < 1:
            raise ValueError(f"dropout must be a number in [0, 1), got {dropout!r}")
        self.dropout = float(dropout)
        self.learning_rate = check_number("learning_rate", learning_rate, inclusive=False)
        layers = [keras.Input((self.image_size, self.image_size, 1)),
                  # Each image to mean 0, standard deviation 1: removes scan-to-scan brightness.
                  keras.layers.LayerNormalization(axis=[1, 2, 3], center=False, scale=False,
                                                  name="standardise")]
        for stage, width in enumerate(self.filters, start=1):
            layers += [keras.layers.Conv2D(width, 3, padding="same", use_bias=False, name=f"conv{stage}"),
                       keras.layers.BatchNormalization(momentum=0.9, name=f"bn{stage}"),
                       keras.layers.Activation("relu", name=f"relu{stage}"),
                       keras.layers.MaxPooling2D(2, name=f"pool{stage}")]
        # The strongest response of each filter anywhere in the image: "is there a spike?"
        layers.append(keras.layers.GlobalMaxPooling2D(name="global_pool"))
        if self.dropout:
            layers.append(keras.layers.Dropout(self.dropout, seed=0, name="dropout"))
        layers.append(keras.layers.Dense(1, activation="sigmoid", name="output"))
        self.model = keras.Sequential(layers, name="small_cnn")
        self._optimizer = keras.optimizers.Adam(self.learning_rate)
        self._optimizer.build(self.model.trainable_variables)
        self._l2 = keras.Variable(0.0, trainable=False, name="l2_strength")
        self._train_step = None
        self._predict = None
        self.reset(0)

    @property
    def n_parameters(self) -> int:
        """Trainable numbers (weights, biases, batch-norm scales and shifts)."""
        return int(sum(np.prod(v.shape) for v in self.model.trainable_variables))

    def reset(self, seed: int = 0) -> SmallCNN:
        """Fresh Glorot-uniform kernels and zero biases (Keras' defaults) from ``seed``; fresh Adam."""
        rng = np.random.default_rng(check_int("seed", seed, 0))
        for variable in self.model.weights:
            shape, kind = tuple(variable.shape), variable.path.rsplit("/", 1)[-1]
            if kind == "kernel":
                receptive = int(np.prod(shape[:-2])) if len(shape) > 2 else 1
                fan_in, fan_out = shape[-2] * receptive, shape[-1] * receptive
                limit = np.sqrt(6.0 / (fan_in + fan_out))
                variable.assign(rng.uniform(-limit, limit, shape).astype(np.float32))
            elif kind in ("gamma", "moving_variance"):
                variable.assign(np.ones(shape, np.float32))
            else:  # bias, beta, moving_mean
                variable.assign(np.zeros(shape, np.float32))
        self._reset_optimizer()
        return self

    def _reset_optimizer(self) -> None:
        """Zero Adam's step counter and moment estimates; put back the initial learning rate."""
        for variable in self._optimizer.variables:
            if variable.path.endswith("learning_rate"):
                variable.assign(self.learning_rate)
            else:
                variable.assign(np.zeros(variable.shape, dtype=variable.dtype))

    def get_weights(self) -> list[np.ndarray]:
        """A copy of the current weights (e.g. after pretraining, for :meth:`set_weights`)."""
        return [w.copy() for w in self.model.get_weights()]

    def set_weights(self, weights: list[np.ndarray]) -> SmallCNN:
        """Load weights (from :meth:`get_weights` of an instance of the same shape); fresh Adam."""
        self.model.set_weights(weights)
        self._reset_optimizer()
        return self

    def _step(self) -> Any:
        """The traced training step ``step(images, labels, learning_rate) -> loss`` (built once)."""
        import tensorflow as tf

        if self._train_step is None:
            model, optimizer, l2 = self.model, self._optimizer, self._l2
            variables = model.trainable_variables
            kernels = [layer.kernel for layer in model.layers if hasattr(layer, "kernel")]
            signature = [tf.TensorSpec((None, self.image_size, self.image_size, 1), tf.float32),
                         tf.TensorSpec((None,), tf.float32), tf.TensorSpec((), tf.float32)]

            @tf.function(input_signature=signature)
            def step(x, y, rate):
                optimizer.learning_rate.assign(rate)
                with tf.GradientTape() as tape:
                    p = tf.clip_by_value(model(x, training=True)[:, 0], 1e-7, 1 - 1e-7)
                    loss = -tf.reduce_mean(y * tf.math.log(p) + (1 - y) * tf.math.log(1 - p))
                    penalty = tf.add_n([tf.reduce_sum(tf.square(k)) for k in kernels])
                    total = loss + l2 * penalty
                gradients = tape.gradient(total, variables)
                optimizer.apply_gradients(zip(gradients, variables))
                return loss

            self._train_step = step
        return self._train_step

    def predict(self, images: np.ndarray, batch_size: int = 2048) -> np.ndarray:
        """P(label 1) for ``images`` ``(n, S, S, 1)``; returns ``(n,)`` float32 (batched, no dropout)."""
        import tensorflow as tf

        images = self._check_images("images", images)
        if self._predict is None:
            model = self.model
            spec = tf.TensorSpec((None, self.image_size, self.image_size, 1), tf.float32)

            @tf.function(input_signature=[spec])
            def predict_batch(x):  # a named function, not a lambda: AutoGraph converts it silently
                return model(x, training=False)[:, 0]

            self._predict = predict_batch
        return np.concatenate([self._predict(tf.constant(images[i:i + batch_size])).numpy()
                               for i in range(0, len(images), batch_size)])

    def _check_images(self, name: str, images: np.ndarray) -> np.ndarray:
        images = np.asarray(images, dtype=np.float32)
        expected = (self.image_size, self.image_size, 1)
        if images.ndim != 4 or images.shape[1:] != expected:
            raise ValueError(f"{name} must have shape (n, {self.image_size}, {self.image_size}, 1), got {images.shape}")
        return images

    def fit(self, images: np.ndarray, labels: np.ndarray, *, steps: int, batch_size: int = 16,
            l2: float = 0.0, learning_rate: float | None = None, validation: tuple[np.ndarray, np.ndarray] | None = None,
            check_every: int = 10, seed: int = 0) -> dict[str, Any]:
        """Train for ``steps`` mini-batch steps (reshuffling every pass over the data).

        Args:
            images: ``(n, S, S, 1)`` float in [0, 1]; labels: ``(n,)`` 0/1.
            steps: number of gradient steps (>= 1); a fixed number of steps, not of epochs, gives
                every training-set size the same amount of optimisation.
            batch_size: images per step (smaller sets use all their images each step).
            l2: weight-decay strength: ``l2 * sum(kernel**2)`` is added to the loss.
            learning_rate: Adam's initial step size for this run (default: the one given at
                construction); it decays along a cosine to 0 over the ``steps``.
            validation: optional ``(images, labels)``: early stopping keeps the weights with the
                lowest validation loss, checked every ``check_every`` steps.
            seed: seed of the mini-batch shuffling.

        Returns:
            ``{"steps": steps run, "best_step": step whose weights were kept, "val_loss": [...]}``.
        """
        import tensorflow as tf

        images = self._check_images("images", images)
        labels = _check_labels("labels", labels).astype(np.float32)
        if len(images) != len(labels):
            raise ValueError(f"images has {len(images)} items but labels has {len(labels)}")
        steps = check_int("steps", steps, 1)
        batch_size = check_int("batch_size", batch_size, 1)
        check_every = check_int("check_every", check_every, 1)
        if isinstance(l2, bool) or not isinstance(l2, (int, float)) or l2 < 0:
            raise ValueError(f"l2 must be a number >= 0, got {l2!r}")
        self._l2.assign(float(l2))
        rate = (self.learning_rate if learning_rate is None
                else check_number("learning_rate", learning_rate, inclusive=False))
        # Cosine decay from `rate` towards 0 over the run: big steps first, then settle.
        rates = (0.5 * rate * (1 + np.cos(np.pi * np.arange(steps) / steps))).astype(np.float32)
        step = self._step()
        rng = np.random.default_rng(check_int("seed", seed, 0))
        batch = min(batch_size, len(images))
        order, position = rng.permutation(len(images)), 0
        best = {"loss": np.inf, "step": steps, "weights": None}
        history: list[float] = []
        for number in range(1, steps + 1):
            if position + batch > len(order):
                order, position = rng.permutation(len(images)), 0
            chosen = order[position:position + batch]
            position += batch
            step(tf.constant(images[chosen]), tf.constant(labels[chosen]), tf.constant(rates[number - 1]))
            if validation is not None and (number % check_every == 0 or number == steps):
                val_loss = self.loss(*validation)
                history.append(val_loss)
                if val_loss < best["loss"]:
                    best = {"loss": val_loss, "step": number, "weights": self.model.get_weights()}
        if best["weights"] is not None:
            self.model.set_weights(best["weights"])
        return {"steps": steps, "best_step": best["step"], "val_loss": history}

    def loss(self, images: np.ndarray, labels: np.ndarray) -> float:
        """Mean binary cross-entropy (nats per image) of the current model on ``(images, labels)``."""
        labels = _check_labels("labels", labels)
        p = np.clip(self.predict(images).astype(np.float64), 1e-7, 1 - 1e-7)
        return float(-np.mean(labels * np.log(p) + (1 - labels) * np.log(1 - p)))


def cnn_fit_predict(cnn: SmallCNN, *, steps: int, seed: int = 0, augment: bool = False,
                    initial_weights: list[np.ndarray] | None = None, validation_fraction: float = 0.0,
                    **fit_options: Any) -> FitPredict:
    """Wrap a :class:`SmallCNN` as a ``fit_predict`` for :func:`learning_curve`.

    Each call of the returned function trains one model and returns P(label 1) for the test images:

    1. start from fresh random weights (a new seed per call), or from ``initial_weights``
       (transfer learning: weights from :meth:`SmallCNN.get_weights` after pretraining);
    2. if ``validation_fraction > 0``, hold out that share of the training images for early
       stopping (they are then *not* trained on: early stopping costs data);
    3. if ``augment``, add the 8 flips/rotations of each remaining training image
       (:func:`dihedral_augment`; after the hold-out, so no copy of a validation image is trained on);
    4. train for ``steps`` steps (``fit_options`` go to :meth:`SmallCNN.fit`, e.g. ``l2=1e-3``).
    """
    if not isinstance(cnn, SmallCNN):
        raise TypeError(f"cnn must be a SmallCNN, got {type(cnn).__name__}")
    validation_fraction = float(validation_fraction)
    if not 0.0 <= validation_fraction < 1.0:
        raise ValueError(f"validation_fraction must be in [0, 1), got {validation_fraction}")
    counter = {"runs": 0}

    def fit_predict(x_train: np.ndarray, y_train: np.ndarray, x_test: np.ndarray) -> np.ndarray:
        counter["runs"] += 1
        run_seed = seed + 1000 * counter["runs"]
        if initial_weights is None:
            cnn.reset(run_seed)
        else:
            cnn.set_weights(initial_weights)
        validation = None
        if validation_fraction:
            n_val = max(2, int(round(validation_fraction * len(x_train))))
            validation = (x_train[-n_val:], y_train[-n_val:])
            x_train, y_train = x_train[:-n_val], y_train[:-n_val]
        if augment:
            x_train, y_train = dihedral_augment(x_train, y_train)
        cnn.fit(x_train, y_train, steps=steps, seed=run_seed, validation=validation, **fit_options)
        return cnn.predict(x_test)

    return fit_predict


# --- rare outcomes --------------------------------------------------------------------------------

def operating_point(y_true: np.ndarray, scores: np.ndarray, threshold: float) -> dict[str, float]:
    """What flagging every patient with ``score >= threshold`` means, per 1,000 patients.

    ``y_true`` ``(n,)`` 0/1 with both classes present, ``scores`` ``(n,)``. Returns sensitivity
    (share of cases flagged), specificity, precision (PPV: share of flagged who are cases; NaN when
    nobody is flagged), accuracy, and per 1,000 patients: ``flagged``, ``cases_found``,
    ``cases_missed``, ``false_alarms``.
    """
    y_true = _check_labels("y_true", y_true)
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
        "sensitivity": tp / (tp + fn),
        "specificity": tn / (tn + fp),
        "precision": tp / (tp + fp) if tp + fp else float("nan"),
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
    y_true = _check_labels("y_true", y_true)
    scores = np.asarray(scores, dtype=float).reshape(-1)
    if scores.shape != y_true.shape:
        raise ValueError(f"scores must have shape {y_true.shape}, got {scores.shape}")
    if not y_true.any():
        raise ValueError("y_true has no positive case: sensitivity is undefined")
    target = check_number("target", target, low=0.0, high=1.0 + 1e-12, inclusive=False)
    positive_scores = np.sort(scores[y_true == 1])[::-1]
    needed = int(np.ceil(target * len(positive_scores) - 1e-9))
    return float(positive_scores[max(needed, 1) - 1])


__all__ = [
    "EHR_FEATURES", "EHR_OUTCOME", "SmallCNN", "cnn_fit_predict", "curve_summary",
    "dense_parameter_count", "dihedral_augment", "ehr_features", "learning_curve", "n_parameters",
    "operating_point", "plateau_size", "plot_learning_curves", "rare_outcome", "sklearn_fit_predict",
    "stratified_subset", "threshold_for_sensitivity",
]

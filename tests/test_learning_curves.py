"""Unit tests for helpers.evaluation.learning_curves and the SmallCNN its curves train; fast, including bad input."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.neural_network import MLPClassifier

from helpers import architecture, plotting
from helpers.evaluation import learning_curves
from helpers.models import convolutional
from tests.lesson_cells import lesson_namespace


# --- learning curves ------------------------------------------------------------------------------

def test_stratified_subset_keeps_balance_and_is_unique():
    y = np.array([1] * 30 + [0] * 70)
    index = learning_curves.stratified_subset(y, 20, np.random.default_rng(0))
    assert index.shape == (20,) and len(set(index)) == 20
    assert y[index].sum() == 6
    tiny = learning_curves.stratified_subset(np.array([1] * 3 + [0] * 97), 10, np.random.default_rng(0))
    assert y[tiny].sum() >= 0 and np.array([1] * 3 + [0] * 97)[tiny].sum() >= 2, "at least 2 of each class"


def test_stratified_subset_bad_input():
    rng = np.random.default_rng(0)
    with pytest.raises(ValueError, match="exceed"):
        learning_curves.stratified_subset(np.array([0, 1] * 5), 11, rng)
    with pytest.raises(ValueError, match="0 and 1"):
        learning_curves.stratified_subset(np.array([0, 2, 1, 1]), 4, rng)
    with pytest.raises(ValueError, match="each class"):
        learning_curves.stratified_subset(np.array([1] + [0] * 20), 6, rng)
    with pytest.raises(TypeError, match="n must be an int"):
        learning_curves.stratified_subset(np.array([0, 1] * 5), 4.0, rng)


def _toy_pool(n: int = 400, seed: int = 0):
    rng = np.random.default_rng(seed)
    y = (rng.random(n) < 0.3).astype(int)
    x = np.column_stack([y + rng.normal(0, 1, n), rng.normal(0, 1, n)])
    return x, y


def _first_column(x_train, y_train, x_test):
    return x_test[:, 0]


def test_learning_curve_rows_scores_and_same_draws():
    x, y = _toy_pool()
    xt, yt = _toy_pool(300, seed=1)
    models = {"first column": _first_column,
              "logistic": learning_curves.sklearn_fit_predict(lambda s: LogisticRegression())}
    curve = learning_curves.learning_curve(models, x, y, xt, yt, [20, 80], repeats=2, seed=5)
    assert list(curve.columns) == ["model", "n_train", "repeat", "auc", "n_positive", "draw_id"]
    assert len(curve) == 2 * 2 * 2
    fixed = curve[curve["model"] == "first column"]["auc"]
    assert np.allclose(fixed, roc_auc_score(yt, xt[:, 0]))
    # Every model sees the same draws, and a second call repeats them.
    ids = curve.pivot_table(index=["n_train", "repeat"], columns="model", values="draw_id")
    assert (ids["first column"] == ids["logistic"]).all()
    again = learning_curves.learning_curve({"other": _first_column}, x, y, xt, yt, [20, 80], repeats=2, seed=5)
    assert list(again["draw_id"]) == list(curve[curve["model"] == "logistic"]["draw_id"])
    assert curve["n_positive"].between(1, 80).all()


def test_learning_curve_bad_input():
    x, y = _toy_pool()
    with pytest.raises(TypeError, match="non-empty dict"):
        learning_curves.learning_curve({}, x, y, x, y, [20], 1)
    with pytest.raises(TypeError, match="callable"):
        learning_curves.learning_curve({"m": 3}, x, y, x, y, [20], 1)
    with pytest.raises(ValueError, match="both classes"):
        learning_curves.learning_curve({"m": _first_column}, x, y, x, np.zeros(len(y), int), [20], 1)
    with pytest.raises(ValueError, match="matching lengths"):
        learning_curves.learning_curve({"m": _first_column}, x[:-1], y, x, y, [20], 1)
    with pytest.raises(ValueError, match="repeats"):
        learning_curves.learning_curve({"m": _first_column}, x, y, x, y, [20], 0)
    with pytest.raises(ValueError, match="at least one"):
        learning_curves.learning_curve({"m": _first_column}, x, y, x, y, [], 1)
    with pytest.raises(ValueError, match="returned"):
        learning_curves.learning_curve({"m": lambda a, b, c: np.zeros(3)}, x, y, x, y, [20], 1)


def test_sklearn_fit_predict_flattens_images_and_rejects_non_callables():
    rng = np.random.default_rng(0)
    images = rng.random((60, 4, 4, 1))
    labels = (images[:, 0, 0, 0] > 0.5).astype(int)
    scores = learning_curves.sklearn_fit_predict(lambda s: LogisticRegression())(images, labels, images)
    assert scores.shape == (60,) and roc_auc_score(labels, scores) > 0.9
    with pytest.raises(TypeError, match="callable"):
        learning_curves.sklearn_fit_predict(LogisticRegression())


def test_draws_depend_only_on_seed_size_and_repeat():
    x, y = _toy_pool()
    xt, yt = _toy_pool(300, seed=1)
    both = learning_curves.learning_curve({"m": _first_column}, x, y, xt, yt, [20, 80], repeats=2, seed=5)
    alone = learning_curves.learning_curve({"m": _first_column}, x, y, xt, yt, [80], repeats=2, seed=5)
    assert list(both[both["n_train"] == 80]["draw_id"]) == list(alone["draw_id"])
    other = learning_curves.learning_curve({"m": _first_column}, x, y, xt, yt, [80], repeats=2, seed=6)
    assert set(other["draw_id"]).isdisjoint(alone["draw_id"]), "another seed, other draws"


def test_notebook_learning_curve_agrees_with_the_helper():
    from sklearn.metrics import roc_auc_score as auc

    lesson = lesson_namespace("04_data_volume.ipynb", "a learning curve",
                              {"np": np, "pd": pd, "learning_curves": learning_curves, "roc_auc_score": auc})
    x, y = _toy_pool()
    xt, yt = _toy_pool(300, seed=1)
    models = lambda: {"first column": _first_column,  # noqa: E731
                      "logistic": learning_curves.sklearn_fit_predict(lambda s: LogisticRegression(C=0.1)),
                      "mlp": learning_curves.sklearn_fit_predict(
                          lambda s: MLPClassifier((4,), max_iter=30, random_state=s), seed=3)}
    mine = lesson["learning_curve"](models(), x, y, xt, yt, [20, 80], repeats=3, seed=11)
    helper = learning_curves.learning_curve(models(), x, y, xt, yt, [20, 80], repeats=3, seed=11)
    columns = ["model", "n_train", "repeat", "auc"]
    pd.testing.assert_frame_equal(mine[columns], helper[columns], check_dtype=False)


def test_run_seed_pairs_runs_on_the_same_training_set():
    x, y = _toy_pool()
    assert learning_curves.run_seed(0, x[:50], y[:50]) == learning_curves.run_seed(0, x[:50].copy(), y[:50].copy())
    assert learning_curves.run_seed(0, x[:50], y[:50]) != learning_curves.run_seed(0, x[1:51], y[1:51])
    assert learning_curves.run_seed(0, x[:50], y[:50]) != learning_curves.run_seed(1, x[:50], y[:50])
    assert 0 <= learning_curves.run_seed(10**6, x, y) < 2**31
    with pytest.raises(ValueError, match="seed"):
        learning_curves.run_seed(-1, x, y)


def test_sklearn_fit_predict_keeps_its_fitted_models():
    x, y = _toy_pool()
    fit_predict = learning_curves.sklearn_fit_predict(lambda s: MLPClassifier((3,), max_iter=5, random_state=s))
    first = fit_predict(x[:60], y[:60], x)
    again = fit_predict(x[:60], y[:60], x)
    assert len(fit_predict.fitted) == 2 and np.array_equal(first, again), "same training set, same seed, same model"


def _curve_frame() -> pd.DataFrame:
    rows = []
    for n, auc in [(10, 0.60), (100, 0.75), (1000, 0.79)]:
        for repeat, noise in enumerate((-0.01, 0.01)):
            rows.append({"model": "m", "n_train": n, "repeat": repeat, "auc": auc + noise})
    return pd.DataFrame(rows)


def test_plateau_size_and_summary():
    curve = _curve_frame()
    assert learning_curves.plateau_size(curve, "m", target=0.80, tolerance=0.02) == 1000
    assert learning_curves.plateau_size(curve, "m", target=0.80, tolerance=0.06) == 100
    assert learning_curves.plateau_size(curve, "m", target=0.95, tolerance=0.01) is None
    summary = learning_curves.curve_summary(curve)
    assert summary[("mean", "m")].loc[100] == pytest.approx(0.75)
    assert summary[("std", "m")].loc[100] > 0


def test_plateau_size_and_summary_bad_input():
    with pytest.raises(ValueError, match="not in the curve"):
        learning_curves.plateau_size(_curve_frame(), "other", 0.8)
    with pytest.raises(TypeError, match="learning_curve"):
        learning_curves.plateau_size([1, 2], "m", 0.8)
    with pytest.raises(TypeError, match="learning_curve"):
        learning_curves.curve_summary(pd.DataFrame({"x": [1]}))


def test_plot_learning_curves_draws_labelled_axes():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    ax = plotting.plot_learning_curves(_curve_frame(), ceiling=0.85, title="t", unit="images")
    assert "images" in ax.get_xlabel() and "ROC-AUC" in ax.get_ylabel() and ax.get_xscale() == "log"
    plt.close("all")
    with pytest.raises(TypeError):
        plotting.plot_learning_curves(pd.DataFrame({"x": [1]}))


# --- the small CNN (TensorFlow: a few seconds) ----------------------------------------------------

@pytest.fixture(scope="module")
def cnn():
    import keras

    keras.utils.set_random_seed(0)
    return convolutional.SmallCNN(16)


@pytest.fixture(scope="module")
def scans():
    from helpers.data.imaging import make_scans

    return make_scans(64, image_size=16, seed=0)


def test_small_cnn_parameters_and_deterministic_reset(cnn):
    assert architecture.n_parameters(cnn) == cnn.n_parameters == 72 + 16 + 1152 + 32 + 17
    first = cnn.reset(3).get_weights()
    assert all(np.array_equal(a, b) for a, b in zip(first, cnn.reset(3).get_weights()))
    assert not np.array_equal(first[0], cnn.reset(4).get_weights()[0])


def test_small_cnn_trains_predicts_and_resets_optimizer(cnn, scans):
    cnn.reset(0)
    before = cnn.loss(scans["images"], scans["labels"])
    result = cnn.fit(scans["images"], scans["labels"], steps=15, learning_rate=5e-3)
    assert result["steps"] == 15 and result["val_loss"] == []
    last_rate = 0.5 * 5e-3 * (1 + np.cos(np.pi * 14 / 15))  # the cosine schedule's last step
    assert float(cnn._optimizer.learning_rate.numpy()) == pytest.approx(last_rate, rel=1e-4)
    assert int(cnn._optimizer.iterations.numpy()) == 15
    assert cnn.loss(scans["images"], scans["labels"]) < before, "training lowers the training loss"
    probabilities = cnn.predict(scans["images"])
    assert probabilities.shape == (64,) and ((probabilities > 0) & (probabilities < 1)).all()
    cnn.reset(0)
    for variable in cnn._optimizer.variables:
        expected = cnn.learning_rate if variable.path.endswith("learning_rate") else 0.0
        assert float(np.max(np.abs(variable.numpy()))) == pytest.approx(expected), variable.path


def test_small_cnn_early_stopping_keeps_best_weights(cnn, scans):
    validation = (scans["images"][:16], scans["labels"][:16])
    result = cnn.reset(1).fit(scans["images"][16:], scans["labels"][16:], steps=12, validation=validation,
                              check_every=4)
    assert len(result["val_loss"]) == 3
    assert result["best_step"] == 4 * (int(np.argmin(result["val_loss"])) + 1)
    assert cnn.loss(*validation) == pytest.approx(min(result["val_loss"]), rel=1e-4)


def test_small_cnn_bad_input(cnn, scans):
    with pytest.raises(ValueError, match="shape"):
        cnn.predict(np.zeros((2, 24, 24, 1)))
    with pytest.raises(ValueError, match="labels"):
        cnn.fit(scans["images"], scans["labels"][:10], steps=1)
    with pytest.raises(ValueError, match="steps"):
        cnn.fit(scans["images"], scans["labels"], steps=0)
    with pytest.raises(ValueError, match="l2"):
        cnn.fit(scans["images"], scans["labels"], steps=1, l2=-1)
    with pytest.raises(ValueError, match="filters"):
        convolutional.SmallCNN(16, filters=(8,))
    with pytest.raises(ValueError, match="dropout"):
        convolutional.SmallCNN(16, dropout=1.0)
    with pytest.raises(TypeError, match="image_size"):
        convolutional.SmallCNN(16.0)


def test_cnn_fit_predict_modes(cnn, scans):
    x, y = scans["images"], scans["labels"]
    for options in ({}, {"augment": True}, {"validation_fraction": 0.25},
                    {"initial_weights": cnn.reset(9).get_weights()}):
        scores = learning_curves.cnn_fit_predict(cnn, steps=2, seed=1, **options)(x[:20], y[:20], x[20:])
        assert scores.shape == (44,)
    with pytest.raises(TypeError, match="SmallCNN"):
        learning_curves.cnn_fit_predict(object(), steps=2)
    with pytest.raises(ValueError, match="validation_fraction"):
        learning_curves.cnn_fit_predict(cnn, steps=2, validation_fraction=1.0)


def test_cnn_fit_predict_steps_per_size_and_run_records(cnn, scans):
    x, y = scans["images"], scans["labels"]
    fit_predict = learning_curves.cnn_fit_predict(cnn, steps=lambda n: n // 10, seed=2, l2=1e-2)
    first = fit_predict(x[:20], y[:20], x[20:])
    fit_predict(x[:40], y[:40], x[40:])
    assert [run["steps"] for run in fit_predict.runs] == [2, 4]
    assert [run["n_train"] for run in fit_predict.runs] == [20, 40]
    assert fit_predict.runs[0]["kernel_norm"] > 0
    again = learning_curves.cnn_fit_predict(cnn, steps=lambda n: n // 10, seed=2, l2=1e-2)(x[:20], y[:20], x[20:])
    assert np.array_equal(first, again), "the same training set gets the same start and the same batches"
    with pytest.raises(ValueError, match="steps"):
        learning_curves.cnn_fit_predict(cnn, steps=lambda n: 0)(x[:20], y[:20], x[20:])
    with pytest.raises(ValueError, match="steps"):
        learning_curves.cnn_fit_predict(cnn, steps=0)


def test_small_cnn_kernel_norm_and_l2_shrinks_it(cnn, scans):
    kernels = [layer.kernel.numpy() for layer in cnn.reset(5).model.layers if hasattr(layer, "kernel")]
    assert cnn.kernel_norm() == pytest.approx(np.sqrt(sum(np.sum(k ** 2) for k in kernels)), rel=1e-5)
    x, y = scans["images"], scans["labels"]
    cnn.reset(5).fit(x, y, steps=30, seed=1)
    plain = cnn.kernel_norm()
    cnn.reset(5).fit(x, y, steps=30, seed=1, l2=0.1)
    assert cnn.kernel_norm() < plain, "an L2 penalty shrinks the kernels"

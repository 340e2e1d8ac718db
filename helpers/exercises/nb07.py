"""Exercises of notebook 07: interpretability, SHAP and saliency checked against the truth."""
from __future__ import annotations

import numpy as np

from helpers.data.records import RISK_COEFFICIENTS, RISK_SCALES
from helpers.exercises import Exercise, NotAttempted

# --- q1: SHAP values of a linear model ------------------------------------------------------------

_RNG = np.random.default_rng(7)
_WEIGHTS = np.array([1.1, -0.4, 0.0, 0.8])
_BACKGROUND = _RNG.normal(0.5, 1.0, (50, 4))
_PATIENTS = _RNG.normal(0.0, 1.5, (6, 4))


def _check_linear_shap(answer) -> None:
    assert callable(answer), "Pass the function itself (linear_shap), not its result."
    result = answer(_WEIGHTS, _PATIENTS, _BACKGROUND)
    if result is None:
        raise NotAttempted("Not attempted yet: make linear_shap return an array of shape (n, features).")
    result = np.asarray(result, dtype=float)
    assert result.shape == _PATIENTS.shape, (
        f"Return one SHAP value per patient and feature: shape {_PATIENTS.shape}, got {result.shape}.")
    assert not np.allclose(result, _WEIGHTS * _PATIENTS), (
        "SHAP values are measured from the background (the 'average patient'): subtract the background "
        "mean of each feature before multiplying by its weight.")
    expected = _WEIGHTS * (_PATIENTS - _BACKGROUND.mean(axis=0))
    assert np.allclose(result, expected), (
        "For f(x) = w . x + b, feature j's SHAP value is w_j * (x_j - mean of feature j over the background).")
    logits = _PATIENTS @ _WEIGHTS
    base = (_BACKGROUND @ _WEIGHTS).mean()
    assert np.allclose(base + result.sum(axis=1), logits), "The values should add up to f(x) - E[f(background)]."


q1 = Exercise(
    title="Exercise 1 (SHAP values of a linear model)",
    checker=_check_linear_shap,
    hint_text=("Which single row of numbers stands for 'the average patient'? NumPy broadcasting lets you "
               "subtract one row from every row of x, and multiply every row by the weights."),
    key="nb07_q1",
    wrong_answers=[
        lambda w, x, b: np.asarray(w) * np.asarray(x),
        lambda w, x, b: np.asarray(x) - np.asarray(b).mean(axis=0),
        lambda w, x, b: np.abs(np.asarray(w) * (np.asarray(x) - np.asarray(b).mean(axis=0))),
    ],
    success_message=("Yes. For a linear model SHAP is exact and simple: weight times distance from the "
                     "average patient. That is why the cohort's SHAP values tracked the true log-odds "
                     "contributions so closely, and why the background matters."),
)


# --- q2: the pointing game for one image -------------------------------------------------------------

def _cases() -> list[tuple[np.ndarray, np.ndarray, bool]]:
    cases = []
    mask = np.zeros((6, 6), bool)
    mask[2:4, 2:4] = True
    hit = np.zeros((6, 6)); hit[3, 2] = 5.0; hit[0, 0] = 1.0
    miss = np.zeros((6, 6)); miss[0, 5] = 2.0; miss[2, 2] = 1.0
    negative = -np.ones((6, 6)); negative[2, 3] = -0.5  # the largest value is still the hottest
    big_negative = np.zeros((6, 6)); big_negative[0, 0] = -9.0; big_negative[3, 3] = 0.1
    cases += [(hit, mask, True), (miss, mask, False), (negative, mask, True), (big_negative, mask, True)]
    return cases


def _check_pointing(answer) -> None:
    assert callable(answer), "Pass the function itself (hottest_pixel_in_mask), not its result."
    for heatmap, mask, expected in _cases():
        result = answer(heatmap.copy(), mask.copy())
        if result is None:
            raise NotAttempted("Not attempted yet: make hottest_pixel_in_mask return True or False.")
        assert isinstance(result, (bool, np.bool_)), f"Return True or False, got {type(result).__name__}."
        if expected and not result and heatmap.min() < -1:
            raise AssertionError("The hottest pixel is the one with the *largest* value (np.argmax), "
                                 "not the largest absolute value.")
        assert bool(result) == expected, (
            "np.argmax gives a position in the flattened map: turn it back into a (row, column) pair "
            "before you look it up in the mask.")


q2 = Exercise(
    title="Exercise 2 (the pointing game by hand)",
    checker=_check_pointing,
    hint_text=("Two steps: where is the heat map largest, as a (row, column) pair? Then what does the mask "
               "say at that place? np.argmax alone answers with a position in the flattened array."),
    key="nb07_q2",
    wrong_answers=[
        lambda h, m: bool(np.asarray(m).any()),
        lambda h, m: bool(np.asarray(m)[np.unravel_index(np.argmin(h), np.shape(h))]),
        lambda h, m: bool(np.asarray(m)[np.unravel_index(np.argmax(np.abs(h)), np.shape(h))]),
    ],
    success_message=("Right. That is all the pointing game is; notebook 07 adds a small tolerance (a few "
                     "pixels) because a heat map's resolution is coarser than the mask's."),
)


# --- q3: the baseline changes the answer --------------------------------------------------------------

_AGE_WEIGHT = RISK_COEFFICIENTS["age"]  # log-odds per standard deviation of age
_AGE_SCALE = RISK_SCALES["age"][1]       # that standard deviation, in years


def _check_baseline(answer) -> None:
    assert isinstance(answer, (int, float, np.integer, np.floating)), f"Give a number, got {type(answer).__name__}."
    expected = _AGE_WEIGHT * (70 - 40) / _AGE_SCALE
    against_population = _AGE_WEIGHT * (70 - 60) / _AGE_SCALE
    assert not np.isclose(answer, against_population, atol=0.02), (
        "That is the attribution against the whole population (mean age 60). The question uses the "
        "low-risk reference group, whose mean age is 40.")
    assert not np.isclose(answer, _AGE_WEIGHT * 70 / _AGE_SCALE, atol=0.02), (
        "Measure from the reference group's mean age, not from age 0.")
    assert np.isclose(answer, expected, atol=0.02), (
        "SHAP value = weight x (patient's value - background mean), with the weight per year = 1.1 / 12.")


q3 = Exercise(
    title="Exercise 3 (the baseline changes the answer)",
    checker=_check_baseline,
    hint_text=("Exercise 1's formula needs two things: the weight for one year of age (the question gives it "
               "per 12 years) and the reference group's mean age."),
    key="nb07_q3",
    wrong_answers=[1.1 / 12 * (70 - 60), 1.1 / 12 * 70, 1.1],
    success_message=("Yes: 2.75 log-odds against the young reference group, but only 0.92 against the "
                     "whole population. Same patient, same model: the question 'compared with whom?' "
                     "changes the answer."),
)


# --- q4: proving a shortcut ---------------------------------------------------------------------------

_SHORTCUT_OPTIONS = {
    "a": "train for more epochs and check that the test AUC stays at 0.95",
    "b": "test on images where the scanner tag is independent of the label",
    "c": "show the Grad-CAM maps to radiologists and ask if they look sensible",
    "d": "use a higher image resolution so the model sees the lesion better",
}
_SHORTCUT_FEEDBACK = {
    "a": "More training on the same biased data only entrenches the shortcut; the test split shares the bias.",
    "c": "Heat maps suggest where to look, but they can be plausible and wrong; they prove nothing alone.",
    "d": "Resolution does not remove the tag's correlation with the label; the shortcut stays easier.",
}


def _check_shortcut(answer) -> None:
    assert isinstance(answer, str), 'Answer with one letter as a string, for example "a".'
    choice = answer.strip().lower().strip("()")
    assert choice in _SHORTCUT_OPTIONS, f"Choose one of {sorted(_SHORTCUT_OPTIONS)}."
    assert choice == "b", _SHORTCUT_FEEDBACK[choice]


q4 = Exercise(
    title="Exercise 4 (proving a shortcut)",
    checker=_check_shortcut,
    hint_text="Which option changes the one thing you suspect (the tag) while keeping the lesions the same?",
    key="nb07_q4",
    wrong_answers=["a", "c", "d"],
    success_message=("Right: a counterfactual test set, where the suspected shortcut no longer predicts the "
                     "label, turns a suspicion from a heat map into a measured drop in performance."),
)

#: Options of exercise 4, printed in the notebook.
SHORTCUT_OPTIONS = _SHORTCUT_OPTIONS


# --- q5: SmoothGrad, built on the notebook's saliency ------------------------------------------------

def _smoothgrad_case():
    """A small functional CNN with fixed random weights, images and noise (built once, on first use)."""
    import keras

    rng = np.random.default_rng(5)
    inputs = keras.Input((8, 8, 1))
    hidden = keras.layers.Conv2D(4, 3, padding="same", activation="relu", name="conv")(inputs)
    pooled = keras.layers.GlobalAveragePooling2D(name="pool")(hidden)
    model = keras.Model(inputs, keras.layers.Dense(1, activation="sigmoid", name="output")(pooled))
    model.get_layer("conv").set_weights([rng.normal(0, 1, (3, 3, 1, 4)).astype(np.float32),
                                         rng.normal(0, 0.3, 4).astype(np.float32)])
    model.get_layer("output").set_weights([rng.normal(0, 1, (4, 1)).astype(np.float32), np.zeros(1, np.float32)])
    images = rng.random((3, 8, 8, 1)).astype(np.float32)
    noise = rng.normal(0, 0.3, (5, 3, 8, 8, 1)).astype(np.float32)
    return model, images, noise


def _check_smoothgrad(answer) -> None:
    from helpers.evaluation.attribution import input_gradient_saliency

    assert callable(answer), "Pass the function itself (smoothgrad), not its result."
    model, images, noise = _smoothgrad_case()
    result = answer(model, images.copy(), noise.copy())
    if result is None:
        raise NotAttempted("Not attempted yet: make smoothgrad return an array of shape (n, H, W).")
    result = np.asarray(result, dtype=float)
    assert result.shape == images.shape[:3], (
        f"Return one map per image, shape (n, H, W) = {images.shape[:3]}, got {result.shape}.")
    maps = np.stack([input_gradient_saliency(model, images + copy) for copy in noise])
    assert not np.allclose(result, input_gradient_saliency(model, images), atol=1e-6), (
        "That is plain saliency: add each copy of the noise to the images before taking the saliency.")
    assert not np.allclose(result, maps.sum(axis=0), atol=1e-6), "Average over the copies rather than add them up."
    assert np.allclose(result, maps.mean(axis=0), atol=1e-5), (
        "Take the saliency (absolute gradient) of every noisy copy, images + noise[k], then average those "
        "maps over k; averaging the images or the raw gradients first gives a different map.")


def _wrong_smoothgrad(kind: str):
    def wrong(model, images, noise):
        from helpers.evaluation.attribution import input_gradient_saliency

        if kind == "plain":
            return input_gradient_saliency(model, images)
        if kind == "sum":
            return np.sum([input_gradient_saliency(model, images + copy) for copy in noise], axis=0)
        return input_gradient_saliency(model, images + noise.mean(axis=0))  # noise averaged away first
    return wrong


q5 = Exercise(
    title="Exercise 5 (SmoothGrad)",
    checker=_check_smoothgrad,
    hint_text=("Loop over the first axis of noise: each noise[k] has the shape of images. Section 3's "
               "saliency turns one batch of images into one batch of maps; np.mean(..., axis=0) averages "
               "a list of equal-shaped arrays."),
    key="nb07_q5",
    wrong_answers=[_wrong_smoothgrad("plain"), _wrong_smoothgrad("sum"), _wrong_smoothgrad("mean-noise")],
    success_message=("Right: that is SmoothGrad. Averaging over noisy copies keeps what every copy agrees on "
                     "and blurs away the speckle; whether it also finds the lesion more often is what the "
                     "pointing game printed below measures."),
)

EXERCISES = [q1, q2, q3, q4, q5]

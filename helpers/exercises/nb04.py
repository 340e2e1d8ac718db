"""Exercises of notebook 04: the data-volume challenge."""
from __future__ import annotations

import numpy as np

from helpers.exercises import Exercise, NotAttempted

#: The candidate augmentations of exercise 4, by letter.
AUGMENTATION_OPTIONS = {
    "A": "rotate the image by 90 degrees",
    "B": "mirror the image left-right",
    "C": "blur the image with a 5 x 5 box filter",
    "D": "mirror the image top-bottom",
    "E": "paint three thin bright lines radiating from the lesion",
    "F": "paste plain tissue over the lesion",
}
_LABEL_PRESERVING = {"A", "B", "D"}


def _check_hidden_units(answer) -> None:
    assert isinstance(answer, (int, np.integer)) and not isinstance(answer, bool), \
        f"Give a whole number of hidden units, got {type(answer).__name__}."
    assert answer != 200, "200 is the parameter budget (2,000 / 10); the question asks for hidden units h."
    assert answer != 18, ("Close: 18 counts only the weights (11 h <= 200). Each hidden unit and the output "
                          "unit also has a bias.")
    params = 12 * int(answer) + 1
    assert params <= 200, f"With h = {answer} the network has 12 h + 1 = {params} parameters, more than 200."
    assert answer == 16, (f"With h = {answer} the network has {params} parameters; a bigger h still fits "
                          "under 200. Solve 10 h + h (biases) + h + 1 (output) <= 200.")


def _check_conv_vs_dense(answer) -> None:
    assert isinstance(answer, (tuple, list)) and len(answer) == 2, \
        "Give two whole numbers: (parameters of the convolution, parameters of the dense layer)."
    conv, dense = answer
    assert all(isinstance(v, (int, np.integer)) and not isinstance(v, bool) for v in (conv, dense)), \
        "Both counts must be whole numbers."
    assert conv != 72, "The convolution: 8 filters x 3 x 3 weights is right, but each filter also has a bias."
    assert conv != 80 * 24 * 24, ("A convolution re-uses the same 8 small filters at every position: its "
                                  "parameter count does not depend on the image size.")
    assert conv == 80, "Each of the 8 filters has 3 x 3 x 1 weights and 1 bias."
    assert dense != 4608, "The dense layer: 576 x 8 weights is right, but each of the 8 units also has a bias."
    assert dense == 4616, "A 24 x 24 image flattens to 576 inputs; each of the 8 units has 576 weights and 1 bias."


def _threshold_cases() -> list[tuple[np.ndarray, np.ndarray, float]]:
    rng = np.random.default_rng(4)
    cases = []
    for n, prevalence in ((300, 0.1), (1000, 0.03), (50, 0.4)):
        y = (rng.random(n) < prevalence).astype(int)
        y[:2] = (1, 0)  # both classes present
        scores = np.clip(rng.normal(0.3 + 0.3 * y, 0.15), 0, 1)
        for target in (0.5, 0.8, 0.95, 1.0):
            cases.append((y, scores, target))
    return cases


def _check_threshold(answer) -> None:
    from helpers.evaluation.metrics import threshold_for_sensitivity

    assert callable(answer), "Pass the function itself (pick_threshold), not a number."
    for y, scores, target in _threshold_cases():
        result = answer(y, scores, target)
        if result is None:
            raise NotAttempted("Not attempted yet: make pick_threshold return a threshold.")
        result = float(result)
        flagged = scores >= result
        sensitivity = flagged[y == 1].mean()
        assert sensitivity >= target - 1e-12, (
            f"With target {target:.0%} your threshold {result:.3f} flags only {sensitivity:.1%} of the cases.")
        expected = threshold_for_sensitivity(y, scores, target)
        assert np.array_equal(flagged, scores >= expected), (
            f"With target {target:.0%} your threshold {result:.3f} reaches the sensitivity but flags more "
            "patients than needed: choose the highest threshold that still does.")


def _bootstrap_cases() -> list[tuple[np.ndarray, np.ndarray]]:
    rng = np.random.default_rng(5)
    cases = []
    for n, prevalence, hit_rate in ((4000, 0.05, 0.8), (800, 0.1, 0.6)):
        y = (rng.random(n) < prevalence).astype(int)
        flagged = np.where(y == 1, rng.random(n) < hit_rate, rng.random(n) < 0.1).astype(int)
        cases.append((y, flagged))
    return cases


def _check_sensitivity_bootstrap(answer) -> None:
    from helpers.evaluation.metrics import sensitivity_interval

    assert callable(answer), "Pass the function itself (sensitivity_bootstrap), not its result."
    for y, flagged in _bootstrap_cases():
        result = answer(y, flagged, 1000, 0)
        if result is None:
            raise NotAttempted("Not attempted yet: make sensitivity_bootstrap return (low, high).")
        assert isinstance(result, (tuple, list, np.ndarray)) and len(result) == 2, \
            f"Return two numbers, (low, high); got {result!r}."
        low, high = float(result[0]), float(result[1])
        estimate, wilson_low, wilson_high = sensitivity_interval(y, flagged)
        n_cases = int(y.sum())
        assert low < estimate < high, (
            f"With {n_cases} cases the sensitivity is {estimate:.3f}, but your interval is ({low:.3f}, {high:.3f}): "
            "it should contain the estimate. Are you computing the share of *cases* that are flagged?")
        assert abs(low - wilson_low) < 0.03 and abs(high - wilson_high) < 0.03, (
            f"With {n_cases} cases your interval ({low:.3f}, {high:.3f}) is far from the Wilson interval "
            f"({wilson_low:.3f}, {wilson_high:.3f}). Check the share you keep: a 95 % interval leaves 2.5 % "
            "of the resampled values on each side.")


def _check_augmentations(answer) -> None:
    assert isinstance(answer, (set, list, tuple, str)), 'Give a set of letters, for example {"A", "C"}.'
    chosen = {str(letter).strip().upper() for letter in answer}
    unknown = chosen - set(AUGMENTATION_OPTIONS)
    assert not unknown, f"Unknown options {sorted(unknown)}; choose among {sorted(AUGMENTATION_OPTIONS)}."
    assert "C" not in chosen, "Blurring erases the thin spikes: a spiculated lesion would look round, so the label changes."
    assert "E" not in chosen, "Painting spikes turns a round lesion into a spiculated one: the label changes."
    assert "F" not in chosen, "Hiding the lesion turns a suspicious scan into a normal one: the label changes."
    missing = _LABEL_PRESERVING - chosen
    assert not missing, (f"You left out {sorted(missing)}: a lesion's shape looks the same however the image "
                         "is turned or mirrored, so these keep the label.")


q1 = Exercise(
    title="Exercise 1 (the ten-examples rule)",
    checker=_check_hidden_units,
    hint_text=("First turn 2,000 patients into a parameter budget. Then write the parameter count of a "
               "10 -> h -> 1 network as a formula in h, layer by layer, weights and biases."),
    key="nb04_q1",
    wrong_answers=[18, 200, 17, 10],
    success_message=("Right: 16 hidden units (193 parameters). By the paper's rule, 2,000 patients buy only a "
                     "tiny network; the learning curves show why the rule is only a rough guide."),
)

q2 = Exercise(
    title="Exercise 2 (weight sharing)",
    checker=_check_conv_vs_dense,
    hint_text=("A filter only looks at its small window, and the same filter is reused at every position; "
               "a dense unit has its own weight for every input. And don't forget the biases."),
    key="nb04_q2",
    wrong_answers=[(72, 4608), (80, 4608), (72, 4616), (46080, 4616), (4616, 80)],
    success_message=("Yes: 80 against 4,616. The convolution slides the same few weights over the whole image, "
                     "which is why a CNN needs far fewer examples than an FCNN on pixels."),
)

q3 = Exercise(
    title="Exercise 3 (a threshold for a sensitivity target)",
    checker=_check_threshold,
    hint_text=("Only the cases decide whether the target is met. Imagine lowering the threshold from the top, "
               "one case's score at a time: when have you flagged enough of them?"),
    key="nb04_q3",
    wrong_answers=[lambda y, s, t: 0.5,
                   lambda y, s, t: float(np.min(np.asarray(s)[np.asarray(y) == 1])),
                   lambda y, s, t: float(np.quantile(np.asarray(s)[np.asarray(y) == 1], t))],
    success_message=("Right. Screening programmes fix the sensitivity they need first and accept the false "
                     "alarms that follow; for a rare disease those are many per case found."),
)

q4 = Exercise(
    title="Exercise 4 (label-preserving augmentation)",
    checker=_check_augmentations,
    hint_text=("The label is 'spiculated lesion' versus 'round lesion or none'. Which changes leave the "
               "lesion's shape, and its presence, as they were?"),
    key="nb04_q4",
    wrong_answers=[{"A", "B", "C", "D"}, {"A", "B"}, {"E"}, {"A", "B", "D", "F"}, "ABCDEF"],
    success_message=("Yes: turns and mirrors keep the label, so each gives a new, correctly labelled example. "
                     "In a chest X-ray a left-right mirror would not be safe: the heart would move to the right."),
)

q5 = Exercise(
    title="Exercise 5 (a bootstrap interval for a sensitivity)",
    checker=_check_sensitivity_bootstrap,
    hint_text=("Start from section 6's bootstrap_interval: which statistic do you recompute on each resample, "
               "and what must a resample contain for it to be defined?"),
    key="nb04_q5",
    wrong_answers=[lambda y, f, n, s: (0.0, 1.0),
                   lambda y, f, n, s: (np.mean(np.asarray(f)) - 0.05, np.mean(np.asarray(f)) + 0.05),
                   lambda y, f, n, s: tuple(np.quantile(
                       [np.asarray(f)[r][np.asarray(y)[r] == 1].mean()
                        for r in np.random.default_rng(s).integers(0, len(y), (n, len(y)))], [0.25, 0.75]))],
    success_message=("Right: with enough cases the bootstrap and the Wilson formula agree. With very few cases "
                     "prefer Wilson: a bootstrap of 5 cases can only produce 6 different sensitivities."),
)

EXERCISES = [q1, q2, q3, q4, q5]

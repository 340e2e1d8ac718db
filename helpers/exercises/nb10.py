"""Exercises of notebook 10 (genomics: a one-dimensional CNN reads DNA)."""
from __future__ import annotations

import numpy as np

from helpers.data.sequences import CTCF_MA0139_1, frequency_matrix, information_content, one_hot
from helpers.exercises import Exercise, NotAttempted


def _random_one_hot(rng: np.random.Generator, n: int, length: int) -> np.ndarray:
    return np.eye(4, dtype=np.float32)[rng.integers(0, 4, (n, length))]


# --- q1: the other strand, in one-hot codes ---------------------------------------------------------

def _check_q1(function):
    if not callable(function):
        raise AssertionError("answer should be your function reverse_complement_one_hot itself (no brackets).")
    probe = one_hot("AACGT")[0]
    result = function(probe)
    if result is None:
        raise NotAttempted("Not attempted yet: make reverse_complement_one_hot return an array.")
    result = np.asarray(result)
    assert result.shape == probe.shape, f"return the shape you were given, {probe.shape}; got {result.shape}."
    expected = one_hot("ACGTT")[0]  # the reverse complement of AACGT
    assert np.array_equal(result, expected), (
        "the other strand of AACGT, read 5' to 3', is ACGTT. Two things happen: the bases pair up "
        "(A with T, C with G) and the reading direction turns round. Check that you did both.")
    rng = np.random.default_rng(10)
    for length in (1, 7, 30):
        x = _random_one_hot(rng, 1, length)[0]
        assert np.array_equal(np.asarray(function(x)), x[::-1, ::-1]), f"wrong for a random sequence of length {length}."


q1 = Exercise(
    title="Exercise 1 (the other strand)",
    checker=_check_q1,
    hint_text=("In the columns A, C, G, T, which column does each base's partner sit in? Then: in which "
               "order does the other strand read the positions?"),
    key="nb10_q1",
    wrong_answers=[lambda x: np.asarray(x)[::-1], lambda x: np.asarray(x)[:, ::-1], lambda x: np.asarray(x)],
    success_message=("Right: on one-hot codes with columns A, C, G, T, the reverse complement is a flip of "
                     "both axes. A motif's logo on the minus strand is its logo flipped the same way."),
)


# --- q2: information content of one CTCF position ---------------------------------------------------

_Q2_POSITION = 4  # 0-based: the fifth column of MA0139.1, the near-invariant C
_Q2_EXPECTED = float(information_content(frequency_matrix(CTCF_MA0139_1))[_Q2_POSITION])


def _check_q2(answer):
    try:
        value = float(answer)
    except (TypeError, ValueError):
        raise AssertionError("answer should be one number of bits.") from None
    counts = CTCF_MA0139_1[_Q2_POSITION]
    p = counts / counts.sum()
    natural = 2 + float(np.sum(np.where(p > 0, p * np.log(np.where(p > 0, p, 1)), 0)))
    assert abs(value - natural) > 1e-3 or abs(value - _Q2_EXPECTED) < 1e-3, (
        "that looks like natural logarithms (nats). Information in bits uses log base 2.")
    assert abs(value - _Q2_EXPECTED) < 0.005, (
        f"the counts are A={counts[0]}, C={counts[1]}, G={counts[2]}, T={counts[3]}. Turn them into "
        "probabilities, then compute 2 + sum of p * log2(p) over the bases (a base with p = 0 adds 0).")


q2 = Exercise(
    title="Exercise 2 (bits at one position)",
    checker=_check_q2,
    hint_text=("Two bits is what a position that is always the same base tells you; 0 bits is what a "
               "position where every base is equally likely tells you. Where does this column sit?"),
    key="nb10_q2",
    wrong_answers=[2.0, 903 / 913, 0.0],
    success_message=("Right: almost 2 bits, nearly the maximum. This C is nearly invariant in the sites, "
                     "the kind of position where a mutation destroys binding."),
)


# --- q3: a strand-aware prediction ------------------------------------------------------------------

def _asymmetric_predict(x):
    """A fake model (NumPy in, scores out) that is not strand-symmetric: it weights positions unequally."""
    x = np.asarray(x, dtype=float)
    weights = np.linspace(-1, 2, x.shape[1])[:, None] * np.array([1.0, -0.5, 0.25, 2.0])
    return np.tensordot(x, weights, axes=([1, 2], [0, 1]))


def _check_q3(function):
    if not callable(function):
        raise AssertionError("answer should be your function strand_averaged itself (no brackets).")
    rng = np.random.default_rng(3)
    x = _random_one_hot(rng, 6, 12)
    result = function(_asymmetric_predict, x)
    if result is None:
        raise NotAttempted("Not attempted yet: make strand_averaged return the averaged scores.")
    result = np.asarray(result, dtype=float)
    assert result.shape == (6,), f"return one score per sequence, shape (6,); got {result.shape}."
    expected = (_asymmetric_predict(x) + _asymmetric_predict(x[:, ::-1, ::-1])) / 2
    other = function(_asymmetric_predict, x[:, ::-1, ::-1])
    assert np.allclose(result, np.asarray(other, dtype=float)), (
        "a strand-averaged score must give the same answer for a sequence and for its other strand; "
        "yours does not. Did you flip both the positions and the bases of every sequence?")
    assert np.allclose(result, expected), (
        "average the model's score on the sequences and on their reverse complements "
        "(flip axis 1, the positions, and axis 2, the bases).")


q3 = Exercise(
    title="Exercise 3 (a strand-aware prediction)",
    checker=_check_q3,
    hint_text=("The function receives a batch (n, length, 4). The other strand of the whole batch is one "
               "slicing expression away (exercise 1). Call predict twice."),
    key="nb10_q3",
    wrong_answers=[lambda predict, x: predict(x),
                   lambda predict, x: (predict(x) + predict(np.asarray(x)[:, ::-1])) / 2,
                   lambda predict, x: np.maximum(predict(x), predict(np.asarray(x)[:, ::-1, ::-1]))],
    success_message=("Right. DNA is double-stranded: a binding site reads the same whichever strand the "
                     "sequencer gave you, and averaging both strands builds that symmetry into the model."),
)


# --- q4: a sound train/test split for genomic sequences ---------------------------------------------

_SPLIT_OPTIONS = {
    "a": "shuffle all sequences at random, then take 20 % as the test set",
    "b": "hold out whole chromosomes (for example chromosomes 8 and 9) for testing",
    "c": "use the sequences with the highest model scores as the test set",
    "d": "put every second sequence of each gene in the test set",
}
_SPLIT_FEEDBACK = {
    "a": ("at random, near-copies (overlapping windows, paralogous genes, repeats) land on both sides "
          "and the test set rewards memory, not reading."),
    "c": "choosing the test set by the model's own scores makes the evaluation circular.",
    "d": "that puts pieces of the same gene, nearly identical sequence, in both sets: leakage by design.",
}


def _check_q4(answer):
    choice = str(answer).strip().lower().strip("()")
    assert choice in _SPLIT_OPTIONS, f"Choose one of {sorted(_SPLIT_OPTIONS)}."
    assert choice == "b", _SPLIT_FEEDBACK[choice]


q4 = Exercise(
    title="Exercise 4 (a split without leakage)",
    checker=_check_q4,
    hint_text=("Real genomic windows overlap and genes come in families of similar sequence. Which split "
               "keeps every near-copy of a test sequence out of training?"),
    key="nb10_q4",
    wrong_answers=["a", "c", "d"],
    success_message=("Right: holding out whole chromosomes (DeepSEA tested on chromosomes 8 and 9) keeps "
                     "overlapping windows and most near-copies on one side of the split."),
)

#: The options of exercise 4, printed by the notebook.
SPLIT_OPTIONS = _SPLIT_OPTIONS

EXERCISES = [q1, q2, q3, q4]

"""The shared argument checks: the right value passes through, a wrong one gets a clear error."""
import numpy as np
import pytest

from helpers.validation import check_int, check_number


def test_check_int_accepts_python_and_numpy_integers():
    assert check_int("n", 3) == 3
    assert check_int("n", np.int64(5), minimum=5) == 5
    assert type(check_int("n", np.int32(2))) is int


@pytest.mark.parametrize("value", [True, 2.0, "3", None])
def test_check_int_refuses_non_integers(value):
    with pytest.raises(TypeError, match="n_windows must be an int"):
        check_int("n_windows", value)


def test_check_int_names_the_range():
    with pytest.raises(ValueError, match="n must be at least 2, got 1"):
        check_int("n", 1, minimum=2)
    with pytest.raises(ValueError, match="size must be at least 1 and at most 28, got 29"):
        check_int("size", 29, 1, 28)


def test_check_number_inclusive_and_exclusive_ends():
    assert check_number("rate", 0) == 0.0
    assert check_number("rate", np.float32(1.0)) == 1.0
    with pytest.raises(ValueError, match=r"prevalence must be between 0.0 and 1.0 \(exclusive\)"):
        check_number("prevalence", 0.0, inclusive=False)
    with pytest.raises(ValueError, match="rate must be between 0.0 and 0.9"):
        check_number("rate", 0.95, 0.0, 0.9)


@pytest.mark.parametrize("value", [float("nan"), float("inf")])
def test_check_number_refuses_nan_and_infinity(value):
    with pytest.raises(ValueError, match="threshold"):
        check_number("threshold", value)


@pytest.mark.parametrize("value", [True, "0.5", None, [0.5]])
def test_check_number_refuses_non_numbers(value):
    with pytest.raises(TypeError, match="level must be a number between 0.0 and 1.0"):
        check_number("level", value)


def test_check_array_checks_kind_and_dimensions():
    from helpers.validation import check_array

    assert check_array("x", [[1, 2], [3, 4]], 2).shape == (2, 2)
    assert check_array("mask", np.zeros((2, 3), bool), (2, 3)).dtype == bool
    with pytest.raises(ValueError, match="x must have 3 dimensions, got shape"):
        check_array("x", np.zeros((2, 3)), 3)
    with pytest.raises(ValueError, match="region must have 2 or 3 dimensions"):
        check_array("region", np.zeros(4), (2, 3))
    with pytest.raises(TypeError, match="heatmap must hold numbers"):
        check_array("heatmap", [["a", "b"]], 2)


def test_check_binary_labels():
    from helpers.validation import check_binary_labels

    assert check_binary_labels("y", [0, 1, 1]).dtype == np.int64
    with pytest.raises(ValueError, match=r"y must have shape \(n,\)"):
        check_binary_labels("y", [[0, 1]])
    with pytest.raises(ValueError, match="only 0 and 1"):
        check_binary_labels("y", [0, 2])


def test_check_frame():
    import pandas as pd

    from helpers.validation import check_frame

    frame = pd.DataFrame({"a": [1], "b": [2]})
    assert check_frame("frame", frame, ("a",)) is frame
    with pytest.raises(TypeError, match="frame must be a pandas DataFrame"):
        check_frame("frame", frame.to_numpy())
    with pytest.raises(ValueError, match=r"missing the columns \['c'\]"):
        check_frame("frame", frame, ("a", "c"))
    with pytest.raises(ValueError, match="no rows"):
        check_frame("frame", frame.iloc[:0])

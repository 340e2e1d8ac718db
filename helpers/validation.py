"""Argument checks shared by the helpers: a clear error that names the argument and what was expected.

Every public helper checks what a student may pass it and raises ``TypeError`` (wrong kind of value)
or ``ValueError`` (right kind, wrong range) with the argument's name, the expectation and what it got,
before any work starts.
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["check_array", "check_binary_labels", "check_frame", "check_int", "check_number", "example_count"]


def check_int(name: str, value: object, minimum: int = 1, maximum: int | None = None) -> int:
    """``value`` as an ``int`` in ``[minimum, maximum]``; ``bool`` is refused (``True`` is not a count).

    Raises:
        TypeError: ``value`` is not an integer (NumPy integers are accepted).
        ValueError: it is below ``minimum`` or above ``maximum``.
    """
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{name} must be an int, got {type(value).__name__}")
    if value < minimum or (maximum is not None and value > maximum):
        upper = f" and at most {maximum}" if maximum is not None else ""
        raise ValueError(f"{name} must be at least {minimum}{upper}, got {value}")
    return int(value)


def check_number(name: str, value: object, low: float = 0.0, high: float = 1.0, *,
                 inclusive: bool = True) -> float:
    """``value`` as a finite ``float`` between ``low`` and ``high`` (ends included unless ``inclusive=False``).

    Raises:
        TypeError: ``value`` is not a real number (``bool`` is refused).
        ValueError: it is NaN or outside the range.
    """
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise TypeError(f"{name} must be a number between {low} and {high}, got {type(value).__name__}")
    number = float(value)
    inside = low <= number <= high if inclusive else low < number < high
    if not inside:  # NaN fails both comparisons
        ends = "" if inclusive else " (exclusive)"
        raise ValueError(f"{name} must be between {low} and {high}{ends}, got {value}")
    return number


def check_array(name: str, value: Any, ndim: int | tuple[int, ...]) -> np.ndarray:
    """``value`` as a NumPy array of numbers (or booleans) with ``ndim`` dimensions (one of them, if a tuple).

    Raises:
        TypeError: ``value`` is not array-like or does not hold numbers.
        ValueError: it has another number of dimensions.
    """
    allowed = (ndim,) if isinstance(ndim, int) else ndim
    try:
        array = np.asarray(value)
    except (TypeError, ValueError) as error:
        raise TypeError(f"{name} must be array-like, got {type(value).__name__}") from error
    if array.dtype == object or not (np.issubdtype(array.dtype, np.number) or array.dtype == bool):
        raise TypeError(f"{name} must hold numbers, got dtype {array.dtype}")
    if array.ndim not in allowed:
        raise ValueError(f"{name} must have {' or '.join(map(str, allowed))} dimensions, "
                         f"got shape {array.shape}")
    return array


def example_count(name: str, x: Any) -> int:
    """How many examples ``x`` holds: one array (first axis), or a dict, list or tuple of arrays (a
    model with several inputs), which must all have the same first-axis length.

    Raises:
        ValueError: ``x`` is empty, an input has no first axis, or the inputs disagree in length.
    """
    parts = dict(x) if isinstance(x, dict) else dict(enumerate(x)) if isinstance(x, (list, tuple)) else {None: x}
    if not parts:
        raise ValueError(f"{name} must hold at least one input array, got an empty {type(x).__name__}")
    lengths = {}
    for key, value in parts.items():
        shape = np.shape(value)
        if not shape:
            where = name if key is None else f"{name}[{key!r}]"
            raise ValueError(f"{where} must be an array with one row per example, got a scalar")
        lengths[key] = shape[0]
    if len(set(lengths.values())) > 1:
        raise ValueError(f"the inputs in {name} must have the same number of examples, got {lengths}")
    return next(iter(lengths.values()))


def check_binary_labels(name: str, labels: object) -> np.ndarray:
    """``labels`` as an int64 array of shape ``(n,)`` holding only 0 and 1, or a clear ``ValueError``."""
    array = np.asarray(labels)
    if array.ndim != 1:
        raise ValueError(f"{name} must have shape (n,), got {array.shape}")
    if array.size and not np.isin(array, (0, 1)).all():
        raise ValueError(f"{name} must hold only 0 and 1, got values {np.unique(array)[:5].tolist()}")
    return array.astype(np.int64)


def check_frame(name: str, frame: object, columns: Sequence[str] = ()) -> "pd.DataFrame":
    """``frame`` itself if it is a non-empty pandas DataFrame with ``columns``; else a clear error."""
    import pandas as pd

    if not isinstance(frame, pd.DataFrame):
        raise TypeError(f"{name} must be a pandas DataFrame, got {type(frame).__name__}")
    missing = [column for column in columns if column not in frame.columns]
    if missing:
        raise ValueError(f"{name} is missing the columns {missing}")
    if len(frame) == 0:
        raise ValueError(f"{name} has no rows")
    return frame

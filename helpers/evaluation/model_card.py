"""Model cards: a short Markdown report of a clinical model, written by code from the numbers it measured.

A model card (Mitchell et al., "Model Cards for Model Reporting", 2019) says what a model is for,
what it was trained and tested on, how well it works (with intervals), for whom it works less well,
and where it must not be used. Written by hand, its numbers drift from the evaluation as the model
is retrained; rendered from the evaluation's own variables, they cannot.
"""
from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

#: The sections of a card, in order: key of the card dict -> heading.
SECTIONS: dict[str, str] = {
    "intended_use": "Intended use",
    "out_of_scope": "Not intended for",
    "data": "Data",
    "performance": "Performance",
    "subgroups": "Subgroups",
    "limitations": "Limitations and risks",
}

#: The keys every card dict must have.
REQUIRED_KEYS: tuple[str, ...] = ("name", *SECTIONS)


def format_number(value: Any, digits: int = 3) -> str:
    """A number as text with ``digits`` decimals (integers as integers, NaN as "n/a")."""
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise TypeError(f"value must be a number, got {type(value).__name__}")
    if isinstance(value, (int, np.integer)):
        return f"{int(value):,}"
    if not math.isfinite(float(value)):
        return "n/a"
    text = f"{float(value):.{digits}f}"
    return text.lstrip("-") if float(text) == 0 else text  # no "-0.000"


def format_interval(estimate: float, low: float | None = None, high: float | None = None,
                    digits: int = 3) -> str:
    """``"0.780 (95 % CI 0.750 to 0.810)"``, or the estimate alone when there is no interval."""
    text = format_number(estimate, digits)
    if low is None and high is None:
        return text
    if low is None or high is None:
        raise ValueError("give both ends of the interval (low and high) or neither")
    if float(low) > float(high):
        raise ValueError(f"the interval's low end ({low}) is above its high end ({high})")
    return f"{text} (95 % CI {format_number(low, digits)} to {format_number(high, digits)})"


def markdown_table(frame: pd.DataFrame, digits: int = 3) -> str:
    """A DataFrame as a Markdown table (its index as the first column), numbers with ``digits`` decimals.

    A two-level index (``("age", "under 65")``) is written as one column, ``age: under 65``.
    """
    if not isinstance(frame, pd.DataFrame):
        raise TypeError(f"frame must be a pandas DataFrame, got {type(frame).__name__}")
    if frame.empty:
        raise ValueError("frame has no rows: a table needs at least one")

    def cell(value: Any) -> str:
        if isinstance(value, tuple):  # a row of a MultiIndex: ("age", "under 65") -> "age: under 65"
            return ": ".join(str(part) for part in value).replace("|", "\\|")
        if isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool):
            return format_number(value, digits)
        return str(value).replace("|", "\\|")

    index_name = ": ".join(str(name) for name in frame.index.names if name) if frame.index.nlevels > 1 \
        else str(frame.index.name or "")
    header = [index_name, *map(str, frame.columns)]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for values in frame.itertuples(index=True, name=None):  # keeps each column's type (ints stay ints)
        lines.append("| " + " | ".join(cell(value) for value in values) + " |")
    return "\n".join(lines)


def _text_block(key: str, value: Any) -> str:
    if isinstance(value, str):
        if not value.strip():
            raise ValueError(f"card[{key!r}] is empty")
        return value.strip()
    if isinstance(value, Sequence) and value and all(isinstance(item, str) and item.strip() for item in value):
        return "\n".join(f"- {item.strip()}" for item in value)
    raise TypeError(f"card[{key!r}] must be a non-empty string or a list of non-empty strings, got {value!r}")


def _performance_table(rows: Any, digits: int) -> str:
    if not isinstance(rows, Sequence) or isinstance(rows, str) or not rows:
        raise TypeError("card['performance'] must be a non-empty list of dicts with keys "
                        "'metric', 'setting', 'estimate' (and optionally 'low', 'high')")
    lines = ["| metric | measured on | value |", "|---|---|---|"]
    for row in rows:
        if not isinstance(row, Mapping) or not {"metric", "setting", "estimate"} <= set(row):
            raise ValueError(f"each performance row needs 'metric', 'setting' and 'estimate', got {row!r}")
        value = format_interval(row["estimate"], row.get("low"), row.get("high"), digits)
        lines.append(f"| {row['metric']} | {row['setting']} | {value} |")
    return "\n".join(lines)


def render_model_card(card: Mapping[str, Any], digits: int = 3) -> str:
    """The Markdown text of a model card.

    Args:
        card: a dict with the keys :data:`REQUIRED_KEYS`: ``name`` (str); ``intended_use``,
            ``out_of_scope``, ``data``, ``limitations`` (a string or a list of strings, one bullet
            each); ``performance`` (a list of dicts with ``metric``, ``setting``, ``estimate`` and
            optionally ``low``, ``high``: a 95 % interval); ``subgroups`` (a DataFrame, one row per
            subgroup). Any other key is refused (a typo would silently drop a section).
        digits: decimals of every number on the card.

    Returns:
        Markdown text: a title, then one section per entry of :data:`SECTIONS`.
    """
    if not isinstance(card, Mapping):
        raise TypeError(f"card must be a dict, got {type(card).__name__}")
    if isinstance(digits, bool) or not isinstance(digits, (int, np.integer)) or not 0 <= digits <= 6:
        raise ValueError(f"digits must be an int from 0 to 6, got {digits!r}")
    missing = [key for key in REQUIRED_KEYS if key not in card]
    unknown = sorted(set(card) - set(REQUIRED_KEYS))
    if missing or unknown:
        raise ValueError(f"card lacks the keys {missing} and has unknown keys {unknown}; "
                         f"expected exactly {list(REQUIRED_KEYS)}")
    if not isinstance(card["name"], str) or not card["name"].strip():
        raise TypeError(f"card['name'] must be a non-empty string, got {card['name']!r}")
    parts = [f"# Model card: {card['name'].strip()}"]
    for key, heading in SECTIONS.items():
        if key == "performance":
            body = _performance_table(card[key], digits)
        elif key == "subgroups":
            body = markdown_table(card[key], digits)
        else:
            body = _text_block(key, card[key])
        parts.append(f"## {heading}\n\n{body}")
    return "\n\n".join(parts) + "\n"


__all__ = ["REQUIRED_KEYS", "SECTIONS", "format_interval", "format_number", "markdown_table",
           "render_model_card"]

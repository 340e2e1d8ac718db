"""Unit tests for helpers.evaluation.model_card: the card shows the numbers it is given, and refuses bad cards."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from helpers.evaluation import model_card
from helpers.evaluation.model_card import format_interval, format_number, markdown_table, render_model_card


def _card(**changes):
    card = {
        "name": "Deterioration risk (test)",
        "intended_use": "Flag adults for a rapid-response review.",
        "out_of_scope": ["children", "deciding treatment on its own"],
        "data": "3,000 synthetic admissions.",
        "performance": [
            {"metric": "ROC-AUC", "setting": "test, hospital A", "estimate": 0.78123, "low": 0.75, "high": 0.8049},
            {"metric": "Brier score", "setting": "test, hospital A", "estimate": 0.151},
        ],
        "subgroups": pd.DataFrame({"patients": [812, 1188], "roc_auc": [0.7612, np.nan]},
                                  index=pd.Index(["under 65", "65 and over"], name="age band")),
        "limitations": ["Synthetic data only.", "Calibration fails at another hospital."],
    }
    card.update(changes)
    return card


def test_the_card_has_every_section_in_order_and_the_given_numbers():
    text = render_model_card(_card())
    headings = [line for line in text.splitlines() if line.startswith("## ")]
    assert headings == [f"## {title}" for title in model_card.SECTIONS.values()]
    assert text.startswith("# Model card: Deterioration risk (test)")
    assert "| ROC-AUC | test, hospital A | 0.781 (95 % CI 0.750 to 0.805) |" in text
    assert "| Brier score | test, hospital A | 0.151 |" in text
    assert "- children\n- deciding treatment on its own" in text
    assert "| under 65 | 812 | 0.761 |" in text and "| 65 and over | 1,188 | n/a |" in text


def test_digits_change_every_number():
    text = render_model_card(_card(), digits=2)
    assert "0.78 (95 % CI 0.75 to 0.80)" in text and "| under 65 | 812 | 0.76 |" in text


def test_number_and_interval_formatting():
    assert format_number(3) == "3" and format_number(12345) == "12,345"
    assert format_number(np.float64(0.12345)) == "0.123" and format_number(float("nan")) == "n/a"
    assert format_number(-0.0001) == "0.000" and format_number(-0.0011) == "-0.001"
    assert format_interval(0.5) == "0.500"
    assert format_interval(0.5, 0.4, 0.6, digits=1) == "0.5 (95 % CI 0.4 to 0.6)"
    with pytest.raises(ValueError, match="both ends"):
        format_interval(0.5, 0.4)
    with pytest.raises(ValueError, match="above its high end"):
        format_interval(0.5, 0.6, 0.4)
    with pytest.raises(TypeError, match="number"):
        format_number("0.5")
    with pytest.raises(TypeError, match="number"):
        format_number(True)


def test_markdown_table_escapes_pipes_and_keeps_integer_columns():
    frame = pd.DataFrame({"n": [1, 2], "label": ["a|b", "c"]})
    table = markdown_table(frame)
    assert table.splitlines()[0] == "|  | n | label |"
    assert "| 0 | 1 | a\\|b |" in table
    two_levels = pd.DataFrame({"n": [3, 4]}, index=pd.MultiIndex.from_tuples(
        [("age", "under 65"), ("sex", "female")], names=["grouping", "group"]))
    assert markdown_table(two_levels).splitlines()[:3] == ["| grouping: group | n |", "|---|---|",
                                                           "| age: under 65 | 3 |"]
    with pytest.raises(TypeError):
        markdown_table([1, 2])
    with pytest.raises(ValueError, match="no rows"):
        markdown_table(pd.DataFrame({"n": []}))


@pytest.mark.parametrize("changes, error, match", [
    ({"name": ""}, TypeError, "name"),
    ({"intended_use": ""}, ValueError, "empty"),
    ({"limitations": [1, 2]}, TypeError, "limitations"),
    ({"performance": []}, TypeError, "performance"),
    ({"performance": [{"metric": "AUC", "estimate": 0.7}]}, ValueError, "setting"),
    ({"performance": [{"metric": "AUC", "setting": "test", "estimate": 0.7, "low": 0.8, "high": 0.6}]},
     ValueError, "above"),
    ({"subgroups": "none"}, TypeError, "DataFrame"),
    ({"extra_section": "x"}, ValueError, "unknown keys"),
])
def test_bad_cards_are_refused_clearly(changes, error, match):
    with pytest.raises(error, match=match):
        render_model_card(_card(**changes))


def test_missing_keys_and_bad_arguments():
    card = _card()
    del card["data"]
    with pytest.raises(ValueError, match="lacks the keys \\['data'\\]"):
        render_model_card(card)
    with pytest.raises(TypeError, match="dict"):
        render_model_card(["not", "a", "card"])
    with pytest.raises(ValueError, match="digits"):
        render_model_card(_card(), digits=-1)

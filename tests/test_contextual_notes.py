"""Unit tests for helpers.data.contextual_notes: notes whose label is decided by context, their twins,
held-out templates, planted identifiers and bad input; and the clinical-text notebook's lesson cells
(its tokeniser and NegEx rule) against what the generator promises."""
from __future__ import annotations

import re
from collections import Counter

import numpy as np
import pandas as pd
import pytest

from helpers.data import contextual_notes as cn
from tests.lesson_cells import lesson_namespace

NOTEBOOK = "09_clinical_text.ipynb"


@pytest.fixture(scope="module")
def notes() -> pd.DataFrame:
    return cn.make_context_notes(1500, seed=4)


def _tokens(text: str) -> list[str]:
    return re.findall(r"[a-z0-9/]+|[.,;:?]", text.lower())


def test_deterministic_and_seed_dependent(notes):
    pd.testing.assert_frame_equal(notes, cn.make_context_notes(1500, seed=4))
    assert not notes["text"].equals(cn.make_context_notes(1500, seed=5)["text"])


def test_columns_labels_and_contexts(notes):
    assert list(notes.columns) == ["note_id", "text", "label", "context", "template", "mentions", "templates", "twin"]
    assert notes["note_id"].is_unique
    assert set(notes["context"]) == set(cn.CONTEXTS)
    assert (notes["label"] == (notes["context"] == "affirmed")).all(), "only an affirmed mention means 'has it now'"
    assert 0.4 < notes["label"].mean() < 0.6
    assert notes["mentions"].str.startswith("pneumonia=").all()
    assert (notes["mentions"].str.split("; ").str[0].str.split("=").str[1] == notes["context"]).all()
    assert notes["text"].map(lambda t: len(_tokens(t))).max() <= 40, "notes stay short (at most 40 tokens)"


def test_every_note_mentions_the_target_once_in_some_spelling(notes):
    spellings = {s.lower() for s in cn.TARGET_SPELLINGS}
    counts = notes["text"].map(lambda t: sum(word in spellings for word in _tokens(t)))
    assert (counts == 1).all()
    written = Counter(word for t in notes["text"] for word in _tokens(t) if word in spellings)
    assert set(written) == spellings, "abbreviations and misspellings all occur"


def test_templates_are_held_out(notes):
    held = cn.make_context_notes(800, seed=4, templates="held_out")
    train_templates = {t for ts in cn.TRAIN_TEMPLATES.values() for t in ts}
    held_templates = {t for ts in cn.HELD_OUT_TEMPLATES.values() for t in ts}
    assert not train_templates & held_templates
    assert set(notes["template"]) <= train_templates
    assert set(held["template"]) == held_templates, "the test split uses only, and all, held-out templates"
    assert (held["templates"] == "held_out").all() and held["note_id"].str.startswith("H").all()


def test_cue_words_appear_in_notes_of_both_labels(notes):
    """Order, not vocabulary, carries the label: each cue occurs beside label-0 and label-1 notes."""
    for cue in ("no", "possible", "mother", "hx", "confirmed"):
        has_cue = notes["text"].map(lambda t: cue in _tokens(t))
        rates = notes.loc[has_cue, "label"]
        assert has_cue.sum() > 50 and 0.15 < rates.mean() < 0.85, cue


def test_twins_swap_the_conditions_and_the_label():
    twins = cn.make_context_notes(400, seed=8, templates="held_out", twins=True)
    first, second = twins.iloc[0::2].reset_index(drop=True), twins.iloc[1::2].reset_index(drop=True)
    assert (first["twin"] == second["note_id"]).all() and (second["twin"] == first["note_id"]).all()
    assert (first["label"] + second["label"] == 1).all(), "twins have opposite labels"
    same_words = [Counter(_tokens(a)) == Counter(_tokens(b)) for a, b in zip(first["text"], second["text"])]
    assert all(same_words), "twins hold exactly the same words in the same numbers"
    assert (first["text"] != second["text"]).all()
    held = {t for ts in cn.HELD_OUT_TEMPLATES.values() for t in ts}
    assert (first["template"].isin(held) != second["template"].isin(held)).all(), \
        "each pair has one held-out phrasing, on pneumonia in one twin and on the other condition in the other"


def test_bad_arguments():
    with pytest.raises(TypeError):
        cn.make_context_notes(2.5)
    with pytest.raises(ValueError):
        cn.make_context_notes(0)
    with pytest.raises(ValueError):
        cn.make_context_notes(10, templates="test")
    with pytest.raises(ValueError):
        cn.make_context_notes(10, paired_fraction=1.5)
    with pytest.raises(ValueError):
        cn.make_context_notes(11, twins=True)
    with pytest.raises(TypeError):
        cn.make_context_notes(10, twins="yes")
    with pytest.raises(ValueError):
        cn.make_context_notes(10, seed=-1)
    with pytest.raises(TypeError):
        cn.plant_identifiers(["a note"], seed="3")
    with pytest.raises(TypeError):
        cn.plant_identifiers("one note")
    with pytest.raises(ValueError):
        cn.plant_identifiers([])


def test_planted_identifiers_are_where_the_log_says():
    base = cn.make_context_notes(300, seed=2)["text"].tolist()
    planted_notes, planted = cn.plant_identifiers(base, seed=3)
    assert planted_notes["note_id"].is_unique and len(planted_notes) == len(base)
    texts = dict(zip(planted_notes["note_id"], planted_notes["text"]))
    assert all(texts[r.note_id][r.start:r.end] == r.value for r in planted.itertuples())
    assert all(original in texts[f"P{i + 1:05d}"] for i, original in enumerate(base)), "the note itself is kept"
    for kind, forms in cn.IDENTIFIER_FORMS.items():
        assert set(planted.loc[planted["kind"] == kind, "form"]) == set(forms), kind
    per_note = planted.groupby("note_id")["kind"].agg(set)
    assert per_note.map(lambda kinds: kinds >= set(cn.IDENTIFIER_FORMS)).all(), "every note has all three kinds"
    again_notes, again = cn.plant_identifiers(base, seed=3)
    pd.testing.assert_frame_equal(planted, again)


def test_notebook_negex_reads_simple_negation():
    scope = lesson_namespace(NOTEBOOK, ["tokens", "NegEx"], {"re": re})
    negex = scope["negex"]
    assert scope["tokens"]("No fever; PNA ruled out.") == ["no", "fever", ";", "pna", "ruled", "out", "."]
    assert negex("45 y/o F. pneumonia confirmed.") == 1
    assert negex("45 y/o F. no pneumonia.") == 0
    assert negex("45 y/o F. pneumonia ruled out.") == 0
    assert negex("45 y/o F. no asthma, but pneumonia confirmed.") == 1, "'but' ends the negation's scope"
    assert negex("45 y/o F. no asthma. pneumonia confirmed.") == 1
    assert negex("45 y/o F. asthma confirmed.") == 0, "no mention, nothing to flag"
    assert negex("45 y/o F. mother had pneumonia.") == 1, "NegEx reads negation only: family history slips through"
    notes = cn.make_context_notes(400, seed=6, templates="held_out")
    flagged = np.array([negex(t) for t in notes["text"]])
    negated = (notes["context"] == "negated").to_numpy()
    assert (flagged[negated] == 0).all(), "every negated mention in the held-out notes is read as negated"


def test_notebook_position_table_is_the_sinusoidal_encoding():
    keras = pytest.importorskip("keras")
    table = lesson_namespace(NOTEBOOK, "position encoding", {"np": np, "keras": keras})["position_table"](32, 16)
    assert table.shape == (32, 16) and table.dtype == np.float32
    np.testing.assert_allclose(table[:, 0], np.sin(np.arange(32)), atol=1e-6)   # fastest wave: wavelength 2*pi
    np.testing.assert_allclose(table[:, 1], np.cos(np.arange(32)), atol=1e-6)
    assert np.abs(table).max() <= 1 and len({tuple(row) for row in table.round(4)}) == 32, "every position distinct"

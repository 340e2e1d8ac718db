"""Exercises of notebook 09 (clinical text: negation, context and attention)."""
from __future__ import annotations

import re

import numpy as np

from helpers.data import contextual_notes
from helpers.exercises import Exercise, NotAttempted

# --- q1: a ConText-style rule (negation, uncertainty, family, history) ---------------------------


def _q1_notes():
    """Notes of both template sets, twins included, from seeds the notebook does not use."""
    import pandas as pd

    parts = [contextual_notes.make_context_notes(300, seed=901),
             contextual_notes.make_context_notes(300, seed=902, templates="held_out"),
             contextual_notes.make_context_notes(300, seed=903, templates="held_out", twins=True)]
    return pd.concat(parts, ignore_index=True)


def _check_q1(function):
    if not callable(function):
        raise AssertionError("answer should be your function context_of itself (no brackets).")
    notes = _q1_notes()
    got = [function(text) for text in notes["text"]]
    if all(value is None for value in got):
        raise NotAttempted("Not attempted yet: make context_of return one of the five contexts.")
    unknown = sorted({repr(value) for value in got if value not in contextual_notes.CONTEXTS})
    assert not unknown, f"context_of should return one of {contextual_notes.CONTEXTS}; it returned {unknown[:3]}"
    right = np.asarray(got) == notes["context"].to_numpy()
    for context in contextual_notes.CONTEXTS:
        share = right[notes["context"].to_numpy() == context].mean()
        example = notes.loc[(notes["context"] == context).to_numpy() & ~right, "text"]
        assert share >= 0.9, (
            f"on {context} mentions your rule is right for {share:.0%} of the notes (at least 90 % needed). "
            + (f"One it gets wrong: {example.iloc[0]!r}" if len(example) else ""))


def _wrong_always_affirmed(text):
    return "affirmed"


def _wrong_negation_only(text):  # the notebook's NegEx idea: negated or affirmed, nothing else
    words = re.findall(r"[a-z0-9/]+|[.,;:?]", text.lower())
    return "negated" if {"no", "denies", "without"} & set(words) else "affirmed"


def _wrong_no_scope(text):  # cues anywhere in the note, without a window or terminators
    lowered = text.lower()
    for context, cues in [("family", ("mother", "father", "sister", "brother", "family", "fhx")),
                          ("uncertain", ("possible", "cannot rule out", "?", "concern for", "r/o", "probable")),
                          ("negated", ("no ", "denies", "negative", "without", "ruled out", "excluded")),
                          ("history", ("hx", "history", "prior", "previous", "pmh", "resolved"))]:
        if any(cue in lowered for cue in cues):
            return context
    return "affirmed"


q1 = Exercise(
    title="Exercise 1 (a ConText-style rule)",
    checker=_check_q1,
    hint_text=("Start from the notebook's NegEx cell. Give each context its own lists of cues before and "
               "after the condition, keep the window and the terminators, and decide what wins when two "
               "cues meet ('family history of', 'cannot rule out', 'not excluded'). Print the notes your "
               "rule gets wrong, context by context."),
    key="nb09_q1",
    wrong_answers=[_wrong_always_affirmed, _wrong_negation_only, _wrong_no_scope],
    success_message=("Right: that is the ConText algorithm (Harkema et al., 2009) in miniature. On these "
                     "templated notes a rule can be perfect; on real notes every new phrasing is a new cue "
                     "to add by hand, which is what a trained model learns instead."),
)


# --- q2: a bag of n-grams ------------------------------------------------------------------------


def _q2_pairs_read(pipeline) -> float:
    """Fit ``pipeline`` on training notes; the share of held-out twin pairs it reads both right."""
    train = contextual_notes.make_context_notes(2000, seed=911)
    twins = contextual_notes.make_context_notes(800, seed=912, templates="held_out", twins=True)
    pipeline.fit(train["text"], train["label"])
    right = np.asarray(pipeline.predict(twins["text"])) == twins["label"].to_numpy()
    return float(right.reshape(-1, 2).all(axis=1).mean())


def _check_q2(pipeline):
    if not (hasattr(pipeline, "fit") and hasattr(pipeline, "predict")):
        raise AssertionError("answer should be an unfitted scikit-learn pipeline (make_pipeline(...)), "
                             "with fit and predict.")
    from sklearn.base import clone

    both_right = _q2_pairs_read(clone(pipeline))
    assert both_right > 0.3, (
        f"your pipeline reads {both_right:.0%} of the twin pairs both right; a bag of single words reads "
        "none (the twins hold the same words). Count pairs of neighbouring words too: which "
        "CountVectorizer argument does that?")


def _wrong_unigrams():
    from sklearn.feature_extraction.text import CountVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    return make_pipeline(CountVectorizer(binary=True), LogisticRegression(max_iter=1000))


q2 = Exercise(
    title="Exercise 2 (a bag of n-grams)",
    checker=_check_q2,
    hint_text=("A bag of words forgets order. What if each feature were a pair of neighbouring words "
               "('no pneumonia' as one feature)? Look at CountVectorizer's arguments; keep the "
               "LogisticRegression as it is."),
    key="nb09_q2",
    wrong_answers=[_wrong_unigrams(), "CountVectorizer(ngram_range=(1, 2))"],
    success_message=("Yes: pairs of neighbouring words keep a little order, enough for many twins. Compare "
                     "your share with the transformer's: n-grams see only what is next to the condition, "
                     "and 'no evidence for pneumonia' puts the cue three words away."),
)


# --- q3: a scrubber that also catches written dates and bare record numbers ----------------------


def _check_q3(function):
    if not callable(function):
        raise AssertionError("answer should be your function find_identifiers_better itself (no brackets).")
    base = contextual_notes.make_context_notes(300, seed=921)
    notes, planted = contextual_notes.plant_identifiers(base["text"].tolist(), seed=922)
    texts = dict(zip(notes["note_id"], notes["text"]))
    spans = {note_id: function(text) for note_id, text in texts.items()}
    if all(found is None for found in spans.values()):
        raise NotAttempted("Not attempted yet: make find_identifiers_better return a list of (start, end) pairs.")
    covered = {}
    for note_id, found in spans.items():
        mask = np.zeros(len(texts[note_id]), bool)
        for span in found:
            start, end = int(span[0]), int(span[1])
            mask[start:end] = True
        covered[note_id] = mask
    caught = np.array([covered[row.note_id][row.start:row.end].all() for row in planted.itertuples()])
    for kind in ("date", "record_number"):
        in_kind = (planted["kind"] == kind).to_numpy()
        missed = planted.loc[in_kind & ~caught, "value"]
        recall = caught[in_kind].mean()
        assert recall >= 0.98, (f"your scrubber catches {recall:.0%} of the {kind.replace('_', ' ')}s "
                                f"(98 % needed); it misses, for example, {missed.iloc[0]!r}")
    planted_mask = {note_id: np.zeros(len(text), bool) for note_id, text in texts.items()}
    for row in planted.itertuples():
        planted_mask[row.note_id][row.start:row.end] = True
    clinical = sum(int((covered[n] & ~planted_mask[n]).sum()) for n in texts)
    total = sum(int((~planted_mask[n]).sum()) for n in texts)
    assert clinical / total < 0.01, (
        f"your scrubber also removes {clinical / total:.1%} of the clinical text (under 1 % allowed): ages, "
        "temperatures and heart rates are numbers too; anchor each pattern on what makes it an identifier.")


def _wrong_numeric_only(text):  # the notebook's scrubber: misses "14 Mar 2024", "March 14", "#1234567"
    pattern = r"\b\d{1,2}/\d{1,2}/\d{4}\b|\b\d{4}-\d{2}-\d{2}\b|\bMRN:? ?\d{6,}"
    return [match.span() for match in re.finditer(pattern, text)]


def _wrong_every_number(text):  # catches everything by removing every number, ages and vital signs too
    pattern = r"\b(?:January|February|March|April|May|June|July|August|September|October|November|December|" \
              r"Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Oct|Nov|Dec)\b|MRN:?|#?\d[\d/\-.]*"
    return [match.span() for match in re.finditer(pattern, text)]


q3 = Exercise(
    title="Exercise 3 (a better scrubber)",
    checker=_check_q3,
    hint_text=("Print the dates and record numbers the notebook's scrubber missed (the `missed` table) and "
               "write one pattern per form you see. A month has a name; a bare record number has a '#' "
               "and seven digits. Test that ages ('67 y/o') and temperatures survive."),
    key="nb09_q3",
    wrong_answers=[_wrong_numeric_only, _wrong_every_number],
    success_message=("Right for dates and record numbers. Names are harder: 'Grace' and 'Wei' have no "
                     "pattern, so real scrubbers add name lists and trained models, and still miss some."),
)


# --- q4: what a held-out-template test measures -------------------------------------------------

_Q4_RIGHT = "c"


def _check_q4(answer):
    if not isinstance(answer, str) or answer.strip().lower() not in {"a", "b", "c", "d"}:
        raise AssertionError('answer should be one of the letters "a", "b", "c" or "d".')
    choice = answer.strip().lower()
    assert choice == _Q4_RIGHT, {
        "a": "More data of the same templates would raise both scores; the gap is about which phrasings "
             "were seen, not how many notes.",
        "b": "Both test sets come from the same patients' generator and the same label rule.",
        "d": "A random split cannot reveal memorised phrasings: its notes reuse the training templates.",
    }[choice]


q4 = Exercise(
    title="Exercise 4 (what the held-out templates measure)",
    checker=_check_q4,
    hint_text=("What is different between the two test sets, other than the notes themselves? Which of "
               "the two could a model pass by remembering phrasings?"),
    key="nb09_q4",
    wrong_answers=["a", "b", "d", 3],
    success_message=("Yes. A random split of templated notes rewards memorised phrasings; only new "
                     "phrasings (other templates, another hospital, another author) test reading."),
)

EXERCISES = [q1, q2, q3, q4]

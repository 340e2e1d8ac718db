"""Synthetic clinical notes in which context decides the label: negation, uncertainty, family history, history-of.

Every note mentions the *target* condition (pneumonia, sometimes abbreviated or misspelt) in one of
five contexts (:data:`CONTEXTS`); the label says whether the patient has pneumonia *now*, which is
true only for an affirmed mention. Most notes also mention another condition (a *distractor*) in a
complementary context, so that the same cue words ("no", "possible", "mother") occur in notes of
both labels: only *which* condition a cue belongs to, that is word order and scope, tells them
apart. Each context has phrasing templates ("no {}", "{} ruled out", ...); a few per context are
held out and used only by ``templates="held_out"``, so a test set can measure reading, not template
memory. :func:`plant_identifiers` adds protected health information (names, dates, record
numbers) with its exact positions, to measure a scrubber. No patient or clinician wrote any of this.
"""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from helpers.validation import check_int

#: The contexts a mention can be in; only ``"affirmed"`` means the patient has the condition now.
CONTEXTS = ("affirmed", "negated", "uncertain", "family", "history")

#: How the target condition is written: mostly in full, sometimes abbreviated, sometimes misspelt.
TARGET_SPELLINGS = ("pneumonia", "pneumonia", "pneumonia", "pneumonia", "PNA", "pnuemonia", "pneumonai")

#: Other conditions that share the note (each in a context of its own).
DISTRACTORS = ("asthma", "diabetes", "COPD", "heart failure", "DVT", "UTI", "influenza", "bronchitis",
               "stroke", "anaemia")

#: Phrasing templates per context, used in every split: ``{f}`` is the condition, ``{d}`` another one.
TRAIN_TEMPLATES = {
    "affirmed": ("{f} confirmed", "dx {f}", "presents with {f}", "treated for {f} today", "consistent with {f}",
                 "found to have {f}", "assessment: {f}"),
    "negated": ("no {f}", "denies {f}", "negative for {f}", "no evidence of {f}", "{f} ruled out",
                "without {f}", "{f} excluded", "no {d} or {f}"),
    "uncertain": ("possible {f}", "cannot rule out {f}", "? {f}", "concern for {f}", "{f} not excluded",
                  "r/o {f}", "probable {f}"),
    "family": ("mother had {f}", "father with {f}", "family hx of {f}", "FHx {f}", "sister has {f}",
               "brother with {f}"),
    "history": ("hx of {f}", "history of {f}", "prior {f}", "{f} in {year}, resolved", "previous {f}",
                "PMH {f}"),
}

#: Templates seen only with ``templates="held_out"``: new arrangements of words the others use.
HELD_OUT_TEMPLATES = {
    "affirmed": ("dx: {f}", "{f} confirmed today"),
    "negated": ("no evidence for {f}", "{f} ruled out today"),
    "uncertain": ("{f} possible", "concern for possible {f}"),
    "family": ("father had {f}", "family history of {f}"),
    "history": ("prior hx of {f}", "history of {f}, resolved"),
}

#: For a target in context ``key``, the distractor's context (cues must not give the label away).
_PAIRED_CONTEXT = {"negated": "affirmed", "uncertain": "affirmed", "family": "affirmed", "history": "affirmed"}

_OPENERS = ("{age} y/o {sex}.", "{age}yo {sex}.", "{age} year old {sex}.", "pt {age} {sex}.")
_SEPARATORS = (". ", ". ", "; ", ", but ")
_FILLERS = ("T {temp} C, HR {hr}.", "SpO2 {spo2}% RA.", "seen in ED.", "CXR done.", "labs pending.")

TEMPLATE_SETS = ("train", "held_out")


def _typo(word: str, rng: np.random.Generator) -> str:
    """``word`` with two neighbouring letters swapped (words of 4+ letters only)."""
    if len(word) < 4 or " " in word:
        return word
    i = int(rng.integers(1, len(word) - 2))
    return word[:i] + word[i + 1] + word[i] + word[i + 2:]


def _render(template: str, condition: str, other: str, year: int) -> str:
    """One clause: ``template`` with the condition, the listed other condition and a year filled in."""
    return template.format(f=condition, d=other, year=year)


def make_context_notes(n_notes: int = 1000, seed: int = 0, *, templates: str = "train",
                       paired_fraction: float = 0.75, twins: bool = False) -> pd.DataFrame:
    """``n_notes`` short notes (at most 40 words), one pneumonia mention each, its context known.

    Args:
        n_notes: number of notes (>= 1; even when ``twins``).
        seed: seed of the generator; the same seed gives the same notes.
        templates: ``"train"`` phrases the pneumonia mention with :data:`TRAIN_TEMPLATES`,
            ``"held_out"`` with :data:`HELD_OUT_TEMPLATES` only (a test set of unseen phrasings).
            Distractor mentions always use the train templates.
        paired_fraction: share of notes that also mention a distractor in the complementary context
            (an affirmed distractor beside a non-affirmed pneumonia, and the other way round).
        twins: every note is paired, and comes with its *twin*: the same note with the two
            conditions swapped, so the same words in the same numbers but the opposite label
            (rows ``2k`` and ``2k + 1``); with ``templates="held_out"`` a held-out phrasing is in
            every pair, on pneumonia in one twin and on the other condition in the other.

    Returns:
        A DataFrame with columns ``note_id``, ``text``, ``label`` (1 = pneumonia now, 0 = not),
        ``context`` (of the pneumonia mention, one of :data:`CONTEXTS`), ``template`` (its
        phrasing template), ``mentions`` (every mention as ``condition=context``, ``; ``-separated),
        ``templates`` (the template set) and ``twin`` (the twin's ``note_id``, ``""`` if none).
    """
    n_notes = check_int("n_notes", n_notes)
    seed = check_int("seed", seed, minimum=0)
    if templates not in TEMPLATE_SETS:
        raise ValueError(f"templates must be one of {TEMPLATE_SETS}, got {templates!r}")
    if isinstance(paired_fraction, bool) or not isinstance(paired_fraction, (int, float)) \
            or not 0 <= paired_fraction <= 1:
        raise ValueError(f"paired_fraction must be a number between 0 and 1, got {paired_fraction!r}")
    if not isinstance(twins, bool):
        raise TypeError(f"twins must be True or False, got {type(twins).__name__}")
    if twins and n_notes % 2:
        raise ValueError(f"with twins=True, n_notes must be even (pairs of notes), got {n_notes}")
    rng = np.random.default_rng(seed)
    target_templates = TRAIN_TEMPLATES if templates == "train" else HELD_OUT_TEMPLATES
    prefix = "T" if templates == "train" else "H"
    rows = []
    for index in range(n_notes // 2 if twins else n_notes):
        context = str(rng.choice(CONTEXTS, p=[0.5, 0.125, 0.125, 0.125, 0.125]))
        spelling = str(rng.choice(TARGET_SPELLINGS))
        # one clause per mention: [template, context, condition as written, condition's name]
        clauses = [[str(rng.choice(target_templates[context])), context, spelling, "pneumonia"]]
        if twins or rng.random() < paired_fraction:
            partner = _PAIRED_CONTEXT.get(context) or str(rng.choice(CONTEXTS[1:]))
            other = str(rng.choice(DISTRACTORS))
            clauses.append([str(rng.choice(TRAIN_TEMPLATES[partner])), partner,
                            _typo(other, rng) if rng.random() < 0.1 else other, other])
        listed = str(rng.choice(DISTRACTORS))  # the {d} of a template that lists two conditions
        years = [int(rng.integers(2005, 2024)) for _ in clauses]
        order = rng.permutation(len(clauses))
        separators = [str(rng.choice(_SEPARATORS)) for _ in clauses[1:]]
        opener = str(rng.choice(_OPENERS)).format(age=int(rng.integers(18, 95)), sex=str(rng.choice(["F", "M"])))
        filler = (str(rng.choice(_FILLERS)).format(temp=f"{rng.normal(37.4, 0.8):.1f}", hr=int(rng.integers(60, 120)),
                                                   spo2=int(rng.integers(88, 100))) if rng.random() < 0.5 else None)
        filler_at = int(rng.integers(1, 3))
        versions = [clauses]
        if twins:  # the same clauses with the two conditions swapped
            versions.append([[clauses[0][0], clauses[0][1], *clauses[1][2:]], [clauses[1][0], clauses[1][1], *clauses[0][2:]]])
        ids = [f"{prefix}{index + 1:05d}" + ("ab"[k] if twins else "") for k in range(len(versions))]
        for k, version in enumerate(versions):
            texts = [_render(t, written, listed, year) for (t, _, written, _), year in zip(version, years)]
            ordered = [texts[i] for i in order]
            body = ordered[0] + "".join(sep + clause for sep, clause in zip(separators, ordered[1:]))
            parts = [opener, body + "."]
            if filler is not None:
                parts.insert(filler_at, filler)
            mentions = [f"{name}={ctx}" for _, ctx, _, name in version]
            mentions += [f"{listed}=negated" for t, *_ in version if "{d}" in t]
            target = next(clause for clause in version if clause[3] == "pneumonia")
            rows.append({"note_id": ids[k], "text": " ".join(parts), "label": int(target[1] == "affirmed"),
                         "context": target[1], "template": target[0], "mentions": "; ".join(mentions),
                         "templates": templates, "twin": ids[1 - k] if twins else ""})
    return pd.DataFrame(rows)


#: Kinds of planted identifiers, and the forms each may take.
IDENTIFIER_FORMS = {
    "name": ("titled", "full", "first_only"),
    "date": ("numeric", "iso", "day_month", "month_word"),
    "record_number": ("mrn", "mrn_colon", "hash"),
}

_FIRST = ("Maria", "James", "Aisha", "Wei", "Olga", "Carlos", "Fatima", "John", "Priya", "Tomasz", "Grace",
          "Ahmed", "Sofia", "Liam", "Mei", "Kwame")
_LAST = ("Garcia", "Smith", "Khan", "Chen", "Novak", "Silva", "Okafor", "Brown", "Patel", "Kowalski",
         "Murphy", "Haddad", "Rossi", "Walsh", "Tanaka", "Mensah")
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December")


def _identifier(kind: str, form: str, rng: np.random.Generator) -> str:
    first, last = str(rng.choice(_FIRST)), str(rng.choice(_LAST))
    year, month, day = int(rng.integers(2015, 2026)), int(rng.integers(1, 13)), int(rng.integers(1, 29))
    number = int(rng.integers(1_000_000, 9_999_999))
    return {
        ("name", "titled"): f"{rng.choice(['Mr', 'Mrs', 'Ms', 'Dr'])}. {last}",
        ("name", "full"): f"{first} {last}",
        ("name", "first_only"): first,
        ("date", "numeric"): f"{month:02d}/{day:02d}/{year}",
        ("date", "iso"): f"{year}-{month:02d}-{day:02d}",
        ("date", "day_month"): f"{day} {_MONTHS[month - 1][:3]} {year}",
        ("date", "month_word"): f"{_MONTHS[month - 1]} {day}",
        ("record_number", "mrn"): f"MRN {number}",
        ("record_number", "mrn_colon"): f"MRN: {number}",
        ("record_number", "hash"): f"#{number}",
    }[(kind, form)]


_HEADERS = ("Pt {name}, {record_number}, seen {date}.", "{record_number}. {name} seen on {date}.",
            "Seen {date}: {name} ({record_number}).")
_TRAILERS = ("", " Next of kin {first} at bedside.", " F/u with {name} on {date}.", " Called {first} re results.")


def plant_identifiers(texts: Sequence[str], seed: int = 0) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Add a header (and sometimes a trailer) with a name, a date and a record number to every note.

    Args:
        texts: the notes, a sequence of strings.
        seed: seed of the generator.

    Returns:
        ``(notes, identifiers)``: ``notes`` has columns ``note_id`` and ``text`` (the note with
        identifiers); ``identifiers`` has one row per planted identifier with ``note_id``, ``kind``
        (a key of :data:`IDENTIFIER_FORMS`), ``form``, ``value``, ``start`` and ``end`` (character
        offsets in the new text, ``text[start:end] == value``).
    """
    if isinstance(texts, str) or not all(isinstance(text, str) for text in texts):
        raise TypeError("texts must be a sequence of strings (one note each), not a single string")
    if len(texts) == 0:
        raise ValueError("texts must hold at least one note")
    seed = check_int("seed", seed, minimum=0)
    rng = np.random.default_rng(seed)
    notes, planted = [], []
    for index, text in enumerate(texts):
        note_id = f"P{index + 1:05d}"
        chosen = {kind: str(rng.choice(forms)) for kind, forms in IDENTIFIER_FORMS.items()}
        values = {kind: _identifier(kind, form, rng) for kind, form in chosen.items()}
        pieces = [str(rng.choice(_HEADERS)), " " + text, str(rng.choice(_TRAILERS))]
        extra_name = _identifier("name", str(rng.choice(["titled", "full"])), rng)
        extra_date = _identifier("date", str(rng.choice(IDENTIFIER_FORMS["date"])), rng)
        first = str(rng.choice(_FIRST))
        output = ""
        for piece_index, piece in enumerate(pieces):
            cursor = 0
            while True:  # copy the piece, replacing each {slot} and logging where its value lands
                start = piece.find("{", cursor)
                if start < 0:
                    output += piece[cursor:]
                    break
                end = piece.index("}", start)
                slot = piece[start + 1:end]
                output += piece[cursor:start]
                if piece_index == 1:  # the note itself: no slots, braces are text
                    output += piece[start:end + 1]
                else:
                    if piece_index == 0:
                        kind, form, value = slot, chosen[slot], values[slot]
                    elif slot == "first":
                        kind, form, value = "name", "first_only", first
                    elif slot == "name":
                        kind, form, value = "name", "titled" if "." in extra_name else "full", extra_name
                    else:
                        kind, form, value = "date", _date_form(extra_date), extra_date
                    planted.append({"note_id": note_id, "kind": kind, "form": form, "value": value,
                                    "start": len(output), "end": len(output) + len(value)})
                    output += value
                cursor = end + 1
        notes.append({"note_id": note_id, "text": output})
    return pd.DataFrame(notes), pd.DataFrame(planted)


def _date_form(value: str) -> str:
    """The form (a key of ``IDENTIFIER_FORMS['date']``) of a date made by :func:`_identifier`."""
    if "/" in value:
        return "numeric"
    if "-" in value:
        return "iso"
    return "day_month" if value[0].isdigit() else "month_word"

"""Synthetic clinical notes: short emergency-department notes with a known label.

Each note is assembled from templates: a patient line, the presenting complaint, symptoms that
are present or explicitly negated ("denies fever"), vital signs and an impression. The label says
whether the note describes community-acquired pneumonia; it is decided by the generator's hidden
findings, so negation and abbreviations matter, as they do in real notes. No real patient or
clinician wrote any of these.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from helpers.data.files import DatasetFile, csv_bytes

PNEUMONIA_FINDINGS = ("fever", "productive cough", "crackles at the right base", "pleuritic chest pain")


OTHER_FINDINGS = ("headache", "nausea", "back pain", "dizziness", "sore throat", "fatigue")


NEGATION_TEMPLATES = ("denies {}", "no {}", "negative for {}")


#: Examination findings are not something a patient can deny: they get their own negative phrasing.
EXAM_NEGATIONS = {"crackles at the right base": "no crackles on auscultation"}


COMPLAINTS_PNEUMONIA = ("cough and fever for 3 days", "shortness of breath", "chest pain on breathing")


COMPLAINTS_OTHER = ("fall at home", "abdominal pain", "headache since yesterday", "shortness of breath",
                    "dizziness", "chest pain on breathing")


def _vitals(rng: np.random.Generator, pneumonia: bool) -> str:
    temperature = rng.normal(38.6 if pneumonia else 36.9, 0.4)
    heart_rate = int(rng.normal(104 if pneumonia else 80, 10))
    resp_rate = int(rng.normal(24 if pneumonia else 16, 2))
    spo2 = int(min(100, rng.normal(92 if pneumonia else 98, 1.5)))
    return f"T {temperature:.1f} C, HR {heart_rate}, RR {resp_rate}, SpO2 {spo2}% on room air."


def make_notes(n_notes: int = 400, seed: int = 0) -> pd.DataFrame:
    """Return ``n_notes`` synthetic notes: columns ``note_id``, ``text``, ``pneumonia`` (0/1)."""
    if isinstance(n_notes, bool) or not isinstance(n_notes, (int, np.integer)) or n_notes < 1:
        raise ValueError(f"n_notes must be a positive int, got {n_notes!r}")
    rng = np.random.default_rng(seed)
    rows = []
    for index in range(int(n_notes)):
        pneumonia = bool(rng.random() < 0.35)
        age, sex = int(rng.integers(18, 95)), str(rng.choice(["female", "male"]))
        complaint = str(rng.choice(COMPLAINTS_PNEUMONIA if pneumonia else COMPLAINTS_OTHER))
        present = list(rng.choice(PNEUMONIA_FINDINGS, size=int(rng.integers(2, 4)), replace=False)) if pneumonia else []
        present += list(rng.choice(OTHER_FINDINGS, size=int(rng.integers(0, 3)), replace=False))
        absent_pool = [f for f in PNEUMONIA_FINDINGS if f not in present]
        absent = list(rng.choice(absent_pool, size=min(len(absent_pool), int(rng.integers(1, 3))), replace=False))
        negations = [EXAM_NEGATIONS[f] if f in EXAM_NEGATIONS else str(rng.choice(NEGATION_TEMPLATES)).format(f)
                     for f in absent]
        impression = ("Likely community-acquired pneumonia; chest X-ray ordered, start antibiotics."
                      if pneumonia else str(rng.choice([
                          "No evidence of pneumonia. Symptomatic treatment, follow up with GP.",
                          "Viral syndrome likely; pneumonia not suspected.",
                          "Musculoskeletal pain. Discharged with analgesia.",
                      ])))
        symptoms = [f for f in present if f not in EXAM_NEGATIONS]
        exam = "".join(f" Exam: {f}." for f in present if f in EXAM_NEGATIONS)
        text = (f"{age} y/o {sex} presenting with {complaint}. "
                f"Reports {', '.join(symptoms) if symptoms else 'no other symptoms'}.{exam} "
                f"{'; '.join(negations).capitalize()}. {_vitals(rng, pneumonia)} {impression}")
        rows.append({"note_id": f"N{index + 1:04d}", "text": text, "pneumonia": int(pneumonia)})
    return pd.DataFrame(rows)


def _build_notes_csv() -> bytes:
    return csv_bytes(make_notes(400, seed=0))


DATASET_FILES = {
    "clinical_notes": DatasetFile(
        filename="clinical_notes.csv",
        build=_build_notes_csv,
        card="cards/clinical_notes.md",
        description="400 synthetic emergency-department notes labelled for pneumonia.",
    ),
}

"""Worked solution of notebook 00, exercise 4 (q4); it sets `answer`."""
import re

NEGATED_FEVER = re.compile(r"\b(?:denies|no|negative for) fever")   # the ways these notes negate fever


def reports_fever(text):
    """True when the note still mentions fever after its negated mentions are removed."""
    return "fever" in NEGATED_FEVER.sub("", text.lower())


answer = reports_fever

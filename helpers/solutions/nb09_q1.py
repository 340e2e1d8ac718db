"""Worked solution of notebook 09, exercise 1 (q1); it sets `answer`."""
import re

from helpers.data.contextual_notes import TARGET_SPELLINGS

TERMS = {spelling.lower() for spelling in TARGET_SPELLINGS}   # every way the notes write pneumonia
TERMINATORS = {".", ";", "but"}                                 # a cue's scope ends here
WINDOW = 5
# (context, cues before the condition, cues after it); the first context that matches wins, so
# "family history of" is family, "cannot rule out" and "not excluded" are uncertain, not negated.
CUES = [
    ("family", ("mother", "father", "sister", "brother", "family", "fhx"), ()),
    ("uncertain", ("possible", "cannot rule out", "?", "concern for", "r/o", "probable"), ("possible", "not excluded")),
    ("negated", ("no", "denies", "negative for", "without"), ("ruled out", "excluded")),
    ("history", ("hx", "history of", "prior", "previous", "pmh"), ("resolved",)),
]


def tokens(text):
    return re.findall(r"[a-z0-9/]+|[.,;:?]", text.lower())


def scope(words):
    """The words up to the first terminator."""
    for index, word in enumerate(words):
        if word in TERMINATORS:
            return words[:index]
    return words


def contains(words, cue):
    return f" {cue} " in f" {' '.join(words)} "


def context_of(text):
    words = tokens(text)
    for i, word in enumerate(words):
        if word in TERMS:
            before = scope(words[max(0, i - WINDOW):i][::-1])[::-1]
            after = scope(words[i + 1:i + 1 + WINDOW])
            for context, pre, post in CUES:
                if any(contains(before, cue) for cue in pre) or any(contains(after, cue) for cue in post):
                    return context
            return "affirmed"
    return "affirmed"


answer = context_of

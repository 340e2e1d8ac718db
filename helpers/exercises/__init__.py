"""Kaggle-style exercises: ``q1.check(answer)``, ``q1.hint()``, ``q1.solution()``.

Each notebook's exercises live in a module of this package named after the notebook
(``helpers.exercises.nb01`` for notebook 01), which defines ``EXERCISES``. See :mod:`.core`.
"""
from helpers.exercises.core import CORRECT, INCORRECT, NOT_ATTEMPTED, Exercise, NotAttempted

__all__ = ["CORRECT", "INCORRECT", "NOT_ATTEMPTED", "Exercise", "NotAttempted"]

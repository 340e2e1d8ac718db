"""Shared helpers for the tests that read or execute notebooks."""
from __future__ import annotations

from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK_DIR = ROOT / "notebooks"


def notebook_paths() -> list[Path]:
    """Every written notebook of the suite, in the order of the notebook index (course.toml)."""
    from helpers import course

    return [entry.path for entry in course.notebooks()]

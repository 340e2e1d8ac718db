"""The course's notebook index, ``course.toml``: number, file, title, paper section, objectives in a
line, and time and memory budget of every notebook, written and planned.

It is the one place these facts live. The hygiene tests, the benchmark, the README's notebook table
(``python3 scripts/course.py readme``), notebook 00's map and the instructor tools all read it here.
"""
from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from helpers import ROOT

INDEX_PATH = ROOT / "course.toml"
NOTEBOOK_DIR = ROOT / "notebooks"
_FIELDS = ("number", "title", "paper_section", "objectives", "budget_s", "memory_mb")


class CourseIndexError(ValueError):
    """``course.toml`` is malformed: the message names the entry and the field."""


@dataclass(frozen=True)
class Notebook:
    """One entry of the index. ``file`` is ``None`` for a planned notebook."""

    number: str
    title: str
    paper_section: str
    objectives: str
    budget_s: int
    memory_mb: int
    file: str | None = None
    planned: bool = False

    @property
    def path(self) -> Path | None:
        """The notebook's file in ``notebooks/`` (``None`` while it is planned)."""
        return NOTEBOOK_DIR / self.file if self.file else None


def load_index(path: Path = INDEX_PATH) -> list[Notebook]:
    """Every entry of the index, in order, checked: unique ascending two-digit numbers, a file named
    ``NN_lowercase_words.ipynb`` for each written notebook, positive budgets."""
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise CourseIndexError(f"the notebook index {path} is missing; restore it with `git checkout -- course.toml`") from None
    except tomllib.TOMLDecodeError as error:
        raise CourseIndexError(f"{path} is not valid TOML: {error}") from None
    entries = []
    for position, item in enumerate(raw.get("notebook", [])):
        where = f"{path.name}, notebook entry {position + 1}"
        missing = [name for name in _FIELDS if name not in item]
        if missing:
            raise CourseIndexError(f"{where} lacks {missing}")
        unknown = sorted(set(item) - {*_FIELDS, "file", "planned"})
        if unknown:
            raise CourseIndexError(f"{where} has unknown fields {unknown}")
        entry = Notebook(**item)
        if not (isinstance(entry.number, str) and re.fullmatch(r"\d\d", entry.number)):
            raise CourseIndexError(f"{where}: number must be two digits as text, e.g. \"08\", got {entry.number!r}")
        if entry.planned == bool(entry.file):
            raise CourseIndexError(f"{where}: give a file, or planned = true, not both or neither")
        if entry.file and not re.fullmatch(rf"{entry.number}_[a-z0-9_]+\.ipynb", entry.file):
            raise CourseIndexError(f"{where}: file must be named {entry.number}_lowercase_words.ipynb, got {entry.file!r}")
        if not (isinstance(entry.budget_s, int) and entry.budget_s > 0 and isinstance(entry.memory_mb, int)
                and entry.memory_mb > 0):
            raise CourseIndexError(f"{where}: budget_s and memory_mb must be positive whole numbers")
        entries.append(entry)
    numbers = [entry.number for entry in entries]
    if numbers != sorted(set(numbers)):
        raise CourseIndexError(f"{path.name}: numbers must be unique and in ascending order, got {numbers}")
    return entries


def notebooks(*, planned: bool = False) -> list[Notebook]:
    """The written notebooks in order (and the planned ones too with ``planned=True``)."""
    return [entry for entry in load_index() if planned or not entry.planned]


def entry(number: str | int) -> Notebook:
    """The index entry of notebook ``number`` (``7``, ``"07"``)."""
    wanted = f"{int(number):02d}"
    for item in load_index():
        if item.number == wanted:
            return item
    raise KeyError(f"no notebook {wanted} in {INDEX_PATH.name}")


def map_table() -> str:
    """The course map as a Markdown table: number, title, paper section, what you will do."""
    rows = ["| # | Notebook | Paper section | You will |", "|---|---|---|---|"]
    for item in notebooks(planned=True):
        title = f"{item.title} (planned)" if item.planned else item.title
        rows.append(f"| {item.number} | {title} | {item.paper_section} | {item.objectives} |")
    return "\n".join(rows)

"""Find and run a notebook's lesson-code cells (first line ``# Lesson code: NAME``) in a fresh namespace.

The tests that prove a notebook's lesson code and a helper agree all go through here.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

import nbformat

NOTEBOOK_DIR = Path(__file__).resolve().parent.parent / "notebooks"
MARKER = "# Lesson code: "


def lesson_markers(notebook: str) -> list[str]:
    """The NAMEs of every lesson-code cell of ``notebooks/<notebook>``, in order."""
    cells = nbformat.read(NOTEBOOK_DIR / notebook, as_version=4).cells
    return [cell.source.split("\n", 1)[0][len(MARKER):].split(" (")[0].strip() for cell in cells
            if cell.cell_type == "code" and cell.source.startswith(MARKER)]


def lesson_source(notebook: str, marker: str) -> str:
    """The source of the one code cell of ``notebooks/<notebook>`` whose first line is ``# Lesson code: <marker>``."""
    def is_it(cell) -> bool:  # "# Lesson code: NAME", optionally followed by a remark: "NAME (...)"
        first = cell.source.split("\n", 1)[0].strip()
        rest = first[len(MARKER + marker):]
        return cell.cell_type == "code" and first.startswith(MARKER + marker) and (not rest or rest[0] in " (,;:")

    cells = [cell for cell in nbformat.read(NOTEBOOK_DIR / notebook, as_version=4).cells if is_it(cell)]
    assert len(cells) == 1, f"{notebook} should have exactly one cell starting '{MARKER}{marker}'"
    return cells[0].source


def lesson_namespace(notebook: str, marker: str | list[str], namespace: dict[str, Any],
                     *, define_only: str | None = None) -> dict[str, Any]:
    """Exec the lesson cell(s) ``marker`` of ``notebooks/<notebook>`` in a copy of ``namespace``.

    ``namespace`` holds what the cells expect from earlier cells (imports, ``SEED``); it is copied,
    the cells run in order, and the result is returned with their definitions added. With
    ``define_only``, each cell is cut at the first line that starts with that text (a cell that
    defines a function and then applies it to the notebook's data).
    """
    scope = dict(namespace)
    for name in [marker] if isinstance(marker, str) else marker:
        source = lesson_source(notebook, name)
        if define_only is not None:
            source = source.split("\n" + define_only)[0]
        exec(compile(source, f"{notebook}: lesson code {name}", "exec"), scope)  # noqa: S102
    return scope

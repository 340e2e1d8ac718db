"""Run a notebook's lesson-code cell (marked ``# Lesson code: NAME`` on its first line) in a fresh namespace."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import nbformat

NOTEBOOK_DIR = Path(__file__).resolve().parent.parent / "notebooks"


def lesson_namespace(notebook: str, marker: str, namespace: dict[str, Any]) -> dict[str, Any]:
    """Exec the one code cell of ``notebooks/<notebook>`` whose first line is ``# Lesson code: <marker>``.

    ``namespace`` holds what the cell expects from earlier cells (imports, ``SEED``); it is copied,
    run and returned with the cell's definitions added.
    """
    cells = [cell for cell in nbformat.read(NOTEBOOK_DIR / notebook, as_version=4).cells
             if cell.cell_type == "code" and cell.source.splitlines()[:1] == [f"# Lesson code: {marker}"]]
    assert len(cells) == 1, f"{notebook} should have exactly one cell starting '# Lesson code: {marker}'"
    scope = dict(namespace)
    exec(compile(cells[0].source, f"{notebook}: lesson code {marker}", "exec"), scope)  # noqa: S102
    return scope

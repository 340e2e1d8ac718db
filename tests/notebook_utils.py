"""Shared helpers for the tests that read or execute notebooks."""
from __future__ import annotations

from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK_DIR = ROOT / "notebooks"


def notebook_paths() -> list[Path]:
    """Every written notebook of the suite, in the order of the notebook index (course.toml)."""
    from helpers import course

    return [entry.path for entry in course.notebooks()]


def execute_in_one_kernel(path: Path, passes: int = 1, timeout: int = 900, then: str | None = None) -> list:
    """Execute every cell of ``path`` ``passes`` times in a single kernel; return the notebook.

    ``then``: code run last in the same kernel, appended as the notebook's final cell.
    Raises ``nbclient.exceptions.CellExecutionError`` when a cell fails (on any pass).
    """
    notebook = nbformat.read(path, as_version=4)
    cells = list(notebook.cells)
    client = NotebookClient(notebook, kernel_name="python3", timeout=timeout,
                            resources={"metadata": {"path": str(path.parent)}})
    with client.setup_kernel():
        for _ in range(passes):
            for index, cell in enumerate(cells):
                client.execute_cell(cell, index)
        if then is not None:
            notebook.cells.append(nbformat.v4.new_code_cell(then))
            client.execute_cell(notebook.cells[-1], len(notebook.cells) - 1)
    return notebook

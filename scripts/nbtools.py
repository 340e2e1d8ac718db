"""Maintainer tools for notebooks: the canonical setup cell, title-cell links, building, cleaning.

    python3 scripts/nbtools.py clean notebooks/*.ipynb   # strip outputs and execution counts

A notebook can be written from Python with :func:`build`, which inserts the canonical setup cell
as the second cell::

    from scripts.nbtools import build, md, code
    build("notebooks/02_convolution.ipynb", [md(TITLE), code("..."), ...])
"""
from __future__ import annotations

import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from helpers import REPO_SLUG  # noqa: E402

CLONE_DIR = "/content/" + REPO_SLUG.split("/")[1]

#: The second cell of every notebook, byte for byte (tests/test_notebook_hygiene.py checks it).
SETUP_CELL = f'''# Setup: the same first cell in every notebook. On Colab it first fetches the course files.
import os, subprocess, sys
COURSE = "{CLONE_DIR}" if "google.colab" in sys.modules else os.path.abspath("..")
if "google.colab" in sys.modules and not os.path.exists(COURSE + "/.installed"):
    steps = [("download the course files", f"git clone -q --depth 1 https://github.com/{REPO_SLUG} {{COURSE}}"),
             ("install the course's extra packages", f"pip install -q -r {{COURSE}}/requirements-colab.txt")]
    for what, command in steps[1:] if os.path.isdir(COURSE) else steps:
        run = subprocess.run(command, shell=True, capture_output=True, text=True)
        if run.returncode:
            raise RuntimeError(f"Could not {{what}}: {{command.split()[0]}} said {{run.stderr.strip()[-400:]!r}}. "
                               "Check that this Colab runtime is connected, then run this cell again.")
    open(COURSE + "/.installed", "w").close()
sys.path.insert(0, COURSE)
import helpers
SEED = helpers.setup()'''


def colab_url(filename: str) -> str:
    """Open-in-Colab address of ``notebooks/filename``."""
    return f"https://colab.research.google.com/github/{REPO_SLUG}/blob/main/notebooks/{filename}"


def binder_url(filename: str) -> str:
    """Launch-on-Binder address that opens ``notebooks/filename`` in JupyterLab."""
    return f"https://mybinder.org/v2/gh/{REPO_SLUG}/main?labpath=notebooks%2F{filename}"


def launch_links(filename: str) -> str:
    """The Markdown line of launch badges for a notebook's title cell."""
    return (f"[![Open in Colab](https://colab.research.google.com/assets/colab-badge.svg)]({colab_url(filename)}) "
            f"[![Launch on Binder](https://mybinder.org/badge_logo.svg)]({binder_url(filename)})")


def md(source: str) -> nbformat.NotebookNode:
    """A Markdown cell (leading/trailing blank lines removed)."""
    return nbformat.v4.new_markdown_cell(source.strip("\n"))


def code(source: str) -> nbformat.NotebookNode:
    """A code cell (leading/trailing blank lines removed)."""
    return nbformat.v4.new_code_cell(source.strip("\n"))


def build(path: str | Path, cells: list[nbformat.NotebookNode]) -> Path:
    """Write a notebook: ``cells[0]`` (the title) + the setup cell + ``cells[1:]``; no outputs."""
    path = Path(path)
    notebook = nbformat.v4.new_notebook()
    notebook.metadata = {
        "kernelspec": {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"},
        "language_info": {"name": "python"},
    }
    notebook.cells = [cells[0], code(SETUP_CELL), *cells[1:]]
    for index, cell in enumerate(notebook.cells):
        cell["id"] = f"cell-{index:03d}"
    nbformat.validate(notebook)
    nbformat.write(notebook, path)
    return path


def clean(path: str | Path) -> None:
    """Remove outputs, execution counts and volatile metadata from a notebook, in place."""
    notebook = nbformat.read(path, as_version=4)
    for cell in notebook.cells:
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
        cell.metadata.pop("execution", None)
    nbformat.write(notebook, path)


if __name__ == "__main__":
    if len(sys.argv) < 3 or sys.argv[1] != "clean":
        sys.exit(__doc__)
    for name in sys.argv[2:]:
        clean(name)
        print(f"cleaned {name}")

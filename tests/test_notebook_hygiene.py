"""Every notebook is clean, valid, numbered and follows the suite's anatomy."""
from __future__ import annotations

import re

import nbformat
import pytest

from helpers import course
from scripts.nbtools import SETUP_CELL, binder_url, colab_url
from tests.notebook_utils import NOTEBOOK_DIR, notebook_paths

NOTEBOOKS = notebook_paths()
IDS = [path.name for path in NOTEBOOKS]


def test_there_are_notebooks():
    assert len(NOTEBOOKS) >= 2, "expected notebooks 00 and 01 at least"


def test_the_index_lists_exactly_the_notebooks_on_disk():
    on_disk = sorted(path.name for path in NOTEBOOK_DIR.glob("*.ipynb"))
    listed = sorted(path.name for path in NOTEBOOKS)
    assert on_disk == listed, (f"course.toml and notebooks/ disagree: not in the index {sorted(set(on_disk) - set(listed))}, "
                               f"listed but missing {sorted(set(listed) - set(on_disk))}")
    assert all(path.is_file() for path in NOTEBOOKS)


def test_a_broken_index_gets_a_clear_error(tmp_path):
    bad = tmp_path / "course.toml"
    bad.write_text('[[notebook]]\nnumber = 8\ntitle = "x"\npaper_section = "x"\nobjectives = "x"\n'
                   'budget_s = 90\nmemory_mb = 1536\nplanned = true\n')
    with pytest.raises(course.CourseIndexError, match="two digits"):
        course.load_index(bad)
    bad.write_text('[[notebook]]\nnumber = "08"\ntitle = "x"\n')
    with pytest.raises(course.CourseIndexError, match="lacks"):
        course.load_index(bad)
    with pytest.raises(course.CourseIndexError, match="missing"):
        course.load_index(tmp_path / "absent.toml")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_name_is_numbered(path):
    assert re.fullmatch(r"\d\d_[a-z0-9_]+\.ipynb", path.name), f"{path.name}: use NN_lowercase_words.ipynb"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_valid_nbformat_and_python3_kernel(path):
    notebook = nbformat.read(path, as_version=4)
    nbformat.validate(notebook)
    assert notebook.metadata.get("kernelspec", {}).get("name") == "python3"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_saved_without_outputs(path):
    notebook = nbformat.read(path, as_version=4)
    for index, cell in enumerate(notebook.cells):
        if cell.cell_type == "code":
            assert not cell.outputs, f"cell {index} has outputs: run `python3 scripts/nbtools.py clean {path}`"
            assert cell.execution_count is None, f"cell {index} has an execution count"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_title_cell(path):
    title = nbformat.read(path, as_version=4).cells[0]
    assert title.cell_type == "markdown"
    text = title.source
    assert text.startswith(f"# {path.name[:2]} "), "the title cell starts with '# NN ' and the topic"
    assert course.entry(path.name[:2]).file == path.name
    for required in ("Paper section", "Learning objectives", "Prerequisites", "Estimated time"):
        assert required in text, f"title cell lacks '{required}'"
    assert colab_url(path.name) in text, "title cell lacks this notebook's Colab link"
    assert binder_url(path.name) in text, "title cell lacks this notebook's Binder link"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_setup_cell_is_the_canonical_one(path):
    setup = nbformat.read(path, as_version=4).cells[1]
    assert setup.cell_type == "code"
    assert setup.source == SETUP_CELL, "the second cell must be scripts/nbtools.SETUP_CELL, unchanged"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_anatomy_sections_and_exercises(path):
    notebook = nbformat.read(path, as_version=4)
    markdown = "\n".join(c.source for c in notebook.cells if c.cell_type == "markdown")
    code = "\n".join(c.source for c in notebook.cells if c.cell_type == "code")
    for heading in ("What goes wrong in practice", "Key takeaways", "Exercises"):
        assert re.search(rf"^#+ .*{heading}", markdown, re.M | re.I), f"missing a '{heading}' heading"
    assert len(set(re.findall(r"\b(q\d+)\.check\(", code))) >= 3, "at least 3 exercises with checkers"
    assert "assert " in code, "learning outcomes must be asserted"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_no_downloads_or_hidden_failures(path):
    notebook = nbformat.read(path, as_version=4)
    for index, cell in enumerate(notebook.cells):
        if cell.cell_type != "code":
            continue
        assert "NBVAL_SKIP" not in cell.source, f"cell {index}: every cell must run in the tests"
        assert "NBVAL_RAISES_EXCEPTION" not in cell.source, f"cell {index}: no expected-failure cells"
        assert not re.search(r"except\s*(Exception)?\s*:\s*(pass)?\s*$", cell.source, re.M), \
            f"cell {index}: do not swallow exceptions"

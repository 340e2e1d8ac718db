"""Notebook 00 (welcome): its course map comes from the notebook index and cannot go stale."""
from __future__ import annotations

import re

import nbformat

from helpers import course
from tests.notebook_utils import NOTEBOOK_DIR

WELCOME = NOTEBOOK_DIR / course.entry("00").file


def _cells(kind: str) -> list[str]:
    return [cell.source for cell in nbformat.read(WELCOME, as_version=4).cells if cell.cell_type == kind]


def test_the_map_is_rendered_from_the_index():
    map_cells = [source for source in _cells("code") if "course.map_table()" in source]
    assert len(map_cells) == 1, "notebook 00 should draw its map with one call to helpers.course.map_table()"
    scope: dict = {}
    exec(compile(map_cells[0], "notebook 00, map cell", "exec"), scope)  # noqa: S102
    lines = course.map_table().splitlines()
    assert len(lines) == 2 + len(course.notebooks(planned=True)), "one row per notebook of course.toml, planned included"
    assert any("(planned)" in line for line in lines) or not any(e.planned for e in course.load_index())


def test_no_hand_written_map_or_notebook_numbers_of_planned_notebooks():
    planned = [entry.number for entry in course.load_index() if entry.planned]
    for source in _cells("markdown"):
        assert not re.search(r"^\|\s*\d\d\s*\|", source, re.M), "a hand-written map table would go stale: render it"
        for number in planned:
            assert not re.search(rf"notebook {number}\b", source), (
                f"markdown names planned notebook {number}: refer to it by topic, its number may change")

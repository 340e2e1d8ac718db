"""helpers.course and scripts/course.py: the notebook index and what is generated from it."""
from __future__ import annotations

from helpers import course
from scripts.course import notebook_table, updated_readme


def test_every_written_notebook_has_a_file_and_a_budget():
    written = course.notebooks()
    assert written and all(entry.path.is_file() and entry.budget_s > 0 for entry in written)
    assert [entry.number for entry in course.notebooks(planned=True)] == sorted(
        entry.number for entry in course.notebooks(planned=True))
    assert course.entry(0).file == written[0].file and course.entry("00") == course.entry(0)


def test_map_and_readme_table_list_the_index():
    table = course.map_table()
    for entry in course.notebooks(planned=True):
        assert f"| {entry.number} | {entry.title}" in table
    generated = notebook_table("")
    for entry in course.notebooks():
        assert f"](notebooks/{entry.file})" in generated and f"| {entry.budget_s} s |" in generated


def test_readme_update_replaces_only_the_marked_table():
    text = "intro\n<!-- notebooks:start -->\nold\n<!-- notebooks:end -->\noutro\n"
    new = updated_readme(text)
    assert new.startswith("intro\n<!-- notebooks:start -->\n| # | Notebook") and new.endswith("<!-- notebooks:end -->\noutro\n")
    assert updated_readme(new) == new

"""The instructor guide covers every notebook and is generated from the course, never stale."""
from __future__ import annotations

import importlib

from helpers import course
from scripts import guide
from scripts.course import measured_seconds
from tests.notebook_utils import ROOT


def test_guide_is_fresh():
    assert guide.GUIDE.read_text(encoding="utf-8") == guide.guide_text(), \
        "docs/instructor-guide.md is stale: run `python3 tasks.py guide`"


def test_every_notebook_has_teaching_notes_naming_its_own_exercises():
    notes = guide.load_notes()
    for item in course.notebooks():
        key = f"nb{item.number}"
        assert key in notes, f"docs/instructor-notes.toml has no [{key}] section"
        mine = notes[key]
        assert len(mine.get("discussion", [])) >= 2, f"{key}: give at least two discussion questions"
        assert len(mine.get("mistakes", [])) >= 2, f"{key}: give at least two common mistakes"
        keys = {e.key for e in importlib.import_module(f"helpers.exercises.{key}").EXERCISES}
        listed = set(mine.get("graded", [])) | set(mine.get("self_check", []))
        assert listed == keys, f"{key}: graded + self_check must list exactly its exercises {sorted(keys)}"
        assert mine.get("graded"), f"{key}: say which exercises suit grading"
    assert set(notes) == {f"nb{item.number}" for item in course.notebooks()}, "notes for a notebook not in the index"


def test_guide_quotes_the_measured_run_times():
    text = guide.GUIDE.read_text(encoding="utf-8")
    measured = measured_seconds((ROOT / "README.md").read_text(encoding="utf-8"))
    for item in course.notebooks():
        section = text.split(f"## {item.number} ", 1)[1].split("\n## ", 1)[0]
        if item.file in measured:
            assert f"last benchmark): {measured[item.file]} s" in section, item.file
        assert guide.title_field(item.path, "Prerequisites"), f"{item.file}: the title cell states no prerequisites"

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


def _code_cell_defining(name: str) -> str:
    cells = [source for source in _cells("code") if f"def {name}(" in source]
    assert len(cells) == 1, f"notebook 00 should define {name} in one code cell"
    return cells[0]


def test_the_beat_finder_finds_the_generators_beats():
    import numpy as np

    from helpers.data import signals

    scope: dict = {"np": np}
    exec(compile(_code_cell_defining("beat_times"), "notebook 00, beat_times", "exec"), scope)  # noqa: S102
    strips = signals.make_ecg_windows(45, seconds=10.0, sampling_rate=250, noise_mv=0.0, wander_mv=0.0, seed=3)
    for x, rhythm, marked, rate in zip(strips["signals"][..., 0], strips["labels"], strips["abnormal_index"],
                                       strips["heart_rate_bpm"]):
        beats = scope["beat_times"](x, fs=250)
        assert np.all(np.diff(beats) > 0.25), "beats are at least 0.25 s apart"
        if rhythm == signals.ECTOPIC:
            assert np.min(np.abs(beats - marked / 250)) < 0.02, "the ectopic beat should be found where it was placed"
        elif rhythm == signals.NORMAL:
            assert abs(np.mean(np.diff(beats)) - 60 / rate) < 0.06 * 60 / rate, "sinus intervals should match the rate"


def test_the_notes_cell_and_exercise_4_negate_fever_the_same_way():
    from helpers.exercises import nb00

    notes_cells = [source for source in _cells("code") if "negated = " in source]
    assert len(notes_cells) == 1 and nb00._NEGATED_FEVER.pattern in notes_cells[0], (
        "cell 'negated = ...' of notebook 00 and exercise 4's label should use the same negation phrases")

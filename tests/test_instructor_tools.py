"""The instructor tools: the student release (scripts/release.py) and the grader (scripts/grade.py).

The student copy is also what the re-run test in tests/test_notebooks_execute.py executes, so every
notebook is proved to run end to end, offline, in the copy students get.
"""
from __future__ import annotations

import csv
import subprocess
import sys

import nbformat
import pytest

from helpers.exercises import core
from scripts import grade, release
from scripts.nbtools import SETUP_CELL
from tests.notebook_utils import ROOT


def test_student_release_is_the_course_without_its_solutions(student_release):
    source = release.course_files()
    copied = {path for path in student_release.rglob("*") if path.is_file()}
    expected = {student_release / path for path in source if not release.is_solution(path)}
    assert copied == expected, f"extra: {sorted(copied - expected)[:5]}, missing: {sorted(expected - copied)[:5]}"
    assert any(release.is_solution(path) for path in source), "the course should have worked solutions to leave out"
    assert not (student_release / "helpers" / "solutions").exists()
    for path in source:
        if not release.is_solution(path):
            assert (student_release / path).read_bytes() == (ROOT / path).read_bytes(), f"{path} differs"


def test_release_refuses_a_folder_inside_the_course_or_not_empty(tmp_path):
    with pytest.raises(ValueError, match="outside the course"):
        release.write_student_release(ROOT / "build" / "student")
    (tmp_path / "old.txt").write_text("x")
    with pytest.raises(ValueError, match="not empty"):
        release.write_student_release(tmp_path)


def _run_in(folder, code: str) -> str:
    """Run ``code`` with ``folder``'s helpers first on the path; return stdout."""
    completed = subprocess.run([sys.executable, "-c", f"import sys; sys.path.insert(0, {str(folder)!r})\n" + code],
                               cwd=folder, capture_output=True, text=True, timeout=300)
    assert completed.returncode == 0, completed.stderr[-2000:]
    return completed.stdout


def test_in_the_release_solution_says_so_and_each_solution_put_back_passes(student_release):
    code = f"""
import importlib, pkgutil
import helpers.exercises as package
from helpers.exercises import core
assert str(core.SOLUTIONS_DIR).startswith({str(student_release)!r}), core.SOLUTIONS_DIR
exercises = [e for m in pkgutil.iter_modules(package.__path__) if m.name.startswith("nb")
             for e in importlib.import_module("helpers.exercises." + m.name).EXERCISES]
exercises[0].solution()
assert all(e.solution_code is None for e in exercises)
from pathlib import Path
core.SOLUTIONS_DIR = Path({str(core.SOLUTIONS_DIR)!r})   # put the solutions back
failed = [e.key for e in exercises if e.status(e.solution_answer())[0] != "correct"]
print("exercises", len(exercises), "failed", failed)
"""
    printed = _run_in(student_release, code)
    assert "no worked solutions" in printed, printed
    assert "failed []" in printed, printed


# --- grading --------------------------------------------------------------------------------------

def _notebook(*sources: str) -> nbformat.NotebookNode:
    return nbformat.v4.new_notebook(
        cells=[nbformat.v4.new_code_cell(source) for source in sources],
        metadata={"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}})


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """Planted submissions of notebook 01, good, bad and hostile, graded once."""
    folder = tmp_path_factory.mktemp("submissions")
    imports = "from helpers.exercises.nb01 import q1, q2, q3"
    solution = core.SOLUTIONS_DIR.joinpath("nb01_q1.py").read_text().split('"""', 2)[2]
    right = solution + "\nq1.check(answer)"
    plants = {
        "alice/01_fully_connected_networks": [SETUP_CELL, imports, right, "answer = 12345\nq2.check(answer)",
                                               "answer = None\nq3.check(answer)"],
        "syntax_error": [SETUP_CELL, imports, "def f(:\n    pass", right],
        "endless_loop": [SETUP_CELL, imports, "while True:\n    pass", right],
        "sys_exit": [SETUP_CELL, imports, "import sys\nsys.exit(3)", right],
        "kills_kernel": [SETUP_CELL, imports, "import os\nos._exit(1)", right],
        "deletes_files": [SETUP_CELL, imports,
                          "import shutil\nshutil.rmtree('../datasets')\nshutil.rmtree(helpers.ROOT / 'datasets', "
                          "ignore_errors=True)", right],
        "ten_gigabytes": [SETUP_CELL, imports,
                          "import numpy as np\nblocks = [np.ones(2**28 // 8) for _ in range(40)]", right],
    }
    for name, cells in plants.items():
        path = folder / f"{name}.ipynb"
        path.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(_notebook(*cells), path)
    (folder / "not_a_notebook.ipynb").write_text("{this is not json")
    out = tmp_path_factory.mktemp("grades")
    grade.grade(folder, out, time_limit=45, memory_mb=1536)
    with open(out / "grades.csv", newline="") as handle:
        table = list(csv.DictReader(handle))
    return out, {(row["student"], row["exercise"]): row for row in table}


def test_grader_records_passed_failed_and_not_attempted(graded):
    _, table = graded
    alice = "alice/01_fully_connected_networks"
    assert table[(alice, "nb01_q1")]["status"] == "passed"
    assert table[(alice, "nb01_q2")]["status"] == "failed"
    assert "Dense layer" in table[(alice, "nb01_q2")]["message"], "the checker's own message is kept"
    assert table[(alice, "nb01_q3")]["status"] == "not attempted"


def test_broken_and_hostile_submissions_each_get_rows(graded):
    out, table = graded
    # A cell that errors costs only itself: later exercises still run and are graded.
    for student, error in [("syntax_error", "SyntaxError"), ("sys_exit", "SystemExit")]:
        assert table[(student, "nb01_q1")]["status"] == "passed", table[(student, "nb01_q1")]
        assert error in table[(student, "nb01_q1")]["first_error"]
    assert table[("deletes_files", "nb01_q1")]["status"] == "passed"
    for student, reason in [("endless_loop", "time limit"), ("kills_kernel", "kernel"),
                            ("ten_gigabytes", "memory")]:
        row = table[(student, "nb01_q1")]
        assert row["status"] == "crashed" and reason in row["message"], row
    assert table[("not_a_notebook", "")]["status"] == "crashed"
    assert "not a readable notebook" in table[("not_a_notebook", "")]["message"]
    summary = (out / "summary.md").read_text()
    assert "| alice/01_fully_connected_networks | passed | failed | - | 1/3 |" in summary
    assert "unchanged" in summary, "the course's dataset files must survive a hostile submission"
    assert grade.datasets_intact()
    executed = nbformat.read(out / "executed" / "alice" / "01_fully_connected_networks.ipynb", as_version=4)
    assert any(output.get("text", "").count("[correct]") for output in executed.cells[2].outputs)


def test_grader_rejects_a_missing_or_empty_folder(tmp_path):
    with pytest.raises(ValueError, match="folder of .ipynb"):
        grade.find_submissions(tmp_path / "absent")
    with pytest.raises(ValueError, match="no .ipynb"):
        grade.grade(tmp_path, tmp_path / "out")


"""Every exercise: its solution passes its checker, wrong answers fail, the default is neutral."""
from __future__ import annotations

import importlib
import pkgutil

import pytest

import helpers.exercises
from helpers.exercises import CORRECT, INCORRECT, NOT_ATTEMPTED, Exercise, core


def all_exercises() -> list[tuple[str, Exercise]]:
    found = []
    for module_info in pkgutil.iter_modules(helpers.exercises.__path__):
        if not module_info.name.startswith("nb"):
            continue
        module = importlib.import_module(f"helpers.exercises.{module_info.name}")
        for exercise in module.EXERCISES:
            found.append((f"{module_info.name}:{exercise.title}", exercise))
    return found


EXERCISES = all_exercises()
IDS = [name for name, _ in EXERCISES]
#: A student release (scripts/release.py) has no worked solutions: the tests that run them skip there.
STUDENT_RELEASE = not core.SOLUTIONS_DIR.is_dir()
needs_solutions = pytest.mark.skipif(STUDENT_RELEASE, reason="student release: no worked solutions to run")


def test_each_notebook_module_has_three_exercises():
    per_module = {}
    for name, _ in EXERCISES:
        per_module.setdefault(name.split(":")[0], 0)
        per_module[name.split(":")[0]] += 1
    assert per_module, "no exercise modules found"
    assert all(count >= 3 for count in per_module.values()), per_module


@needs_solutions
@pytest.mark.parametrize("exercise", [e for _, e in EXERCISES], ids=IDS)
def test_solution_passes(exercise):
    status, message = exercise.status(exercise.solution_answer())
    assert status == CORRECT, message


@pytest.mark.parametrize("exercise", [e for _, e in EXERCISES], ids=IDS)
def test_wrong_answers_fail(exercise):
    assert exercise.wrong_answers, f"{exercise.title}: list at least one wrong answer"
    for wrong in exercise.wrong_answers:
        status, message = exercise.status(wrong)
        assert status == INCORRECT, f"{exercise.title} accepted a wrong answer {wrong!r}: {message}"


@pytest.mark.parametrize("exercise", [e for _, e in EXERCISES], ids=IDS)
def test_default_is_not_attempted(exercise):
    assert exercise.status(None)[0] == NOT_ATTEMPTED


@needs_solutions
def test_check_hint_and_solution_print(capsys):
    _, exercise = EXERCISES[0]
    exercise.check(None)
    exercise.hint()
    exercise.solution()
    printed = capsys.readouterr().out
    assert "not attempted yet" in printed and "Hint" in printed and "Solution" in printed and "answer" in printed


@needs_solutions
def test_every_solution_file_belongs_to_an_exercise():
    keys = {exercise.key for _, exercise in EXERCISES}
    files = {path.stem for path in core.SOLUTIONS_DIR.glob("nb*_q*.py")}
    assert files == keys, f"solution files without an exercise: {files - keys}; exercises without one: {keys - files}"


def test_student_release_without_solutions_says_so(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(core, "SOLUTIONS_DIR", tmp_path / "absent")
    _, exercise = EXERCISES[0]
    exercise.solution()
    assert "no worked solutions" in capsys.readouterr().out
    exercise.hint()
    assert exercise.status(None)[0] == NOT_ATTEMPTED
    with pytest.raises(FileNotFoundError, match="student release"):
        exercise.solution_answer()


def test_student_code_that_raises_is_reported_not_crashing(tmp_path, monkeypatch):
    def checker(answer):
        assert answer(2) == 4, "should square"

    monkeypatch.setattr(core, "SOLUTIONS_DIR", tmp_path)
    (tmp_path / "demo_q1.py").write_text('"""Demo."""\nanswer = lambda x: x * x\n')
    exercise = Exercise("demo", checker, "square it", "demo_q1", wrong_answers=[abs])
    assert exercise.status(exercise.solution_answer())[0] == CORRECT
    def broken(_):
        raise ZeroDivisionError("oops")
    status, message = exercise.status(broken)
    assert status == INCORRECT and "ZeroDivisionError" in message
    assert exercise.status(lambda x: x * x)[0] == CORRECT

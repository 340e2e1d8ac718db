"""Project-level promises: pinned requirements, Binder copy, README and CI agree."""
from __future__ import annotations

import re

from tests.notebook_utils import ROOT, notebook_paths


def _requirement_lines(path):
    return [line.strip() for line in path.read_text().splitlines() if line.strip() and not line.startswith("#")]


def test_every_requirement_is_pinned_exactly():
    for line in _requirement_lines(ROOT / "requirements.txt") + _requirement_lines(ROOT / "requirements-colab.txt"):
        assert re.match(r"^[A-Za-z0-9_.\-\[\]]+==[0-9][^;\s]*(\s*;.*)?$", line), f"not pinned with ==: {line!r}"


def test_binder_requirements_are_a_copy():
    assert (ROOT / "binder" / "requirements.txt").read_text() == (ROOT / "requirements.txt").read_text(), \
        "binder/requirements.txt must equal requirements.txt: cp requirements.txt binder/"
    assert (ROOT / "binder" / "runtime.txt").read_text().strip() == "python-3.11"


def test_ci_runs_the_readme_test_command():
    readme = (ROOT / "README.md").read_text()
    ci = (ROOT / ".ci" / "run").read_text()
    assert "python3 tasks.py test" in readme and "python3 tasks.py lab" in readme
    assert re.search(r"^python3 tasks.py test$", ci, re.M), ".ci/run must call the README's test command"


def test_readme_notebook_table_is_generated_from_the_index():
    from scripts.course import updated_readme

    readme = (ROOT / "README.md").read_text()
    assert updated_readme(readme) == readme, "README's notebook table is stale: run `python3 scripts/course.py readme`"
    for path in notebook_paths():
        row = re.search(rf"^\| {path.name[:2]} \| \[.*?\]\(notebooks/{re.escape(path.name)}\).*\| (\d+) s \| \d+ s \|$",
                        readme, re.M)
        assert row, f"README's notebook table lacks a measured run time for {path.name}: run the benchmark"


def test_gitignore_keeps_the_environment_out():
    ignored = (ROOT / ".gitignore").read_text().split()
    assert ".venv/" in ignored and "__pycache__/" in ignored

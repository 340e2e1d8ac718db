"""Project-level promises: pinned requirements, Binder copy, README and CI agree."""
from __future__ import annotations

import re

from tests.notebook_utils import ROOT, notebook_paths


def _requirement_lines(path):
    return [line.strip() for line in path.read_text().splitlines() if line.strip() and not line.startswith("#")]


def test_every_requirement_is_pinned_exactly():
    for line in _requirement_lines(ROOT / "requirements.txt") + _requirement_lines(ROOT / "requirements-colab.txt") \
            + _requirement_lines(ROOT / "requirements-site.txt") \
            + [line for line in _requirement_lines(ROOT / "requirements-colab-env.txt") if not line.startswith("-r ")]:
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


def test_maintainer_scripts_run(tmp_path):
    """Each maintainer script at least starts (a moved helper module breaks them silently otherwise)."""
    import os
    import subprocess
    import sys

    env = {**os.environ, "DL4H_DATA_DIR": str(tmp_path)}
    rebuilt = subprocess.run([sys.executable, "scripts/make_datasets.py"], cwd=ROOT, env=env,
                             capture_output=True, text=True, timeout=120)
    assert rebuilt.returncode == 0, rebuilt.stderr
    assert (tmp_path / "manifest.json").read_text() == (ROOT / "datasets" / "manifest.json").read_text(), \
        "the rebuilt manifest differs from datasets/manifest.json: run `python3 tasks.py datasets`"
    for script, args in [("course.py", ["check"]), ("benchmark.py", ["--help"]), ("seed_sweep.py", ["--help"]),
                         ("nbtools.py", [])]:
        done = subprocess.run([sys.executable, f"scripts/{script}", *args], cwd=ROOT, capture_output=True,
                              text=True, timeout=120)
        assert done.returncode in (0, 1, 2) and "Traceback" not in done.stderr + done.stdout, f"{script}: {done.stderr[-500:]}"

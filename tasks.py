#!/usr/bin/env python3
"""One entry point for students, instructors and maintainers; needs nothing but Python 3.11+.

    python3 tasks.py lab         set up (first use) and open JupyterLab on the notebooks
    python3 tasks.py test        set up (first use) and run the whole test suite
    python3 tasks.py student-release DIR   write a copy of the course without worked solutions (instructors)
    python3 tasks.py grade SUBMISSIONS     grade returned notebooks into grades/ (instructors; --out DIR)
    python3 tasks.py site        build the course site offline into build/site (instructors; slow: runs all)
    python3 tasks.py colab-env   run every notebook in an environment like Colab's (Python 3.13, TF 2.20; maintainers)
    python3 tasks.py guide       regenerate the instructor guide, docs/instructor-guide.md (maintainers)
    python3 tasks.py benchmark   time every notebook in a fresh kernel (maintainers)
    python3 tasks.py datasets    regenerate every file in datasets/ and its manifest (maintainers)

"Set up" means: create the virtual environment ``.venv`` beside this file and install the pinned
``requirements.txt`` plus the ``helpers`` package into it. It happens once, and again only when
``requirements.txt`` or ``pyproject.toml`` change. Extra arguments go to the underlying tool, e.g.
``python3 tasks.py test -k activations``.
"""
from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = Path(os.environ.get("DL4H_VENV", ROOT / ".venv"))
STAMP = VENV / ".dl4h-installed"
MIN_PYTHON = (3, 11)


def venv_python() -> Path:
    """Path of the virtual environment's interpreter (POSIX or Windows layout)."""
    unix, windows = VENV / "bin" / "python", VENV / "Scripts" / "python.exe"
    return windows if os.name == "nt" else unix


def requirements_digest() -> str:
    """Hash of the files that decide what gets installed."""
    digest = hashlib.sha256()
    for name in ("requirements.txt", "pyproject.toml"):
        digest.update((ROOT / name).read_bytes())
    return digest.hexdigest()


def ensure_environment() -> Path:
    """Create ``.venv`` and install the pinned requirements unless that is already done."""
    if sys.version_info < MIN_PYTHON:
        sys.exit(f"This suite needs Python {MIN_PYTHON[0]}.{MIN_PYTHON[1]} or newer; "
                 f"you ran Python {sys.version.split()[0]}. Run it with a newer python3.")
    python = venv_python()
    if STAMP.exists() and STAMP.read_text() == requirements_digest() and python.exists():
        return python
    if not python.exists():
        print(f"Creating the virtual environment {VENV} ...", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    print("Installing the pinned requirements (first time: about 2 minutes) ...", flush=True)
    pip = [str(python), "-m", "pip", "install", "--disable-pip-version-check"]
    subprocess.run([*pip, "-q", "-r", str(ROOT / "requirements.txt")], check=True)
    subprocess.run([*pip, "-q", "--no-deps", "-e", str(ROOT)], check=True)
    STAMP.write_text(requirements_digest())
    return python


def ensure_site_tools(python: Path) -> None:
    """Install ``requirements-site.txt`` (Jupyter Book) into ``.venv`` unless that is already done."""
    stamp, wanted = VENV / ".dl4h-site-installed", (ROOT / "requirements-site.txt").read_bytes()
    if stamp.exists() and stamp.read_bytes() == wanted:
        return
    print("Installing the course-site tools (first time: about a minute) ...", flush=True)
    subprocess.run([str(python), "-m", "pip", "install", "--disable-pip-version-check", "-q",
                    "-r", str(ROOT / "requirements-site.txt")], check=True)
    stamp.write_bytes(wanted)


def main(argv: list[str]) -> int:
    commands = {
        "lab": ["-m", "jupyterlab", "--notebook-dir", str(ROOT / "notebooks")],
        "test": ["-m", "pytest"],
        "student-release": [str(ROOT / "scripts" / "release.py")],
        "grade": [str(ROOT / "scripts" / "grade.py")],
        "guide": [str(ROOT / "scripts" / "guide.py")],
        "site": [str(ROOT / "scripts" / "site.py")],
        "colab-env": [str(ROOT / "scripts" / "colab_env.py")],
        "benchmark": [str(ROOT / "scripts" / "benchmark.py")],
        "datasets": [str(ROOT / "scripts" / "make_datasets.py")],
    }
    if not argv or argv[0] not in commands:
        print(__doc__)
        return 2
    python = ensure_environment()
    if argv[0] == "site":
        ensure_site_tools(python)
    return subprocess.call([str(python), *commands[argv[0]], *argv[1:]], cwd=ROOT)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

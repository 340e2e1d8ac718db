"""Write a student copy of the course: the same files, without the worked solutions (instructors).

    python3 tasks.py student-release ../dl4h-student        # or: python scripts/release.py DIR

The copy holds every file of the repository that git tracks (or, outside a git checkout, every file
but the virtual environment, caches and build output), byte for byte, except the worked solutions in
``helpers/solutions/``: notebooks, checkers, hints, data and tests are identical. In the copy,
``q1.solution()`` says that this copy has no worked solutions, and the tests that run the solutions
are skipped with that reason; everything else runs as in the full course.
"""
from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

#: The folder left out of a student copy (relative to the repository root).
SOLUTIONS = Path("helpers") / "solutions"
#: Never copied when the file list does not come from git.
_SKIP_PARTS = {".git", ".venv", "__pycache__", ".pytest_cache", ".ipynb_checkpoints", "build", "_build"}


def course_files(root: Path = ROOT) -> list[Path]:
    """Every file of the course (relative paths): git's tracked and unignored files, else a tree walk."""
    try:
        listed = subprocess.run(["git", "-C", str(root), "ls-files", "-z", "--cached", "--others",
                                 "--exclude-standard"], capture_output=True, check=True).stdout
        paths = [Path(name) for name in listed.decode().split("\0") if name]
    except (OSError, subprocess.CalledProcessError):
        paths = [path.relative_to(root) for path in root.rglob("*")
                 if path.is_file() and not _SKIP_PARTS & set(path.relative_to(root).parts)
                 and not any(part.endswith(".egg-info") for part in path.relative_to(root).parts)]
    return sorted(path for path in paths if (root / path).is_file())


def is_solution(path: Path) -> bool:
    """Whether ``path`` (relative) is part of the worked solutions left out of a student copy."""
    return path.parts[:len(SOLUTIONS.parts)] == SOLUTIONS.parts


def write_student_release(destination: Path, root: Path = ROOT) -> list[Path]:
    """Copy the course into ``destination`` (new or empty) without its solutions; return what was copied."""
    destination = Path(destination).resolve()
    if destination == root.resolve() or root.resolve() in destination.parents:
        raise ValueError(f"destination must lie outside the course folder {root}, got {destination}")
    if destination.exists() and any(destination.iterdir()):
        raise ValueError(f"destination {destination} exists and is not empty: give a new or empty folder")
    copied = []
    for relative in course_files(root):
        if is_solution(relative):
            continue
        target = destination / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(root / relative, target)
        copied.append(relative)
    return copied


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("destination", type=Path, help="a new or empty folder outside the course")
    args = parser.parse_args(argv)
    try:
        copied = write_student_release(args.destination)
    except ValueError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    left_out = sum(1 for path in course_files() if is_solution(path))
    print(f"Wrote a student copy of {len(copied)} files to {args.destination} "
          f"({left_out} solution files left out).")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Grade returned notebooks: run each in a fresh, offline sandbox and record every exercise (instructors).

    python3 tasks.py grade submissions/ --out grades/
    python3 tasks.py grade submissions/ --out grades/ --time-limit 600 --memory-mb 2048

``submissions/`` holds the students' ``.ipynb`` files, in any layout: ``alice.ipynb``,
``alice/04_data_volume.ipynb``, ``week3/bob/04_data_volume.ipynb``. A student's name is the file's
path inside the folder, without ``.ipynb``. Which exercises a notebook has is read from its
``from helpers.exercises.nbNN import ...`` line (or, failing that, the number its file name starts with).

Each notebook runs top to bottom in a fresh kernel, in its own temporary copy of the course (a student
release: no worked solutions), with the network off (the test suite's guard), a wall-clock limit for
the whole notebook, and a memory limit (resident memory, the way Binder counts it, plus a cap on
address space). Cells run on after an error, as an instructor's "run all" with errors allowed would,
so one broken cell costs only the exercises that depend on it. Every call of ``qK.check(answer)``
is recorded in the kernel; the last recorded result of each exercise counts.

Writes ``grades.csv`` (one row per student and exercise: status and the checker's message),
``summary.md`` (a table of students by exercises, with totals and each notebook's first error) and
``executed/`` (each notebook as it ran, outputs included, for reading). A submission that does not
parse, loops forever, exits, kills its kernel, deletes files or allocates too much memory yields its
rows, never a crashed grader: its copy of the course is thrown away, and the course's own dataset
files are verified against their checksums when grading ends.

Status per exercise: ``passed``; ``failed`` (with the checker's message); ``not attempted`` (the
shipped default was left, or the student's cell never called ``check``); ``crashed`` (the notebook
could not run to that exercise: it did not parse, ran out of time or memory, or its kernel died;
the first error is given). Grading trusts what runs in the kernel: it stops accidents and crashes,
not a student determined to forge a result; read the executed copy of any grade that surprises you.
"""
from __future__ import annotations

import argparse
import csv
import json
import re
import secrets
import shutil
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
import psutil
from nbclient import NotebookClient
from nbclient.exceptions import CellTimeoutError, DeadKernelError

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from scripts.offline import kernel_env, kernel_profile  # noqa: E402
from scripts.release import write_student_release  # noqa: E402

PASSED, FAILED, NOT_ATTEMPTED, CRASHED = "passed", "failed", "not attempted", "crashed"
_IMPORT = re.compile(r"from\s+helpers\.exercises\.(nb\d\d)\s+import")

#: Runs first in every grading kernel: records each exercise check (the offline guard runs before it).
_RECORDER = '''
import builtins as _builtins
from helpers.exercises import core as _core

_builtins.__dl4h_grades__ = {}
_original_check = _core.Exercise.check


def _recording_check(self, answer):
    status, message = self.status(answer)
    _builtins.__dl4h_grades__[self.key] = (status, message)
    return _original_check(self, answer)


_core.Exercise.check = _recording_check
'''
#: Prints the records once every cell has run (the nonce tells them from anything a student prints).
_REPORT = "import builtins, json\nprint({nonce!r} + json.dumps(getattr(builtins, '__dl4h_grades__', {{}})))"


@dataclass
class Result:
    """The outcome of one submission."""

    student: str
    notebook: str                      # e.g. "nb04", or "" when it could not be told
    grades: dict[str, tuple[str, str]] = field(default_factory=dict)   # exercise key -> (status, message)
    first_error: str = ""
    crashed: str = ""                  # why the notebook could not run to the end ("" if it did)
    seconds: float = 0.0


def find_submissions(folder: Path) -> list[Path]:
    """Every ``.ipynb`` under ``folder`` (checkpoints excluded), sorted."""
    if not folder.is_dir():
        raise ValueError(f"submissions must be a folder of .ipynb files, got {folder}")
    return sorted(path for path in folder.rglob("*.ipynb") if ".ipynb_checkpoints" not in path.parts)


def exercise_module(notebook: nbformat.NotebookNode | None, path: Path) -> str:
    """Which ``helpers.exercises`` module a submission uses ("nbNN"), or "" when none is found."""
    for cell in notebook.cells if notebook is not None else []:
        if cell.get("cell_type") == "code":
            match = _IMPORT.search(str(cell.get("source", "")))
            if match:
                return match.group(1)
    number = re.match(r"(\d\d)", path.name)
    if number and (ROOT / "helpers" / "exercises" / f"nb{number.group(1)}.py").is_file():
        return f"nb{number.group(1)}"
    return ""


def exercises_of(module: str) -> list:
    """The exercises of ``helpers.exercises.<module>``, in order (empty for an unknown module)."""
    if not module:
        return []
    import importlib

    return list(importlib.import_module(f"helpers.exercises.{module}").EXERCISES)


def _first_error(notebook: nbformat.NotebookNode) -> str:
    for index, cell in enumerate(notebook.cells):
        for output in cell.get("outputs", []) if cell.get("cell_type") == "code" else []:
            if output.get("output_type") == "error":
                return f"cell {index}: {output.get('ename', 'Error')}: {str(output.get('evalue', ''))[:300]}"
    return ""


class _Watchdog(threading.Thread):
    """Kills the kernel when it uses more than ``memory_mb`` of resident memory or outlives ``deadline``."""

    def __init__(self, pid: int, memory_mb: int, deadline: float):
        super().__init__(daemon=True)
        self.pid, self.memory_mb, self.deadline = pid, memory_mb, deadline
        self.reason = ""
        self.stopped = threading.Event()

    def _kill(self, reason: str) -> None:
        self.reason = reason
        try:
            process = psutil.Process(self.pid)
            for member in [*process.children(recursive=True), process]:
                member.kill()
        except psutil.Error:
            pass

    def run(self) -> None:
        while not self.stopped.wait(0.05):
            try:
                process = psutil.Process(self.pid)
                rss = sum(p.memory_info().rss for p in [process, *process.children(recursive=True)])
            except psutil.Error:
                return
            if rss > self.memory_mb * 2**20:
                return self._kill(f"used more than {self.memory_mb} MB of memory")
            if time.monotonic() > self.deadline:
                return self._kill("ran past the time limit")


def _ipython_dir(sandbox: Path, memory_mb: int) -> Path:
    # Address space is capped well above the resident limit (TensorFlow reserves much it never uses).
    cap = 3 * memory_mb * 2**20
    return kernel_profile(sandbox / ".ipython", {
        "01-limits.py": f"import resource\nresource.setrlimit(resource.RLIMIT_AS, ({cap}, {cap}))\n",
        "02-record-checks.py": _RECORDER})


def grade_one(path: Path, student: str, template: Path, *, time_limit: float, memory_mb: int,
              executed_dir: Path | None = None) -> Result:
    """Run one submission in a throwaway copy of ``template`` and return its :class:`Result`."""
    started = time.monotonic()
    try:
        notebook = nbformat.read(path, as_version=4)
        nbformat.validate(notebook)
    except Exception as error:  # noqa: BLE001 - any unreadable file is a graded outcome, not a grader crash
        result = Result(student, exercise_module(None, path))
        result.crashed = result.first_error = f"not a readable notebook ({type(error).__name__}: {str(error)[:200]})"
        return result
    result = Result(student, exercise_module(notebook, path))
    with tempfile.TemporaryDirectory(prefix="dl4h-grade-") as scratch:
        sandbox = Path(scratch) / "course"
        shutil.copytree(template, sandbox, symlinks=True)
        workdir = sandbox / "notebooks"
        env = kernel_env(_ipython_dir(sandbox, memory_mb), PYTHONPATH=str(sandbox), HOME=str(sandbox))
        nonce = f"DL4H-GRADES-{secrets.token_hex(8)}:"
        client = NotebookClient(notebook, kernel_name="python3", timeout=int(time_limit) + 1,
                                allow_errors=True, interrupt_on_timeout=False,
                                resources={"metadata": {"path": str(workdir)}})
        watchdog = None
        try:
            with client.setup_kernel(env=env, cwd=str(workdir)):
                watchdog = _Watchdog(client.km.provisioner.process.pid, memory_mb,
                                     started + time_limit)
                watchdog.start()
                for index, cell in enumerate(notebook.cells):
                    remaining = started + time_limit - time.monotonic()
                    if remaining <= 0:
                        raise CellTimeoutError("the notebook ran past the time limit")
                    client.timeout = max(1, int(remaining))
                    client.execute_cell(cell, index)
                report = nbformat.v4.new_code_cell(_REPORT.format(nonce=nonce))
                notebook.cells.append(report)
                client.timeout = 60
                try:
                    client.execute_cell(report, len(notebook.cells) - 1)
                finally:
                    notebook.cells.pop()
                text = "".join(o.get("text", "") for o in report.outputs if o.get("name") == "stdout")
                found = [line[len(nonce):] for line in text.splitlines() if line.startswith(nonce)]
                if found:
                    result.grades = {key: tuple(value) for key, value in json.loads(found[-1]).items()}
        except CellTimeoutError:
            result.crashed = "ran past the time limit"
        except DeadKernelError:
            result.crashed = (watchdog.reason if watchdog and watchdog.reason else
                              "stopped its kernel (it exited or crashed the Python process)")
        except Exception as error:  # noqa: BLE001 - whatever the submission did, it gets a row
            result.crashed = (watchdog.reason if watchdog and watchdog.reason
                              else f"could not be run ({type(error).__name__}: {str(error)[:200]})")
            notebook.cells = [cell for cell in notebook.cells if _REPORT[:20] not in cell.get("source", "")]
        finally:
            if watchdog is not None:
                watchdog.stopped.set()
        if watchdog is not None and watchdog.reason and not result.crashed:
            result.crashed = watchdog.reason
        result.first_error = _first_error(notebook) or result.crashed
        if executed_dir is not None:
            target = executed_dir / f"{student}.ipynb"
            target.parent.mkdir(parents=True, exist_ok=True)
            nbformat.write(notebook, target)
    result.seconds = time.monotonic() - started
    return result


def rows(result: Result) -> list[dict[str, str]]:
    """One row per exercise of the submission's notebook (or one row when none could be told)."""
    exercises = exercises_of(result.notebook)
    if not exercises:
        return [{"student": result.student, "notebook": result.notebook, "exercise": "",
                 "status": CRASHED if result.crashed else NOT_ATTEMPTED,
                 "message": result.crashed or "no exercises found in this notebook",
                 "first_error": result.first_error}]
    table = []
    for exercise in exercises:
        status, message = result.grades.get(exercise.key, ("", ""))
        if not status:
            if result.crashed:
                status, message = CRASHED, f"not checked: the notebook {result.crashed} first"
            else:
                status, message = NOT_ATTEMPTED, "check() was never called for this exercise"
        status = {"correct": PASSED, "incorrect": FAILED, "not attempted": NOT_ATTEMPTED}.get(status, status)
        table.append({"student": result.student, "notebook": result.notebook, "exercise": exercise.key,
                      "status": status, "message": message, "first_error": result.first_error})
    return table


def summary_markdown(results: list[Result], table: list[dict[str, str]], datasets_ok: bool) -> str:
    """A readable summary: students by exercises, totals, and each notebook's first error."""
    marks = {PASSED: "passed", FAILED: "failed", NOT_ATTEMPTED: "-", CRASHED: "crashed"}
    keys = list(dict.fromkeys(row["exercise"] for row in table if row["exercise"]))
    lines = ["# Grades", "", f"{len(results)} notebooks graded. Legend: passed, failed (see grades.csv "
             "for the checker's message), - not attempted, crashed (the notebook stopped first).", "",
             "| Student | " + " | ".join(keys) + " | Passed | Run time | First error |",
             "|---|" + "---|" * len(keys) + "---:|---:|---|"]
    for result in results:
        mine = {row["exercise"]: row["status"] for row in table if row["student"] == result.student}
        cells = [marks[mine[key]] if key in mine else "" for key in keys]
        passed = sum(status == PASSED for status in mine.values())
        error = result.first_error.replace("|", "/").replace("\n", " ")[:120] or "none"
        lines.append(f"| {result.student} | " + " | ".join(cells)
                     + f" | {passed}/{len([k for k in mine if k])} | {result.seconds:.0f} s | {error} |")
    lines += ["", "The course's dataset files were verified after grading: "
              + ("unchanged." if datasets_ok else "SOME CHANGED (restore them with `git checkout -- datasets/`).")]
    return "\n".join(lines) + "\n"


def datasets_intact() -> bool:
    """Whether every file of the course's ``datasets/`` still matches its manifest."""
    from helpers.data import files

    entries = files.read_manifest()["files"]
    return all((files.DATA_DIR / name).is_file() and files.matches_checksum(files.DATA_DIR / name, entry["sha256"])
               for name, entry in entries.items())


def grade(submissions: Path, out: Path, *, time_limit: float = 900, memory_mb: int = 2048) -> list[dict[str, str]]:
    """Grade every notebook in ``submissions``; write grades.csv, summary.md and executed/ into ``out``."""
    paths = find_submissions(Path(submissions))
    if not paths:
        raise ValueError(f"no .ipynb files found in {submissions}")
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    results, table = [], []
    with tempfile.TemporaryDirectory(prefix="dl4h-template-") as scratch:
        template = Path(scratch) / "course"
        write_student_release(template)
        for path in paths:
            student = path.relative_to(submissions).with_suffix("").as_posix()
            print(f"grading {student} ...", flush=True)
            result = grade_one(path, student, template, time_limit=time_limit, memory_mb=memory_mb,
                               executed_dir=out / "executed")
            results.append(result)
            table.extend(rows(result))
    with open(out / "grades.csv", "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=["student", "notebook", "exercise", "status", "message",
                                                    "first_error"])
        writer.writeheader()
        writer.writerows(table)
    (out / "summary.md").write_text(summary_markdown(results, table, datasets_intact()), encoding="utf-8")
    return table


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("submissions", type=Path, help="folder of returned .ipynb files")
    parser.add_argument("--out", type=Path, default=Path("grades"), help="where to write the results")
    parser.add_argument("--time-limit", type=float, default=900, help="seconds per notebook (default 900)")
    parser.add_argument("--memory-mb", type=int, default=2048, help="resident memory per kernel (default 2048)")
    args = parser.parse_args(argv)
    try:
        table = grade(args.submissions, args.out, time_limit=args.time_limit, memory_mb=args.memory_mb)
    except ValueError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    counts = {status: sum(row["status"] == status for row in table) for status in (PASSED, FAILED, NOT_ATTEMPTED, CRASHED)}
    print(f"Wrote {args.out / 'grades.csv'} and {args.out / 'summary.md'}: "
          + ", ".join(f"{count} {status}" for status, count in counts.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Run every notebook in an environment like Google Colab's, not the pinned one (maintainers).

    python3 tasks.py colab-env            # build .venv-colab (first use), run every notebook, report
    python3 tasks.py colab-env 00 07      # only these notebooks

Colab does not use `requirements.txt`: it has its own Python and its own TensorFlow, Keras and shap,
and the setup cell adds only `requirements-colab.txt`. This builds `.venv-colab` from
`requirements-colab-env.txt` (Python 3.13, TensorFlow 2.20, Keras 3.13, shap 0.52 and what Colab's
setup cell adds) with the newest Python 3.13 it finds (`python3.13` on the PATH or a pyenv
interpreter; failing that, the newest Python 3 present, and it says which), runs each notebook top to
bottom in a fresh kernel of that environment, offline (the test suite's network guard), and writes
the table to `benchmark-results/colab-env.md` and into the README between the colab-env markers.
"""
from __future__ import annotations

import glob
import hashlib
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".venv-colab"
REQUIREMENTS = ROOT / "requirements-colab-env.txt"
RESULTS = ROOT / "benchmark-results" / "colab-env.md"
MARKERS = re.compile(r"(<!-- colab-env:start -->\n).*?(\n<!-- colab-env:end -->)", re.S)


def find_python() -> tuple[str, str]:
    """The interpreter to build the environment with, and a note saying which and why."""
    candidates = [*sorted(glob.glob(os.path.expanduser("~/.pyenv/versions/3.13*/bin/python3"))), shutil.which("python3.13")]
    for candidate in filter(None, candidates):
        if subprocess.run([candidate, "--version"], capture_output=True).returncode == 0:   # not a broken shim
            return candidate, "Python 3.13, as on Colab"
    newest = max((p for p in glob.glob("/usr/bin/python3.*") + glob.glob(os.path.expanduser("~/.pyenv/versions/3.*/bin/python3"))
                  if re.search(r"3\.\d+", p)), key=lambda p: tuple(map(int, re.search(r"3\.(\d+)", p).group(0).split("."))),
                 default=sys.executable)
    return newest, f"no Python 3.13 found: used {newest}, the newest present"


def ensure_environment() -> tuple[Path, str]:
    """Create and fill .venv-colab unless it is already built from the current requirements."""
    python, note = find_python()
    stamp = VENV / ".installed"
    digest = hashlib.sha256(REQUIREMENTS.read_bytes() + (ROOT / "requirements-colab.txt").read_bytes()).hexdigest()
    venv_python = VENV / "bin" / "python"
    if not (stamp.exists() and stamp.read_text() == digest and venv_python.exists()):
        if VENV.exists():
            shutil.rmtree(VENV)
        print(f"Building {VENV.name} with {python} ({note}) ...", flush=True)
        subprocess.run([python, "-m", "venv", str(VENV)], check=True)
        subprocess.run([str(venv_python), "-m", "pip", "install", "-q", "--disable-pip-version-check",
                        "-r", str(REQUIREMENTS)], check=True, cwd=ROOT)
        stamp.write_text(digest)
    return venv_python, note


RUNNER = r'''
import json, os, sys, time, nbformat
from nbclient import NotebookClient
path = sys.argv[1]
notebook = nbformat.read(path, as_version=4)
started, slowest = {}, [0.0, -1]
def on_start(cell, cell_index):
    started[cell_index] = time.monotonic()
def on_executed(cell, cell_index, execute_reply):
    seconds = time.monotonic() - started[cell_index]
    if seconds > slowest[0]:
        slowest[:] = [seconds, cell_index]
client = NotebookClient(notebook, kernel_name="python3", timeout=300, resources={"metadata": {"path": os.path.dirname(path)}},
                        on_cell_start=on_start, on_cell_executed=on_executed)
start = time.monotonic()
error = ""
try:
    client.execute()
except Exception as exc:  # noqa: BLE001 - report the first failing cell, the run goes on to the next notebook
    error = f"{type(exc).__name__}: " + str(exc).strip().splitlines()[-1][:200]
print("RESULT" + json.dumps({"seconds": time.monotonic() - start, "error": error,
                             "slowest_cell": slowest[1], "slowest_seconds": slowest[0]}))
'''


def main(argv: list[str]) -> int:
    sys.path.insert(0, str(ROOT))
    from helpers import course
    from scripts.offline import kernel_env, kernel_profile

    venv_python, note = ensure_environment()
    versions = subprocess.run([str(venv_python), "-c", "import sys, tensorflow as tf, keras, shap, numpy, pandas, sklearn;"
                               "print(f'Python {sys.version.split()[0]}, TensorFlow {tf.__version__}, Keras {keras.__version__}, '"
                               "f'shap {shap.__version__}, numpy {numpy.__version__}, pandas {pandas.__version__}, '"
                               "f'scikit-learn {sklearn.__version__}')"], capture_output=True, text=True,
                              env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"}).stdout.strip()
    entries = [e for e in course.notebooks() if not argv or e.number in {f"{int(n):02d}" for n in argv}]
    env = kernel_env(kernel_profile(ROOT / "build" / "colab-ipython"))
    rows, failed = [], 0
    for entry in entries:
        done = subprocess.run([str(venv_python), "-c", RUNNER, str(entry.path)], capture_output=True, text=True, env=env)
        found = [line[6:] for line in done.stdout.splitlines() if line.startswith("RESULT")]
        import json

        result = json.loads(found[-1]) if found else {"seconds": 0, "error": (done.stderr.strip().splitlines() or ["no output"])[-1][:200]}
        failed += bool(result["error"])
        slowest = f"{result['slowest_cell']} ({result['slowest_seconds']:.0f} s)" if result.get("slowest_cell", -1) >= 0 else "-"
        rows.append(f"| {entry.file} | {'passed' if not result['error'] else 'failed'} | {result['seconds']:.0f} | {slowest} | "
                    f"{result['error'].replace('|', '/') or '-'} |")
        print(rows[-1], flush=True)
    table = "\n".join(["| Notebook | Colab-like environment | Wall time (s) | Slowest cell (index) | First error |",
                       "|---|---|---:|---:|---|", *rows, "",
                       f"Last run {time.strftime('%Y-%m-%d')}: {versions} ({note}); "
                       f"{len(entries) - failed} of {len(entries)} notebooks passed"
                       + ("" if len(entries) == len(course.notebooks()) else " (a partial run)") + "."])
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(table + "\n")
    readme = ROOT / "README.md"
    text = readme.read_text(encoding="utf-8")
    if MARKERS.search(text):
        readme.write_text(MARKERS.sub(lambda m: m.group(1) + table + m.group(2), text), encoding="utf-8")
    print("\n" + table)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""Execute each notebook in a fresh kernel and report time and memory against its budget.

    python3 tasks.py benchmark              # every notebook
    python3 tasks.py benchmark 01 02        # only these numbers
    python3 tasks.py benchmark --update-readme

For each notebook: wall time of a fresh kernel running it top to bottom (kernel start included);
the peak resident memory of that kernel (``ru_maxrss``); and the wall time of a *bare* kernel that
only runs the setup cell and the notebook's import lines, so the ratio says how much the lesson
itself costs beyond loading its libraries. The markdown table goes to stdout, to
``benchmark-results/benchmark.md`` and, with ``--update-readme``, into README.md between the
benchmark markers. Run it on an otherwise idle machine: the budgets are for 2 CPU cores. The last
column is the one-minute load average when each notebook finished (where the system reports one): the
benchmark alone brings it to about 1-1.5 on two cores, and much more means other jobs shared them.
Kernels start with the test suite's offline profile (``scripts/offline.py``): no network, and no
start-up files of your own IPython profile.
"""
from __future__ import annotations

import argparse
import ast
import os
import platform
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK_DIR = ROOT / "notebooks"
RESULTS = ROOT / "benchmark-results" / "benchmark.md"

sys.path.insert(0, str(ROOT))
from helpers import course  # noqa: E402  (budgets come from the notebook index, course.toml)
from scripts.course import updated_readme  # noqa: E402
from scripts.offline import use_offline_kernels  # noqa: E402

PEAK_MEMORY_CODE = (
    "import resource, sys\n"
    "_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
    "print('PEAK_KB', _peak // 1024 if sys.platform == 'darwin' else _peak)"
)


def bare_notebook(notebook: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """The setup cell plus every top-level import statement of ``notebook`` (multi-line ones whole)."""
    imports = []
    for cell in notebook.cells[2:]:
        if cell.cell_type == "code":
            try:
                tree = ast.parse(cell.source)
            except SyntaxError:   # IPython syntax (%magic): skip the cell
                continue
            imports += [ast.get_source_segment(cell.source, node) for node in tree.body
                        if isinstance(node, (ast.Import, ast.ImportFrom))]
    cells = [notebook.cells[1], nbformat.v4.new_code_cell("\n".join(dict.fromkeys(imports)))]
    return nbformat.v4.new_notebook(cells=cells, metadata=notebook.metadata)


def run(notebook: nbformat.NotebookNode) -> tuple[float, float]:
    """Execute in a fresh kernel; return (wall seconds, peak kernel memory in MB)."""
    notebook = nbformat.from_dict(notebook)
    notebook.cells.append(nbformat.v4.new_code_cell(PEAK_MEMORY_CODE))
    client = NotebookClient(notebook, kernel_name="python3", timeout=1800,
                            resources={"metadata": {"path": str(NOTEBOOK_DIR)}})
    start = time.perf_counter()
    client.execute()
    wall = time.perf_counter() - start
    text = "".join(o.get("text", "") for o in notebook.cells[-1].outputs)
    peak_kb = int(re.search(r"PEAK_KB (\d+)", text).group(1))
    return wall, peak_kb / 1024


def load_average() -> str:
    """The one-minute load average as text, or "-" where the system has none (Windows)."""
    try:
        return f"{os.getloadavg()[0]:.1f}"
    except (AttributeError, OSError):
        return "-"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("numbers", nargs="*", help="notebook numbers to run (default: all)")
    parser.add_argument("--update-readme", action="store_true", help="write the table into README.md")
    args = parser.parse_args()
    entries = course.notebooks()
    if args.numbers:
        wanted = {f"{int(n):02d}" for n in args.numbers}
        entries = [entry for entry in entries if entry.number in wanted]
    if not entries:
        print("no notebooks matched", args.numbers, file=sys.stderr)
        return 2
    scratch = tempfile.TemporaryDirectory(prefix="dl4h-benchmark-")
    use_offline_kernels(Path(scratch.name))   # the test suite's kernels: offline, no user start-up files
    rows, over = [], []
    for entry in entries:
        path = entry.path
        notebook = nbformat.read(path, as_version=4)
        bare_wall, _ = run(bare_notebook(notebook))
        wall, peak = run(notebook)
        ok = wall <= entry.budget_s and peak <= entry.memory_mb
        if not ok:
            over.append(path.name)
        rows.append(f"| {path.name} | {wall:.0f} | {bare_wall:.0f} | {wall / bare_wall:.1f} | {peak:,.0f} "
                    f"| {entry.budget_s} s, {entry.memory_mb:,} MB | {'yes' if ok else '**no**'} | {load_average()} |")
        print(rows[-1], flush=True)
    header = ("| Notebook | Wall time (s) | Bare kernel (s) | Ratio | Peak kernel memory (MB) | Budget | Within "
              "| Load average |\n|---|---:|---:|---:|---:|---|---|---:|")
    gpu = "an NVIDIA GPU present" if shutil.which("nvidia-smi") else "no GPU"
    machine = (f"Measured {time.strftime('%Y-%m-%d')} on {os.cpu_count()} CPU cores, {gpu}, "
               f"Python {platform.python_version()}, {platform.machine()}; fresh kernel per notebook.")
    table = "\n".join([header, *rows, "", machine])
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(table + "\n")
    print("\n" + table)
    if args.update_readme:
        readme = ROOT / "README.md"
        text = readme.read_text()
        pattern = r"(<!-- benchmark:start -->\n).*?(\n<!-- benchmark:end -->)"
        if not re.search(pattern, text, re.S):
            print("README.md has no benchmark markers", file=sys.stderr)
            return 2
        if len(entries) < len(course.notebooks()):  # a partial run keeps the other notebooks' rows
            old = re.search(pattern, text, re.S).group(0)
            kept = {m.group(1): m.group(0) for m in re.finditer(r"^\| (\S+\.ipynb) \|.*$", old, re.M)}
            kept.update({m.group(1): m.group(0) for m in re.finditer(r"^\| (\S+\.ipynb) \|.*$", table, re.M)})
            ordered = [kept[e.file] for e in course.notebooks() if e.file in kept]
            table = "\n".join([header, *ordered, "", machine + " Partial run: " + ", ".join(e.number for e in entries)
                               + " re-measured."])
        text = re.sub(pattern, lambda m: m.group(1) + table + m.group(2), text, flags=re.S)
        readme.write_text(updated_readme(text))
        print("README.md updated (benchmark table and notebook table)")
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())

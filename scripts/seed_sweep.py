"""Run notebooks for many seeds and report which lessons fail for which seed (maintainers).

    python3 scripts/seed_sweep.py 07                 # seeds 0-9
    python3 scripts/seed_sweep.py 03 04 --seeds 0-19
    python3 scripts/seed_sweep.py 02 --seeds 3,11 --jobs 2

Each (notebook, seed) runs top to bottom in a fresh kernel with ``DL4H_SEED`` set, as the tests do
for one seed. A failing cell is reported with its index and the last line of its error (for an
assert, the message the student would read). Exit status 1 if any run failed.
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from helpers import course  # noqa: E402
from scripts.offline import use_offline_kernels  # noqa: E402


def parse_seeds(text: str) -> list[int]:
    """``"0-9"`` or ``"1,5,7"`` or ``"0-4,9"`` -> a list of ints."""
    seeds: list[int] = []
    for part in text.split(","):
        low, _, high = part.partition("-")
        seeds += list(range(int(low), int(high) + 1)) if high else [int(low)]
    return seeds


def run_once(path: Path, seed: int, timeout: int) -> tuple[bool, float, str]:
    """Execute ``path`` with ``DL4H_SEED=seed``; return (passed, seconds, first error line)."""
    notebook = nbformat.read(path, as_version=4)
    # The seed reaches the kernel through its environment (helpers.setup reads DL4H_SEED).
    client = NotebookClient(notebook, kernel_name="python3", timeout=timeout,
                            resources={"metadata": {"path": str(path.parent)}})
    env = {**os.environ, "DL4H_SEED": str(seed)}
    start = time.perf_counter()
    try:
        with client.setup_kernel(env=env):
            for index, cell in enumerate(notebook.cells):
                try:
                    client.execute_cell(cell, index)
                except CellExecutionError as error:
                    lines = [line for line in str(error).splitlines() if line.strip()]
                    message = next((line for line in reversed(lines) if "Error" in line), lines[-1])
                    return False, time.perf_counter() - start, f"cell {index}: {message[:300]}"
    except Exception as error:  # noqa: BLE001 - report a kernel that died, then go on with the others
        return False, time.perf_counter() - start, f"kernel: {type(error).__name__}: {error}"
    return True, time.perf_counter() - start, ""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("numbers", nargs="+", help="notebook numbers, e.g. 03 07")
    parser.add_argument("--seeds", default="0-9", help="seeds: 0-9, or 1,4,7 (default 0-9)")
    parser.add_argument("--jobs", type=int, default=1, help="runs at once (each kernel uses every core)")
    parser.add_argument("--timeout", type=int, default=900, help="seconds per cell")
    args = parser.parse_args()
    jobs = [(course.entry(number).path, seed) for number in args.numbers for seed in parse_seeds(args.seeds)]
    scratch = tempfile.TemporaryDirectory(prefix="dl4h-sweep-")
    use_offline_kernels(Path(scratch.name))   # the test suite's kernels: offline, no user start-up files
    failed = 0
    with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        for (path, seed), (ok, seconds, message) in zip(jobs, pool.map(lambda j: run_once(*j, args.timeout), jobs)):
            failed += not ok
            print(f"{path.name} seed {seed:>3}: {'pass' if ok else 'FAIL'} in {seconds:5.0f} s  {message}", flush=True)
    print(f"{len(jobs) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

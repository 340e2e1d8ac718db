"""The setup cell as Google Colab runs it, simulated offline.

Colab opens a notebook alone: no repository beside it, `helpers` not importable, and a module
`google.colab` present. The setup cell (scripts/nbtools.SETUP_CELL, the same in every notebook, as
tests/test_notebook_hygiene.py checks) must then clone the course and install what Colab lacks, and
import `helpers` from the clone. Here the clone is served from this repository by git's `insteadOf`
(no network), pip finds every requirement already installed (`PIP_NO_INDEX=1`), and Colab's
`/content` folder is a temporary one. When the clone or the install fails, the cell must stop with a
message that says what failed and what to do, not a `ModuleNotFoundError` later.
"""
from __future__ import annotations

import os
import subprocess
import sys

import nbformat
import pytest
from nbclient import NotebookClient

from scripts.nbtools import CLONE_DIR, SETUP_CELL
from tests.notebook_utils import ROOT

UPSTREAM = "https://github.com/dl4health/dl4health-notebooks"

#: Run first in the simulated Colab kernel: a google.colab module, and this repository made unimportable.
COLAB_KERNEL = f"""
import sys, types
import google.protobuf, google   # the real namespace package (TensorFlow needs google.protobuf)
google.colab = sys.modules["google.colab"] = types.ModuleType("google.colab")
sys.path[:] = [p for p in sys.path if p.rstrip("/") not in ({str(ROOT)!r}, {str(ROOT / "notebooks")!r})]
sys.meta_path[:] = [f for f in sys.meta_path if "editable" not in getattr(f, "__module__", "").lower()
                    and "editable" not in getattr(f, "__name__", "").lower()]
sys.path_hooks[:] = [h for h in sys.path_hooks if "editable" not in getattr(h, "__module__", "").lower()]
try:
    import helpers
    print("helpers importable before setup:", helpers.__file__)
except ModuleNotFoundError:
    print("helpers not importable before setup")
"""
CHECK = ("import os\nfrom helpers.data import files\n"
         "print('helpers from', os.path.dirname(os.path.dirname(helpers.__file__)))\n"
         "print('cohort rows', len(files.load('ehr_cohort')))")


def _run_as_colab(tmp_path, *, source_repo, pip_env=None):
    content = tmp_path / "content"
    content.mkdir()
    cells = [COLAB_KERNEL, SETUP_CELL.replace("/content/", f"{content}/"), CHECK]
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells])
    workdir = tmp_path / "colab-cwd"
    workdir.mkdir()
    env = {**os.environ, "GIT_CONFIG_COUNT": "1", "GIT_CONFIG_KEY_0": f"url.{source_repo}.insteadOf",
           "GIT_CONFIG_VALUE_0": UPSTREAM, "PIP_NO_INDEX": "1", "PIP_DISABLE_PIP_VERSION_CHECK": "1",
           "PATH": os.path.dirname(sys.executable) + os.pathsep + os.environ.get("PATH", ""),
           **(pip_env or {})}
    env.pop("PYTHONPATH", None)
    client = NotebookClient(notebook, kernel_name="python3", timeout=300, allow_errors=True,
                            resources={"metadata": {"path": str(workdir)}})
    client.execute(env=env, cwd=str(workdir))
    return notebook, content / CLONE_DIR.split("/")[-1]


def _text(cell) -> str:
    return "".join(o.get("text", "") for o in cell.outputs)


def _errors(cell) -> list:
    return [o for o in cell.outputs if o.get("output_type") == "error"]


@pytest.fixture(scope="module")
def committed_repo():
    """This repository as a git source (Colab clones what is committed)."""
    found = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--git-dir"], capture_output=True)
    if found.returncode:
        pytest.skip("not a git checkout: there is nothing to clone from")
    return f"file://{ROOT}"


def test_colab_setup_clones_installs_and_finds_helpers_and_datasets(tmp_path, committed_repo):
    notebook, clone = _run_as_colab(tmp_path, source_repo=committed_repo)
    assert "helpers not importable before setup" in _text(notebook.cells[0]), _text(notebook.cells[0])
    assert not _errors(notebook.cells[1]), _errors(notebook.cells[1])
    assert not _errors(notebook.cells[2]), _errors(notebook.cells[2])
    printed = _text(notebook.cells[2])
    assert f"helpers from {clone}" in printed and "cohort rows" in printed, printed
    assert (clone / ".installed").is_file(), "a second run of the cell should skip the clone and install"


def test_a_failed_clone_stops_with_a_message_that_says_what_to_do(tmp_path):
    notebook, _ = _run_as_colab(tmp_path, source_repo=f"file://{tmp_path}/no-such-repository")
    errors = _errors(notebook.cells[1])
    assert errors and errors[0]["ename"] == "RuntimeError", notebook.cells[1].outputs
    assert "Could not download the course files" in errors[0]["evalue"]
    assert "run this cell again" in errors[0]["evalue"]


def test_a_failed_install_stops_with_a_message_that_says_what_failed(tmp_path, committed_repo):
    notebook, _ = _run_as_colab(tmp_path, source_repo=committed_repo,
                                pip_env={"PIP_CONSTRAINT": str(tmp_path / "missing-constraints.txt")})
    errors = _errors(notebook.cells[1])
    assert errors and errors[0]["ename"] == "RuntimeError", notebook.cells[1].outputs
    assert "Could not install the course's extra packages" in errors[0]["evalue"]
    assert "pip said" in errors[0]["evalue"]

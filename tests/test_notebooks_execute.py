"""Whole-notebook checks beyond nbval's single pass.

- Re-run safety, in the copy students get: each notebook of the student release (scripts/release.py:
  the course without its worked solutions) executed twice, top to bottom, in the same kernel still
  passes (students re-run cells and whole notebooks), importing that copy's helpers.
- Offline: the kernels these tests start cannot reach the network (proved here), so a notebook
  that downloads anything fails both this test and nbval's.
"""
from __future__ import annotations

import nbformat
import pytest
from nbclient import NotebookClient

from tests.notebook_utils import NOTEBOOK_DIR, execute_in_one_kernel, notebook_paths

NOTEBOOKS = notebook_paths()


def _run_code_in_kernel(source: str) -> str:
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(source)])
    client = NotebookClient(notebook, kernel_name="python3", timeout=120,
                            resources={"metadata": {"path": str(NOTEBOOK_DIR)}})
    client.execute()
    return "".join(output.get("text", "") for output in notebook.cells[0].outputs)


def test_test_kernels_have_no_network():
    printed = _run_code_in_kernel(
        "import socket, urllib.request\n"
        "for url in ('http://example.com', 'https://pypi.org', 'http://93.184.216.34'):\n"
        "    try:\n"
        "        urllib.request.urlopen(url, timeout=5)\n"
        "        print('REACHED', url)\n"
        "    except OSError as error:\n"
        "        print('blocked', url, type(error).__name__)\n"
        "print('guard', getattr(socket, 'NETWORK_DISABLED_BY_TESTS', False))\n"
    )
    assert "REACHED" not in printed, printed
    assert printed.count("blocked") == 3 and "guard True" in printed, printed


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_notebook_runs_twice_in_one_kernel(path, student_release):
    copy = student_release / "notebooks" / path.name
    assert copy.read_bytes() == path.read_bytes()
    probe = "import helpers, os\nprint('helpers from', os.path.dirname(os.path.dirname(helpers.__file__)))"
    executed = execute_in_one_kernel(copy, passes=2, then=probe)
    errors = [o for c in executed.cells if c.cell_type == "code" for o in c.outputs
              if o.get("output_type") == "error"]
    assert not errors, errors
    printed = "".join(o.get("text", "") for o in executed.cells[-1].outputs)
    assert f"helpers from {student_release}" in printed, printed

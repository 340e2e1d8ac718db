"""The kernels that execute notebooks cannot reach the network.

Re-run safety and the student copy are checked by the nbval run itself (see conftest.py): each
notebook runs in the student release, every cell twice in one kernel. Here: the kernels the tests
start cannot reach the network, so a notebook that downloads anything fails its nbval run.
"""
from __future__ import annotations

import nbformat
from nbclient import NotebookClient

from tests.notebook_utils import NOTEBOOK_DIR


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

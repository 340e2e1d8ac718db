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


def test_offline_profile_is_the_one_every_tool_uses(tmp_path):
    """scripts/offline.py writes the guard and the quiet-kernel setting; a kernel started with it is offline."""
    import subprocess
    import sys

    import pytest

    from scripts.offline import GUARD, kernel_env, kernel_profile

    profile = kernel_profile(tmp_path / "ipython", {"01-extra.py": "EXTRA_RAN = True\n"})
    startup = profile / "profile_default" / "startup"
    assert (startup / "00-no-network.py").read_text() == GUARD.read_text()
    assert sorted(p.name for p in startup.iterdir()) == ["00-no-network.py", "01-extra.py"]
    env = kernel_env(profile, base={"MPLBACKEND": "Agg", "PATH": "/usr/bin"}, HOME=str(tmp_path))
    assert env["IPYTHONDIR"] == str(profile) and env["HOME"] == str(tmp_path) and "MPLBACKEND" not in env
    with pytest.raises(ValueError, match="sorts after 00-no-network.py"):
        kernel_profile(tmp_path / "other", {"00-early.py": ""})
    runner = ("import nbformat\nfrom nbclient import NotebookClient\n"
              "nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("
              "'import socket\\nprint(EXTRA_RAN, socket.NETWORK_DISABLED_BY_TESTS)')])\n"
              "NotebookClient(nb, kernel_name='python3', timeout=120).execute()\n"
              "print(nb.cells[0].outputs[0]['text'])\n")
    done = subprocess.run([sys.executable, "-c", runner], capture_output=True, text=True, timeout=180,
                          env=kernel_env(profile))
    assert done.returncode == 0, done.stderr[-2000:]
    assert "True True" in done.stdout, done.stdout
    assert "without encryption" not in done.stderr, "the kernel's TCP notice should be silenced by the profile"

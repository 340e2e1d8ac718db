"""Test-suite configuration shared by tests/ and the nbval run over notebooks/.

Every Jupyter kernel started by the tests (nbval's and our own) runs with an IPython profile whose
start-up file blocks all non-loopback network access (tests/offline/no_network.py), and with the
plotting backend left to the notebook's inline default.
"""
import atexit
import os
import shutil
import socket
import sys
import tempfile
from pathlib import Path

from collections import defaultdict

import nbformat
import pytest

from scripts.offline import use_offline_kernels

ROOT = Path(__file__).resolve().parent
_IPYTHON_DIR = use_offline_kernels(Path(tempfile.mkdtemp(prefix="dl4h-ipython-")))
atexit.register(shutil.rmtree, _IPYTHON_DIR, ignore_errors=True)
os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")

# tests/site checks a built course site: `python3 tasks.py site` builds it and then runs them.
collect_ignore = [] if os.environ.get("DL4H_SITE_NOTEBOOKS") is not None else ["tests/site"]


def _loopback_works() -> bool:
    """Whether a TCP connection to 127.0.0.1 succeeds (it fails inside a bare ``unshare -n``)."""
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(1)
        try:
            socket.create_connection(server.getsockname(), timeout=5).close()
        except OSError:
            return False
    return True


def _bring_loopback_up() -> bool:
    """Set the loopback interface up (Linux, needs CAP_NET_ADMIN); True if loopback then works.

    Inside a fresh network namespace (``unshare -n``) loopback exists but is down. Bringing it up
    gives no access to any other machine: the namespace has no other interface.
    """
    if not sys.platform.startswith("linux"):
        return False
    import fcntl
    import struct

    siocgifflags, siocsifflags, iff_up = 0x8913, 0x8914, 0x1
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
            request = struct.pack("16sh", b"lo", 0)
            flags = struct.unpack("16sh", fcntl.ioctl(sock, siocgifflags, request))[1]
            fcntl.ioctl(sock, siocsifflags, struct.pack("16sh", b"lo", flags | iff_up))
    except OSError:
        return False
    return _loopback_works()


def pytest_collection_modifyitems(session, config, items):
    """Kernels need loopback: bring it up in a bare network namespace, or stop at once with the fix."""
    needs_kernel = any(item.nodeid.split("::")[0].endswith((".ipynb", "test_notebooks_execute.py",
                                                                            "test_instructor_tools.py", "test_colab.py"))
                       for item in items)
    if not needs_kernel or _loopback_works():
        return
    if _bring_loopback_up():
        print("\nconftest: loopback was down (a bare `unshare -n`?); set it up for the Jupyter kernels. "
              "There is still no route to any other machine.")
        return
    raise pytest.UsageError(
        "Jupyter kernels talk to the tests over loopback TCP (127.0.0.1), and loopback is down "
        "here and could not be set up. To run the suite with no network, bring loopback up inside "
        "the namespace:\n"
        "    unshare -n sh -c 'ip link set lo up; python3 tasks.py test'\n"
        "Unit tests alone need no loopback: .venv/bin/python -m pytest tests -k 'not notebooks_execute'")


_RELEASE: list[Path] = []


def student_release_dir() -> Path:
    """A student copy of the course (scripts/release.py), written once per test session."""
    if not _RELEASE:
        from scripts.release import write_student_release

        destination = Path(tempfile.mkdtemp(prefix="dl4h-student-release-")) / "course"
        write_student_release(destination)
        _RELEASE.append(destination)
    return _RELEASE[0]


@pytest.fixture(scope="session")
def student_release() -> Path:
    """The session's student copy of the course (see :func:`student_release_dir`)."""
    return student_release_dir()


# --- nbval: one kernel per notebook, in the student copy, every cell twice ------------------------
# Each notebook is executed by nbval (its asserts are its learning outcomes) in the copy students get,
# the student release: the kernel starts in that copy's notebooks/ folder, so the setup cell imports
# that copy's helpers (the last item checks it). After the first pass, every cell runs a second time
# in the same kernel ("Cell K (second run)"): students re-run cells and whole notebooks. One execution
# thus serves nbval, the re-run check and the student release. DL4H_ONE_PASS=1 skips the second pass
# (quicker while writing a notebook; the full suite always runs both).
from nbval.plugin import IPyNbCell, IPyNbFile, RunningKernel  # noqa: E402

_nbval_collect = IPyNbFile.collect


def _collect_twice(self):
    first = list(_nbval_collect(self))
    yield from first
    if os.environ.get("DL4H_ONE_PASS") != "1":
        for item in first:
            yield IPyNbCell.from_parent(self, name=f"{item.name} (second run)", cell_num=item.cell_num,
                                        cell=item.cell, options=item.options)
    release = student_release_dir()
    probe = nbformat.v4.new_code_cell(
        "import helpers as _h, os as _os\n"
        f"assert _os.path.dirname(_os.path.dirname(_h.__file__)) == {str(release)!r}, _h.__file__")
    yield IPyNbCell.from_parent(self, name="helpers come from the student copy", cell_num=len(first),
                                cell=probe, options=defaultdict(bool, check=False))


def _setup_in_student_copy(self):
    """nbval's IPyNbFile.setup, with the kernel started in the student copy's notebooks/ folder."""
    copy = student_release_dir() / "notebooks" / Path(str(self.fspath)).name
    if not copy.is_file() or copy.read_bytes() != Path(str(self.fspath)).read_bytes():
        raise RuntimeError(f"the student copy of {copy.name} is missing or differs from notebooks/")
    kernel_name = self.nb.metadata.get("kernelspec", {}).get("name", "python")
    self.kernel = RunningKernel(kernel_name, cwd=str(copy.parent),
                                startup_timeout=self.config.option.nbval_kernel_startup_timeout)
    self.setup_sanitize_files()


IPyNbFile.collect = _collect_twice
IPyNbFile.setup = _setup_in_student_copy


def pytest_unconfigure(config):
    """Remove the session's student copy."""
    for release in _RELEASE:
        shutil.rmtree(release.parent, ignore_errors=True)

"""Test-suite configuration shared by tests/ and the nbval run over notebooks/.

Every Jupyter kernel started by the tests (nbval's and our own) runs with an IPython profile whose
start-up file blocks all non-loopback network access (tests/offline/no_network.py), and with the
plotting backend left to the notebook's inline default.
"""
import os
import shutil
import socket
import sys
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent
_IPYTHON_DIR = Path(tempfile.mkdtemp(prefix="dl4h-ipython-"))
_startup = _IPYTHON_DIR / "profile_default" / "startup"
_startup.mkdir(parents=True)
shutil.copy(ROOT / "tests" / "offline" / "no_network.py", _startup / "00-no-network.py")
os.environ["IPYTHONDIR"] = str(_IPYTHON_DIR)
os.environ.pop("MPLBACKEND", None)
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
                                                                            "test_instructor_tools.py"))
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


@pytest.fixture(scope="session")
def student_release(tmp_path_factory) -> Path:
    """A student copy of the course (scripts/release.py), written once per test session."""
    from scripts.release import write_student_release

    destination = tmp_path_factory.mktemp("student-release") / "course"
    write_student_release(destination)
    return destination

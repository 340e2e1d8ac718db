"""The offline kernel profile: one home for how the tests, the grader, the site build and the
Colab-like run start Jupyter kernels that cannot reach the network.

A kernel reads its IPython profile from ``$IPYTHONDIR``. :func:`kernel_profile` writes one whose
start-up file is the test suite's network guard (``tests/offline/no_network.py``: any non-loopback
connection or DNS lookup fails) and whose kernel configuration silences the kernel's start-up
notice that it "is running over TCP without encryption" (the kernels here talk over loopback
only, and the notice, printed once per kernel, buried real messages in the test and benchmark logs).
:func:`kernel_env` is the environment to start such kernels with.
"""
from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GUARD = ROOT / "tests" / "offline" / "no_network.py"
KERNEL_CONFIG = 'c.IPKernelApp.log_level = "ERROR"   # no "running over TCP without encryption" notice\n'


def kernel_profile(ipython_dir: Path, extra_startup: dict[str, str] | None = None) -> Path:
    """Write the offline profile under ``ipython_dir`` (created if needed) and return ``ipython_dir``.

    ``extra_startup`` maps file names to Python source run after the guard, in name order
    (e.g. ``{"01-limits.py": "..."}``).
    """
    profile = Path(ipython_dir) / "profile_default"
    startup = profile / "startup"
    startup.mkdir(parents=True, exist_ok=True)
    (startup / "00-no-network.py").write_text(GUARD.read_text(encoding="utf-8"), encoding="utf-8")
    for name, source in (extra_startup or {}).items():
        if not name.endswith(".py") or name <= "00-no-network.py":
            raise ValueError(f"start-up file {name!r}: expected a name ending in .py that sorts after 00-no-network.py")
        (startup / name).write_text(source, encoding="utf-8")
    (profile / "ipython_kernel_config.py").write_text(KERNEL_CONFIG, encoding="utf-8")
    return Path(ipython_dir)


def kernel_env(ipython_dir: Path, base: dict[str, str] | None = None, **extra: str) -> dict[str, str]:
    """Environment for kernels that use the profile in ``ipython_dir``, with the plotting backend left
    to the notebook's inline default (a ``MPLBACKEND`` set by the caller's shell would override it)."""
    env = {**(os.environ if base is None else base), "IPYTHONDIR": str(ipython_dir), **extra}
    env.pop("MPLBACKEND", None)
    return env


def use_offline_kernels(ipython_dir: Path) -> Path:
    """Make every kernel this process starts from now on use the offline profile (written under
    ``ipython_dir``); for the test suite and the benchmark, whose kernel managers read ``os.environ``."""
    profile = kernel_profile(ipython_dir)
    os.environ["IPYTHONDIR"] = str(profile)
    os.environ.pop("MPLBACKEND", None)
    return profile

"""Test-suite configuration shared by tests/ and the nbval run over notebooks/.

Every Jupyter kernel started by the tests (nbval's and our own) runs with an IPython profile whose
start-up file blocks all non-loopback network access (tests/offline/no_network.py), and with the
plotting backend left to the notebook's inline default.
"""
import os
import shutil
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent
_IPYTHON_DIR = Path(tempfile.mkdtemp(prefix="dl4h-ipython-"))
_startup = _IPYTHON_DIR / "profile_default" / "startup"
_startup.mkdir(parents=True)
shutil.copy(ROOT / "tests" / "offline" / "no_network.py", _startup / "00-no-network.py")
os.environ["IPYTHONDIR"] = str(_IPYTHON_DIR)
os.environ.pop("MPLBACKEND", None)
os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")

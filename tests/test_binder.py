"""What Binder will do with this repository, asked of Binder's own build tool, offline.

`repo2docker --no-build --debug` writes the Dockerfile that mybinder.org would build, without Docker
or a network. The test reads it: Python 3.11, the pinned requirements installed from `binder/`, then
`binder/postBuild`; runs that postBuild in a throwaway environment to prove the helpers import after
it; and checks the README's Binder link opens JupyterLab on the welcome notebook. That nothing is
fetched at notebook run time is what the offline nbval run proves.
"""
from __future__ import annotations

import os
import re
import subprocess
import sys
import venv
from urllib.parse import parse_qs, unquote, urlparse

import pytest

from helpers import REPO_SLUG
from tests.notebook_utils import ROOT


@pytest.fixture(scope="module")
def dockerfile() -> str:
    repo2docker = os.path.join(os.path.dirname(sys.executable), "repo2docker")
    done = subprocess.run([repo2docker, "--no-build", "--debug", str(ROOT)], capture_output=True, text=True,
                          timeout=300, cwd=ROOT)
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout + done.stderr


def test_binder_builds_python_311_with_the_pinned_requirements_then_postbuild(dockerfile):
    assert "Building conda environment for python=3.11" in dockerfile
    install = dockerfile.index('pip install --no-cache-dir -r "binder/requirements.txt"')
    assert dockerfile.index("./binder/postBuild") > install, "postBuild must run after the pinned install"
    assert (ROOT / "binder" / "requirements.txt").read_text() == (ROOT / "requirements.txt").read_text()
    assert re.search(r"^jupyterlab==", (ROOT / "binder" / "requirements.txt").read_text(), re.M)
    assert not (ROOT / "binder" / "start").exists(), "a binder/start script would run (and could fetch) at launch"


def test_postbuild_makes_helpers_importable(tmp_path):
    postbuild = (ROOT / "binder" / "postBuild").read_text()
    assert "set -e" in postbuild and "pip install --no-deps -e ." in postbuild
    env_dir = tmp_path / "binder-env"
    # Binder's environment already holds the pinned requirements: here, this one's (pip and setuptools too).
    venv.EnvBuilder(with_pip=False).create(env_dir)
    site_packages = next(env_dir.glob("lib/python3*/site-packages"))
    (site_packages / "pinned.pth").write_text("\n".join(p for p in sys.path if p.endswith("site-packages")) + "\n")
    (env_dir / "bin" / "pip").write_text(f'#!/bin/sh\nexec "{env_dir / "bin" / "python"}" -m pip "$@"\n')
    (env_dir / "bin" / "pip").chmod(0o755)
    python = env_dir / "bin" / "python"
    # Offline: no index, and the build backend (setuptools) taken from the pinned environment.
    env = {**os.environ, "PATH": f"{env_dir / 'bin'}{os.pathsep}{os.environ['PATH']}", "PIP_NO_INDEX": "1",
           "PIP_DISABLE_PIP_VERSION_CHECK": "1", "PIP_NO_BUILD_ISOLATION": "0"}
    env.pop("PYTHONPATH", None)
    # Binder runs postBuild from the repository root with the environment's pip first on PATH.
    copy = tmp_path / "repo"
    subprocess.run(["git", "clone", "-q", str(ROOT), str(copy)], check=True, timeout=120)
    built = subprocess.run(["bash", str(copy / "binder" / "postBuild")], cwd=copy, env=env, capture_output=True,
                           text=True, timeout=300)
    assert built.returncode == 0, built.stderr[-3000:]
    found = subprocess.run([str(python), "-c", "import helpers, os; print(os.path.dirname(helpers.__file__))"],
                           cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    assert found.returncode == 0, found.stderr[-2000:]
    assert found.stdout.strip() == str(copy / "helpers"), found.stdout


def test_readme_binder_link_opens_jupyterlab_on_the_welcome_notebook():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    links = re.findall(r"\(https://mybinder\.org/v2/gh/[^)]+\)", readme)
    assert links, "the README has no Binder link"
    url = urlparse(links[0][1:-1])
    assert url.path == f"/v2/gh/{REPO_SLUG}/main", url.path
    labpath = unquote(parse_qs(url.query)["labpath"][0])
    assert labpath == "notebooks/00_welcome.ipynb" and (ROOT / labpath).is_file(), labpath

"""Helpers for the DL4Health notebooks: one small module per idea.

Every notebook starts with the same setup cell, which ends in::

    import helpers
    SEED = helpers.setup()

Modules (import what a notebook needs, e.g. ``from helpers import datasets``):

- ``environment``: :func:`setup` (seed, determinism, quiet logs, plot style, versions) and
  :func:`check_environment` (a plain-language health check of the installation).
- ``datasets``: load the files in ``datasets/`` with checksum verification; regenerate them.
- ``plotting``: the colour-blind-safe style and small figure conventions.
- ``training``: quiet, one-line-summary Keras training.
- ``exercises``: Kaggle-style ``check()`` / ``hint()`` / ``solution()`` exercise checkers.
- ``ehr``, ``clinical_notes``, ...: deterministic generators of synthetic data.

Importing this package is cheap: TensorFlow is imported by :func:`setup`, after the environment
variables that silence it are set.
"""
from __future__ import annotations

from pathlib import Path

__version__ = "0.1.0"

#: Where the course lives on GitHub; used for launch links and the Colab bootstrap.
REPO_SLUG = "dl4health/dl4health-notebooks"
REPO_URL = f"https://github.com/{REPO_SLUG}"

#: The repository root (the folder holding ``helpers/``, ``datasets/`` and ``notebooks/``).
ROOT = Path(__file__).resolve().parent.parent


def setup(seed: int | None = None, *, deep_learning: bool = True, verbose: bool = True) -> int:
    """Seed, silence and style a notebook; see :func:`helpers.environment.setup`."""
    from helpers.environment import setup as _setup

    return _setup(seed, deep_learning=deep_learning, verbose=verbose)


__all__ = ["REPO_SLUG", "REPO_URL", "ROOT", "setup", "__version__"]

"""Helpers for the DL4Health notebooks: one small module per idea.

Every notebook starts with the same setup cell, which ends in::

    import helpers
    SEED = helpers.setup()

Modules, each named by what it is (import what a notebook needs, e.g.
``from helpers.data import records`` or ``from helpers.evaluation import metrics``):

- ``environment``: :func:`setup` and :func:`~helpers.environment.check_environment`;
- ``course``: the notebook index, ``course.toml``;
- ``data``: one module per modality or source (files, records, faults, imaging, medmnist,
  signals, clinical_notes, cohorts, tumours);
- ``models``: network builders (convolutional, recurrent) and batched inference;
- ``training``: quiet Keras training, class and group weights, augmentation, training recipes;
- ``evaluation``: metrics, calibration, subgroups, learning_curves, attribution;
- ``architecture``, ``plotting``, ``validation``: small shared tools;
- ``exercises``: the ``check()`` / ``hint()`` / ``solution()`` checkers; ``solutions``: worked answers.

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

"""Notebook setup and a plain-language check of the installation.

:func:`setup` is the one call at the top of every notebook. It

1. chooses the seed: the argument, else the ``DL4H_SEED`` environment variable, else 42;
2. silences TensorFlow's C++ logs and oneDNN notices (set *before* TensorFlow is imported);
3. seeds Python's ``random``, NumPy and Keras/TensorFlow from that one seed and turns on
   deterministic TensorFlow ops, so two runs on the same machine give identical numbers;
4. filters the library warnings a student cannot act on;
5. sets the colour-blind-safe plotting style;
6. prints the library versions and whether a GPU is present.
"""
from __future__ import annotations

import importlib.metadata
import os
import platform
import random
import re
import sys
import warnings
from dataclasses import dataclass

import numpy as np

from helpers import ROOT

DEFAULT_SEED = 42
SEED_ENV_VAR = "DL4H_SEED"
MIN_PYTHON = (3, 11)

#: Packages whose versions the setup line prints, in this order.
REPORTED_PACKAGES = ("tensorflow", "keras", "numpy", "pandas", "scikit-learn", "shap", "seaborn")


def resolve_seed(seed: int | None = None) -> int:
    """Return ``seed``, else the integer in ``$DL4H_SEED``, else 42; reject anything else."""
    if seed is None:
        raw = os.environ.get(SEED_ENV_VAR, "").strip()
        if not raw:
            return DEFAULT_SEED
        try:
            seed = int(raw)
        except ValueError:
            raise ValueError(
                f"environment variable {SEED_ENV_VAR} must be a whole number such as 7, got {raw!r}"
            ) from None
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
        raise TypeError(f"seed must be an int, got {type(seed).__name__}")
    if not 0 <= int(seed) < 2**32:
        raise ValueError(f"seed must be between 0 and 2**32 - 1, got {seed}")
    return int(seed)


def silence_libraries() -> None:
    """Quieten TensorFlow's C++ logging and warnings a student cannot act on."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")  # hide C++ INFO, WARNING and graph-version notices
    os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")  # no oneDNN notice; reproducible CPU maths
    os.environ.setdefault("KERAS_BACKEND", "tensorflow")
    filters = [
        # Keras 3 complains about input structure when shap or a functional model passes lists.
        ("ignore", r".*[Tt]he structure of `inputs` doesn't match.*", UserWarning),
        ("ignore", r".*input structure.*", UserWarning),
        # seaborn 0.13 with matplotlib >= 3.10 calls boxplot(vert=...).
        ("ignore", r".*vert: bool was deprecated.*", Warning),
        ("ignore", r".*`vert` parameter.*deprecated.*", Warning),
        # tqdm inside shap when ipywidgets is missing.
        ("ignore", r".*IProgress not found.*", Warning),
        # shap's DeepExplainer notes that TensorFlow > 2.4 runs eagerly; nothing to act on.
        ("ignore", r".*TensorFlow version is newer than 2\.4\.0.*", UserWarning),
        # Keras notes that a Sequential model built with input_shape= should use keras.Input.
        ("ignore", r".*Do not pass an `input_shape`.*", UserWarning),
        # shap / numba chatter.
        ("ignore", r".*NumbaDeprecationWarning.*", Warning),
        ("ignore", r".*is deprecated and will be removed.*", FutureWarning),
    ]
    for action, message, category in filters:
        warnings.filterwarnings(action, message=message, category=category)


def _version(package: str) -> str | None:
    try:
        return importlib.metadata.version(package)
    except importlib.metadata.PackageNotFoundError:
        if package == "tensorflow":  # the CPU-only wheel has another distribution name
            return _version("tensorflow-cpu")
        return None


def setup(seed: int | None = None, *, deep_learning: bool = True, verbose: bool = True) -> int:
    """Prepare a notebook: seed everything from one seed, silence noise, style plots.

    Args:
        seed: the seed; ``None`` means ``$DL4H_SEED`` if set, else 42.
        deep_learning: import and seed TensorFlow/Keras too (about 5 s and 600 MB the first time).
        verbose: print one line of versions and the compute device.

    Returns:
        The seed used; pass it on wherever randomness is drawn (``seed=SEED``).

    Safe to call again (re-running the cell re-seeds everything).
    """
    seed = resolve_seed(seed)
    silence_libraries()
    random.seed(seed)
    np.random.seed(seed)
    device = "CPU"
    if deep_learning:
        import keras
        import tensorflow as tf

        tf.get_logger().setLevel("ERROR")
        keras.utils.set_random_seed(seed)  # seeds random, NumPy and the TensorFlow backend
        tf.config.experimental.enable_op_determinism()
        gpus = tf.config.list_physical_devices("GPU")
        device = f"GPU x{len(gpus)}" if gpus else "CPU (no GPU found: fine, every notebook is sized for a CPU)"
    from helpers import plotting

    plotting.use_style()
    if verbose:
        shown = REPORTED_PACKAGES if deep_learning else REPORTED_PACKAGES[2:]
        versions = ", ".join(f"{name} {_version(name) or 'missing'}" for name in shown)
        print(f"Seed {seed} | Python {platform.python_version()} | {versions}")
        print(f"Compute: {device}")
    return seed


@dataclass(frozen=True)
class Check:
    """One line of the environment check."""

    item: str
    status: str  # "ok", "note" or "problem"
    detail: str


def _pins() -> dict[str, str]:
    """Package -> pinned version, from requirements.txt (markers for other platforms skipped)."""
    pins: dict[str, str] = {}
    requirements = ROOT / "requirements.txt"
    if not requirements.exists():
        return pins
    for line in requirements.read_text().splitlines():
        match = re.match(r"^([A-Za-z0-9_.\-]+)==([^;\s]+)", line.strip())
        if match:
            pins[match.group(1).lower()] = match.group(2)
    return pins


def check_environment(packages: tuple[str, ...] = (
    "tensorflow", "keras", "numpy", "pandas", "scikit-learn", "matplotlib", "seaborn", "shap",
    "fairlearn", "ipywidgets",
)) -> list[Check]:
    """Check Python, the key packages, the data files and the hardware; explain any problem.

    Returns one :class:`Check` per item. ``status`` is ``"problem"`` only for something that will
    stop a notebook (a missing package, an old Python, a damaged data file).
    """
    checks: list[Check] = []
    if sys.version_info >= MIN_PYTHON:
        checks.append(Check("Python", "ok", platform.python_version()))
    else:
        checks.append(Check("Python", "problem",
                            f"{platform.python_version()} is too old: install Python 3.11 or newer"))
    pins = _pins()
    for package in packages:
        installed = _version(package)
        pinned = pins.get(package) or pins.get(f"{package}-cpu")
        if installed is None:
            checks.append(Check(package, "problem",
                                "not installed: run `pip install -r requirements.txt` "
                                "(or `python3 tasks.py lab`, which does it for you)"))
        elif pinned and installed != pinned:
            checks.append(Check(package, "note",
                                f"{installed} (the suite is tested with {pinned}; expected to work, "
                                "as on Colab, but numbers may differ slightly)"))
        else:
            checks.append(Check(package, "ok", installed))
    from helpers.data import files as datasets

    for name in datasets.available():
        try:
            datasets.verify(name)
            checks.append(Check(f"data: {name}", "ok", "present, checksum matches"))
        except (OSError, ValueError) as error:
            checks.append(Check(f"data: {name}", "problem", str(error)))
    try:
        import psutil

        gib = psutil.virtual_memory().total / 2**30
        status = "ok" if gib >= 1.5 else "note"
        checks.append(Check("memory", status, f"{gib:.1f} GiB in total (each notebook needs < 1.5 GiB)"))
    except ImportError:  # psutil is optional on Colab
        pass
    checks.append(Check("CPU cores", "ok", str(os.cpu_count())))
    return checks

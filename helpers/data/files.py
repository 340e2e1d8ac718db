"""Data files in ``datasets/``: the manifest of SHA-256 checksums, verified loading, and byte-for-byte regeneration."""
from __future__ import annotations

import hashlib
import importlib
import io
import json
import os
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np
import pandas as pd

from helpers import ROOT

#: Override with the environment variable ``DL4H_DATA_DIR`` (for example on a shared drive).
DATA_DIR = Path(os.environ.get("DL4H_DATA_DIR", ROOT / "datasets"))


MANIFEST_NAME = "manifest.json"


#: Modules whose ``DATASET_FILES`` make up the suite's data. Add a module here to add its files.
GENERATOR_MODULES: tuple[str, ...] = (
    "helpers.data.records",
    "helpers.data.clinical_notes",
)


RESTORE_HINT = (
    "Restore it with `git checkout -- datasets/` (or download the repository again), "
    "or rebuild every data file from code with `python3 tasks.py datasets`."
)


class DatasetError(ValueError):
    """A data file is damaged, or a dataset name is unknown."""


class DatasetMissingError(FileNotFoundError):
    """A data file listed in the manifest is not on disk."""


@dataclass(frozen=True)
class DatasetFile:
    """One file in ``datasets/``: its name on disk, how to build it, and its data card."""

    filename: str
    build: Callable[[], bytes]
    card: str  # path of the data card, relative to datasets/
    description: str


def specs() -> dict[str, DatasetFile]:
    """All dataset names and their specifications, from :data:`GENERATOR_MODULES`."""
    found: dict[str, DatasetFile] = {}
    for module_name in GENERATOR_MODULES:
        module = importlib.import_module(module_name)
        for name, spec in module.DATASET_FILES.items():
            if name in found:
                raise RuntimeError(f"dataset name {name!r} is declared twice")
            found[name] = spec
    return found


def available() -> list[str]:
    """Names accepted by :func:`load`, sorted."""
    return sorted(specs())


def _spec(name: str) -> DatasetFile:
    if not isinstance(name, str):
        raise TypeError(f"dataset name must be a string, got {type(name).__name__}")
    all_specs = specs()
    if name not in all_specs:
        raise DatasetError(f"unknown dataset {name!r}; available datasets: {', '.join(sorted(all_specs))}")
    return all_specs[name]


def read_manifest(data_dir: Path | None = None) -> dict:
    """The parsed manifest (``{"files": {filename: {"sha256", "bytes", ...}}}``)."""
    path = Path(data_dir or DATA_DIR) / MANIFEST_NAME
    if not path.exists():
        raise DatasetMissingError(f"{path} is missing. {RESTORE_HINT}")
    try:
        return json.loads(path.read_text())
    except json.JSONDecodeError as error:
        raise DatasetError(f"{path} is not valid JSON ({error}). {RESTORE_HINT}") from None


def checksum_of(path: Path, algorithm: str = "sha256") -> str:
    """Hex digest of a file's bytes (``"sha256"``, or ``"md5"`` where a publisher lists only MD5)."""
    digest = hashlib.new(algorithm)
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def sha256_of(path: Path) -> str:
    """Hex SHA-256 of a file's bytes."""
    return checksum_of(path, "sha256")


def matches_checksum(path: Path, expected: str, algorithm: str = "sha256") -> bool:
    """Whether the file at ``path`` has the hex digest ``expected``: the one file check of the suite."""
    return checksum_of(path, algorithm) == expected.lower()


def path_of(name: str) -> Path:
    """Path of the file behind dataset ``name`` (not verified)."""
    return DATA_DIR / _spec(name).filename


def verify(name: str) -> Path:
    """Check that dataset ``name`` exists and matches its manifest checksum; return its path."""
    spec = _spec(name)
    path = DATA_DIR / spec.filename
    entry = read_manifest().get("files", {}).get(spec.filename)
    if entry is None:
        raise DatasetError(f"datasets/{spec.filename} is not listed in datasets/{MANIFEST_NAME}. "
                           "Run `python3 tasks.py datasets` to rebuild the data and the manifest.")
    if not path.exists():
        raise DatasetMissingError(f"datasets/{spec.filename} (dataset {name!r}) is missing. {RESTORE_HINT}")
    if not matches_checksum(path, entry["sha256"]):
        actual = sha256_of(path)
        raise DatasetError(
            f"datasets/{spec.filename} (dataset {name!r}) is damaged or was edited: its SHA-256 is "
            f"{actual[:12]}..., the manifest expects {entry['sha256'][:12]}.... {RESTORE_HINT}"
        )
    return path


def load(name: str) -> pd.DataFrame | dict[str, np.ndarray]:
    """Load a dataset after verifying its checksum.

    Returns a ``pandas.DataFrame`` for ``.csv`` files and a dict of NumPy arrays for ``.npz``
    files. Both are in-memory copies: changing them never changes the file.
    """
    path = verify(name)
    if path.suffix == ".csv":
        return pd.read_csv(path)
    if path.suffix == ".npz":
        with np.load(path, allow_pickle=False) as archive:
            return {key: np.array(archive[key]) for key in archive.files}
    raise DatasetError(f"datasets/{path.name}: unsupported file type {path.suffix!r} (expected .csv or .npz)")


def card(name: str) -> str:
    """The data card (Markdown) of dataset ``name``."""
    return (DATA_DIR / _spec(name).card).read_text()


def csv_bytes(frame: pd.DataFrame, float_format: str = "%.4g") -> bytes:
    """A DataFrame as CSV bytes with a fixed float format and ``\\n`` line ends."""
    return frame.to_csv(index=False, float_format=float_format, lineterminator="\n").encode("utf-8")


def npz_bytes(arrays: dict[str, np.ndarray]) -> bytes:
    """Arrays as an uncompressed ``.npz`` with fixed timestamps, so equal arrays give equal bytes."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED) as archive:
        for key in sorted(arrays):
            array_buffer = io.BytesIO()
            np.lib.format.write_array(array_buffer, np.ascontiguousarray(arrays[key]), allow_pickle=False)
            info = zipfile.ZipInfo(f"{key}.npy", date_time=(1980, 1, 1, 0, 0, 0))
            info.external_attr = 0o644 << 16
            archive.writestr(info, array_buffer.getvalue())
    return buffer.getvalue()


def regenerate(data_dir: Path | None = None, *, write_manifest: bool = True) -> dict:
    """Rebuild every dataset file from code into ``data_dir`` and return the new manifest."""
    data_dir = Path(data_dir or DATA_DIR)
    data_dir.mkdir(parents=True, exist_ok=True)
    files = {}
    for name, spec in sorted(specs().items()):
        payload = spec.build()
        (data_dir / spec.filename).write_bytes(payload)
        files[spec.filename] = {
            "dataset": name,
            "sha256": hashlib.sha256(payload).hexdigest(),
            "bytes": len(payload),
            "generator": spec.build.__module__ + "." + spec.build.__qualname__,
            "card": spec.card,
            "description": spec.description,
        }
    manifest = {
        "about": "Checksums of the files in datasets/. Rebuild all with `python3 tasks.py datasets`.",
        "files": files,
    }
    if write_manifest:
        (data_dir / MANIFEST_NAME).write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")
    return manifest

"""MedMNIST-format ``.npz`` files: validate, load, download on request (checksum verified) and prepare images."""
from __future__ import annotations

import zipfile
from pathlib import Path

import numpy as np

#: The arrays a MedMNIST-format file must contain.
SPLITS = ("train", "val", "test")


REQUIRED_KEYS = tuple(f"{split}_{kind}" for split in SPLITS for kind in ("images", "labels"))


#: Images larger than this (per side) are downsampled for training on a CPU (see ``max_size``).
DEFAULT_MAX_SIZE = 64


class ImageFileError(ValueError):
    """A MedMNIST-format file (or its arrays) cannot be used: the message says why."""


def validate_arrays(arrays: dict[str, np.ndarray], source: str = "the arrays") -> int:
    """Check a MedMNIST-format dict; return the number of classes K. Raises :class:`ImageFileError`.

    Checks: every key of :data:`REQUIRED_KEYS` is present; images are ``(n, H, W)`` or
    ``(n, H, W, 1|3)`` of numbers, the same size in every split, at least 8 x 8, without NaN;
    labels are ``(n,)`` or ``(n, 1)`` whole numbers in 0..K-1 with K >= 2 (K = largest training
    label + 1), with both images and labels of a split having the same length, and every class
    present in the training split.
    """
    if not isinstance(arrays, dict):
        raise TypeError(f"arrays must be a dict of NumPy arrays, got {type(arrays).__name__}")
    missing = [key for key in REQUIRED_KEYS if key not in arrays]
    if missing:
        raise ImageFileError(f"{source} lacks the keys {missing}; a MedMNIST-format file needs "
                             f"{list(REQUIRED_KEYS)} (it has {sorted(arrays)})")
    image_size = None
    for split in SPLITS:
        images, labels = np.asarray(arrays[f"{split}_images"]), np.asarray(arrays[f"{split}_labels"])
        if images.ndim == 4 and images.shape[-1] not in (1, 3):
            raise ImageFileError(f"{source}: {split}_images has {images.shape[-1]} channels; "
                                 "expected 1 (grayscale) or 3 (RGB)")
        if images.ndim not in (3, 4):
            raise ImageFileError(f"{source}: {split}_images must have shape (n, H, W) or (n, H, W, C), "
                                 f"got {images.shape}")
        if not (np.issubdtype(images.dtype, np.integer) or np.issubdtype(images.dtype, np.floating)):
            raise ImageFileError(f"{source}: {split}_images must hold numbers, got dtype {images.dtype}")
        if min(images.shape[1:3]) < 8:
            raise ImageFileError(f"{source}: {split}_images are {images.shape[1:3]}; need at least 8 x 8 pixels")
        if image_size is None:
            image_size = images.shape[1:]
        elif images.shape[1:] != image_size:
            raise ImageFileError(f"{source}: {split}_images have shape {images.shape[1:]} per image "
                                 f"but train_images have {image_size}")
        if np.issubdtype(images.dtype, np.floating) and not np.isfinite(images).all():
            raise ImageFileError(f"{source}: {split}_images contain NaN or infinite values")
        if labels.ndim == 2 and labels.shape[1] != 1:
            raise ImageFileError(f"{source}: {split}_labels has shape {labels.shape}; multi-label "
                                 "tasks (one column per finding, like ChestMNIST) are not supported, "
                                 "expected one class index per image, shape (n,) or (n, 1)")
        if labels.ndim not in (1, 2):
            raise ImageFileError(f"{source}: {split}_labels must have shape (n,) or (n, 1), got {labels.shape}")
        if len(images) != len(labels):
            raise ImageFileError(f"{source}: {split}_images has {len(images)} images but "
                                 f"{split}_labels has {len(labels)} labels; they must match")
        if len(labels) == 0:
            raise ImageFileError(f"{source}: the {split} split is empty")
        if not (np.issubdtype(labels.dtype, np.integer) or
                (np.issubdtype(labels.dtype, np.floating) and np.all(np.mod(labels, 1) == 0))):
            raise ImageFileError(f"{source}: {split}_labels must be whole-number class indices, "
                                 f"got dtype {labels.dtype}")
    train_labels = np.asarray(arrays["train_labels"]).reshape(-1)
    n_classes = int(train_labels.max()) + 1
    if n_classes < 2:
        raise ImageFileError(f"{source}: train_labels has only one class ({n_classes - 1}); need two or more")
    for split in SPLITS:
        labels = np.asarray(arrays[f"{split}_labels"]).reshape(-1)
        if labels.min() < 0 or labels.max() >= n_classes:
            raise ImageFileError(f"{source}: {split}_labels are out of range: found values "
                                 f"{labels.min()}..{labels.max()}, but classes run 0..{n_classes - 1} "
                                 "(from train_labels)")
    absent = sorted(set(range(n_classes)) - set(np.unique(train_labels).tolist()))
    if absent:
        raise ImageFileError(f"{source}: train_labels never show the classes {absent}")
    return n_classes


def load_medmnist_npz(path: str | Path) -> dict[str, np.ndarray]:
    """Read and validate a MedMNIST-format ``.npz`` file; returns its six arrays.

    Raises ``FileNotFoundError`` if the file is missing and :class:`ImageFileError` if it is not an
    ``.npz`` archive or its arrays are unusable (see :func:`validate_arrays`).
    """
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"{path}: no such file")
    if path.is_dir() or not zipfile.is_zipfile(path):
        raise ImageFileError(f"{path} is not an .npz file (a NumPy zip archive saved by np.savez); "
                             "download a MedMNIST file such as pneumoniamnist.npz, or write one with np.savez")
    try:
        with np.load(path, allow_pickle=False) as archive:
            arrays = {key: np.array(archive[key]) for key in archive.files}
    except (ValueError, OSError, zipfile.BadZipFile) as error:
        raise ImageFileError(f"{path} could not be read as an .npz file: {error}") from None
    validate_arrays(arrays, source=str(path))
    return arrays


#: Where MedMNIST v2/v3 keeps its 28 x 28 files (Zenodo record 10519652, CC BY 4.0), and the MD5
#: checksums we know; other names download unchecked.
MEDMNIST_URL = "https://zenodo.org/records/10519652/files/{name}.npz?download=1"


#: MedMNIST's own checksums, as Zenodo publishes them (MD5 is the only digest listed there).
MEDMNIST_MD5 = {"pneumoniamnist": "28209eda62fecd6e6a2d98b1501bb15f"}


def download_medmnist(name: str = "pneumoniamnist", folder: str | Path = ".") -> Path:
    """Download a 28 x 28 MedMNIST file (needs internet; for Colab or a laptop, never the tests).

    Returns the path of ``folder/name.npz``; an existing file is reused. Raises ``RuntimeError``
    with a plain explanation when the download fails (offline, firewall) or the checksum differs.
    """
    import urllib.error
    import urllib.request

    if not isinstance(name, str) or not name.isalnum():
        raise ValueError(f"name must be a MedMNIST name such as 'pneumoniamnist', got {name!r}")
    path = Path(folder) / f"{name}.npz"
    if not path.exists():
        url = MEDMNIST_URL.format(name=name)
        try:
            urllib.request.urlretrieve(url, path)
        except (urllib.error.URLError, OSError) as error:
            path.unlink(missing_ok=True)
            raise RuntimeError(f"could not download {url} ({error}). Are you online? The notebook "
                               "works without it: leave the switch off to use the synthetic stand-in.") from None
    from helpers.data.files import matches_checksum

    expected = MEDMNIST_MD5.get(name)
    if expected and not matches_checksum(path, expected, "md5"):
        raise RuntimeError(f"{path} does not match MedMNIST's published checksum; delete it and try again")
    return path


def prepare_images(images: np.ndarray, max_size: int = DEFAULT_MAX_SIZE) -> np.ndarray:
    """Images as float32 ``(n, H, W, C)`` in [0, 1]; sides above ``max_size`` are shrunk (area average).

    uint8 (or any integer) images are divided by 255; float images with a maximum above 1 also.
    """
    array = np.asarray(images)
    if array.ndim == 3:
        array = array[..., None]
    if array.ndim != 4:
        raise ValueError(f"images must have shape (n, H, W) or (n, H, W, C), got {array.shape}")
    scale = 255.0 if (np.issubdtype(array.dtype, np.integer) or array.max() > 1.0) else 1.0
    array = array.astype(np.float32) / np.float32(scale)
    height, width = array.shape[1:3]
    if max(height, width) > max_size:
        import tensorflow as tf

        factor = max_size / max(height, width)
        new_size = (max(8, round(height * factor)), max(8, round(width * factor)))
        array = tf.image.resize(array, new_size, method="area").numpy().astype(np.float32)
    return array

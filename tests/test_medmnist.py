"""Tests for helpers.data.medmnist: validating, loading and preparing MedMNIST-format files."""
from __future__ import annotations

import numpy as np
import pytest

from helpers.data import medmnist
from helpers.data.imaging import to_medmnist_format


@pytest.fixture(scope="module")
def arrays():
    return to_medmnist_format(200, image_size=28, seed=0, fractions=(0.6, 0.2, 0.2))


def save(path, arrays):
    np.savez(path, **arrays)
    return path


def test_a_good_file_loads(tmp_path, arrays):
    loaded = medmnist.load_medmnist_npz(save(tmp_path / "good.npz", arrays))
    assert set(loaded) == set(medmnist.REQUIRED_KEYS)
    assert medmnist.validate_arrays(loaded) == 2


@pytest.mark.parametrize("mutate, message", [
    (lambda a: a.pop("val_labels"), "lacks the keys"),
    (lambda a: a.__setitem__("test_labels", a["test_labels"][:-3]), "must match"),
    (lambda a: a.__setitem__("val_labels", a["val_labels"] + 5), "out of range"),
    (lambda a: a.__setitem__("train_labels", np.zeros_like(a["train_labels"])), "only one class"),
    (lambda a: a.__setitem__("test_images", a["test_images"][:, :20]), "per image"),
    (lambda a: a.__setitem__("train_labels", np.zeros((len(a["train_labels"]), 3))), "multi-label"),
    (lambda a: a.__setitem__("train_images", np.zeros((len(a["train_labels"]), 28, 28, 2))), "channels"),
    (lambda a: a.__setitem__("val_images", np.full(a["val_images"].shape, np.nan)), "NaN"),
    (lambda a: a.__setitem__("train_images", a["train_images"][:, :6, :6]), "at least 8 x 8"),
])
def test_bad_arrays_get_clear_errors(tmp_path, arrays, mutate, message):
    bad = dict(arrays)
    mutate(bad)
    with pytest.raises(medmnist.ImageFileError, match=message):
        medmnist.load_medmnist_npz(save(tmp_path / "bad.npz", bad))


def test_not_an_npz_and_missing_file(tmp_path):
    text = tmp_path / "notes.npz"
    text.write_text("this is not a NumPy archive")
    with pytest.raises(medmnist.ImageFileError, match="not an .npz file"):
        medmnist.load_medmnist_npz(text)
    with pytest.raises(FileNotFoundError, match="no such file"):
        medmnist.load_medmnist_npz(tmp_path / "absent.npz")
    with pytest.raises(TypeError):
        medmnist.validate_arrays([1, 2, 3])
    with pytest.raises(ValueError):
        medmnist.validate_arrays({"train_images": np.zeros((2, 8, 8))})


def test_prepare_images_scales_and_shrinks():
    images = np.full((2, 128, 96), 255, np.uint8)
    out = medmnist.prepare_images(images, max_size=64)
    assert out.shape == (2, 64, 48, 1) and out.dtype == np.float32 and np.allclose(out, 1.0)
    floats = medmnist.prepare_images(np.full((1, 28, 28, 3), 0.5, np.float32))
    assert floats.shape == (1, 28, 28, 3) and np.allclose(floats, 0.5)
    with pytest.raises(ValueError):
        medmnist.prepare_images(np.zeros((2, 8)))


def test_download_refuses_odd_names():
    with pytest.raises(ValueError, match="MedMNIST name"):
        medmnist.download_medmnist("../etc/passwd")

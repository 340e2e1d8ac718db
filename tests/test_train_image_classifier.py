"""Tests for the MedMNIST command line, ``python -m helpers.train_image_classifier`` (and its run_on_arrays)."""
from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest

from helpers import ROOT
from helpers import train_image_classifier as tic
from helpers.data import medmnist
from helpers.data.imaging import to_medmnist_format
from helpers.evaluation import metrics


@pytest.fixture(scope="module")
def arrays():
    return to_medmnist_format(400, image_size=28, seed=0, fractions=(0.6, 0.2, 0.2))


def save(path, arrays):
    np.savez(path, **arrays)
    return path


def run_cli(*args):
    return subprocess.run([sys.executable, "-m", "helpers.train_image_classifier", *map(str, args)],
                          cwd=ROOT, capture_output=True, text=True, timeout=300)


# --- the command line on a small MedMNIST-format file ------------------------------------------

def test_cli_trains_and_prints_one_json_object(tmp_path, arrays):
    path = save(tmp_path / "tiny_medmnist.npz", arrays)
    done = run_cli(path, "--epochs", 2, "--max-seconds", 120)
    assert done.returncode == 0, done.stderr
    lines = [line for line in done.stdout.splitlines() if line.strip()]
    assert len(lines) == 1, f"expected one line of JSON, got: {done.stdout!r}"
    report = json.loads(lines[0])
    for key in ("test_auc", "test_accuracy", "epochs", "seconds", "threshold", "val_auc", "n_classes", "model"):
        assert key in report, key
    assert report["task"] == "binary" and report["n_classes"] == 2
    assert 1 <= report["epochs"] <= 2
    assert 0.0 <= report["test_auc"] <= 1.0 and 0.0 <= report["test_accuracy"] <= 1.0
    assert report["n_train"] == 240 and report["image_shape"] == [28, 28, 1]
    assert report["model"] == "lenet_max"  # notebook 02's LeNet (helpers.models.convolutional.build_lenet)


@pytest.mark.parametrize("mutate, message", [
    (lambda a: a.pop("val_labels"), "lacks the keys"),
    (lambda a: a.__setitem__("test_labels", a["test_labels"][:-3]), "must match"),
    (lambda a: a.__setitem__("val_labels", a["val_labels"] + 5), "out of range"),
    (lambda a: a.__setitem__("train_labels", np.zeros_like(a["train_labels"])), "only one class"),
    (lambda a: a.__setitem__("test_images", a["test_images"][:, :20]), "per image"),
    (lambda a: a.__setitem__("train_labels", np.zeros((len(a["train_labels"]), 3))), "multi-label"),
    (lambda a: a.__setitem__("train_images", np.zeros((len(a["train_labels"]), 28, 28, 2))), "channels"),
])
def test_bad_arrays_get_clear_errors(tmp_path, arrays, mutate, message):
    bad = dict(arrays)
    mutate(bad)
    path = save(tmp_path / "bad.npz", bad)
    with pytest.raises(medmnist.ImageFileError, match=message):
        medmnist.load_medmnist_npz(path)
    assert tic.main([str(path)]) == 2  # the command prints "error: ..." and exits with status 2


def test_not_an_npz_and_missing_file(tmp_path, capsys):
    text = tmp_path / "notes.npz"
    text.write_text("this is not a NumPy archive")
    with pytest.raises(medmnist.ImageFileError, match="not an .npz file"):
        medmnist.load_medmnist_npz(text)
    assert tic.main([str(text)]) == 2
    assert "not an .npz file" in capsys.readouterr().err
    with pytest.raises(FileNotFoundError):
        medmnist.load_medmnist_npz(tmp_path / "absent.npz")
    assert tic.main([str(tmp_path / "absent.npz")]) == 2
    assert "no such file" in capsys.readouterr().err


def test_cli_reports_errors_on_stderr(tmp_path, arrays):
    bad = dict(arrays)
    bad.pop("train_images")
    done = run_cli(save(tmp_path / "bad.npz", bad))
    assert done.returncode == 2 and "train_images" in done.stderr and done.stdout == ""


def test_rgb_multiclass_arrays_train(arrays):
    rng = np.random.default_rng(0)
    multi = {}
    for split in ("train", "val", "test"):
        n = len(arrays[f"{split}_labels"])
        multi[f"{split}_images"] = np.repeat(arrays[f"{split}_images"][..., None], 3, axis=-1)
        multi[f"{split}_labels"] = rng.integers(0, 3, (n, 1))
    report = tic.run_on_arrays(multi, epochs=1, max_seconds=None)
    assert report["task"] == "multi-class" and report["n_classes"] == 3
    assert report["image_shape"] == [28, 28, 3] and "threshold" not in report
    assert 0.0 <= report["test_auc"] <= 1.0


def test_youden_threshold_separates():
    y = np.array([0, 0, 0, 1, 1, 1])
    scores = np.array([0.1, 0.2, 0.3, 0.6, 0.7, 0.8])
    threshold = metrics.youden_threshold(y, scores)
    assert 0.3 < threshold <= 0.6

"""The MedMNIST command line: a LeNet-style CNN trained with the suite's image recipe on any file.

Train the CNN on any MedMNIST-format ``.npz`` file (for example ``pneumoniamnist.npz``)::

    python -m helpers.train_image_classifier pneumoniamnist.npz

It prints one JSON object with ``test_auc``, ``test_accuracy`` (at an operating threshold chosen on
the validation split), ``epochs``, ``seconds`` and more. A MedMNIST-format file holds the arrays
``train_images``, ``train_labels``, ``val_images``, ``val_labels``, ``test_images`` and
``test_labels``; images are ``(n, H, W)`` grayscale or ``(n, H, W, 3)`` RGB (uint8 0-255, or floats
in [0, 1]), labels are ``(n,)`` or ``(n, 1)`` class indices 0..K-1 (binary or multi-class).

The recipe (:func:`helpers.training.train_image_classifier`; notebook 02 writes it out in a cell and
``tests/test_image_training.py`` checks the two agree), chosen to be strong on small medical images
on a CPU:

- inputs standardised with the training split's mean and standard deviation (inside the model,
  so the model takes raw [0, 1] images);
- a LeNet-style CNN (:func:`helpers.models.convolutional.build_lenet`: two 3 x 3 convolution + max-pooling stages, 16 and 32
  filters, a 64-unit dense layer, dropout 0.25); batch normalisation is available but off, because
  on small sets it made the first epochs unsteady;
- light augmentation during training only (shifts of a few pixels, small zooms and rotations);
- class weights inversely proportional to class frequency (class imbalance);
- Adam (2e-3) with a cosine-decaying learning rate, batches of 32 (the command line), at most 30
  epochs, early stopping on the validation ROC-AUC (patience 8, keeping the best epoch), and a
  wall-clock budget (100 s by default on the command line);
- for binary tasks, the operating threshold that maximises sensitivity + specificity on the
  validation split (Youden's J), which, unlike accuracy, does not depend on how common the positive
  class is, so it survives a change of prevalence between splits.

The command line turns TensorFlow's oneDNN kernels on (about 1.8x faster here; the notebooks turn
them off for bit-reproducible results) unless ``TF_ENABLE_ONEDNN_OPTS`` is already set. Everything
here imports TensorFlow/Keras lazily: importing this module is cheap.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from typing import Any

import numpy as np

from helpers.data.medmnist import (
    DEFAULT_MAX_SIZE,
    SPLITS,
    ImageFileError,
    load_medmnist_npz,
    prepare_images,
    validate_arrays,
)
from helpers.evaluation.metrics import evaluate
from helpers.training import train_image_classifier


def run_on_arrays(arrays: dict[str, np.ndarray], *, epochs: int = 30, max_seconds: float | None = 100.0,
                  seed: int = 0, max_size: int = DEFAULT_MAX_SIZE, batch_size: int = 32,
                  source: str = "the arrays") -> dict[str, Any]:
    """Validate, prepare, train and evaluate on MedMNIST-format arrays; return the report dict."""
    n_classes = validate_arrays(arrays, source=source)
    start = time.perf_counter()
    data = {}
    for split in SPLITS:
        data[f"{split}_x"] = prepare_images(arrays[f"{split}_images"], max_size=max_size)
        data[f"{split}_y"] = np.asarray(arrays[f"{split}_labels"]).reshape(-1).astype(np.int64)
    result = train_image_classifier(data["train_x"], data["train_y"], data["val_x"], data["val_y"],
                                    n_classes=n_classes, epochs=epochs, max_seconds=max_seconds,
                                    seed=seed, batch_size=batch_size)
    report: dict[str, Any] = {
        "file": source,
        "task": "binary" if n_classes == 2 else "multi-class",
        "n_classes": n_classes,
        "image_shape": list(data["train_x"].shape[1:]),
        "n_train": len(data["train_y"]), "n_val": len(data["val_y"]), "n_test": len(data["test_y"]),
        "train_class_counts": np.bincount(data["train_y"], minlength=n_classes).tolist(),
        "test_class_counts": np.bincount(data["test_y"], minlength=n_classes).tolist(),
        "model": result.model.name,
        "parameters": int(result.model.count_params()),
        "epochs": result.epochs,
        "best_epoch": result.best_epoch,
        "stopped_by_time_budget": result.stopped_by_time,
    }
    report.update({k: round(v, 4) for k, v in evaluate(result.model, data, n_classes).items()})
    report["seconds"] = round(time.perf_counter() - start, 1)
    report["training_seconds"] = round(result.seconds, 1)
    return report


def main(argv: list[str] | None = None) -> int:
    """Command line: train on a MedMNIST-format file and print one JSON object."""
    parser = argparse.ArgumentParser(
        prog="python -m helpers.train_image_classifier",
        description="Train a LeNet-style CNN on a MedMNIST-format .npz file and print one JSON "
                    "object (test_auc, test_accuracy at a threshold chosen on the validation split, "
                    "epochs, seconds, ...).")
    parser.add_argument("file", help="a .npz with train/val/test _images and _labels (e.g. pneumoniamnist.npz)")
    parser.add_argument("--epochs", type=int, default=30, help="most epochs (default 30; early stopping may end sooner)")
    parser.add_argument("--max-seconds", type=float, default=100.0,
                        help="wall-clock budget for training in seconds (default 100; 0 = none)")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    parser.add_argument("--max-size", type=int, default=DEFAULT_MAX_SIZE,
                        help=f"shrink larger images to this side in pixels (default {DEFAULT_MAX_SIZE})")
    args = parser.parse_args(argv)
    if args.epochs < 1:
        parser.error("--epochs must be at least 1")
    if args.max_size < 8:
        parser.error("--max-size must be at least 8")
    try:
        arrays = load_medmnist_npz(args.file)
    except (FileNotFoundError, ImageFileError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    import os

    # The notebooks switch oneDNN off for bit-reproducible maths; a one-off command line run is
    # about 1.8x faster with it on (results agree to about 1e-6), so it is on here unless set.
    os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "1")
    from helpers.environment import silence_libraries

    silence_libraries()
    report = run_on_arrays(arrays, epochs=args.epochs, max_seconds=args.max_seconds or None,
                           seed=args.seed, max_size=args.max_size, source=str(args.file))
    print(json.dumps(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())

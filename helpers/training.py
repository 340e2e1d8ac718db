"""Quiet Keras training: one summary line per run instead of pages of per-epoch logs."""
from __future__ import annotations

import time
from typing import Any

import numpy as np


def fit(model: Any, x: Any, y: Any, *, epochs: int, batch_size: int = 32,
        validation_data: tuple | None = None, label: str = "model", verbose: bool = True,
        **fit_kwargs: Any) -> Any:
    """Train ``model`` silently and print one line: epochs, seconds, final losses.

    Args:
        model: a compiled Keras model.
        x, y: training inputs and targets (arrays; first axis = examples).
        epochs: number of passes over the training data (an int >= 1).
        batch_size: examples per gradient step.
        validation_data: optional ``(x_val, y_val)``.
        label: name printed in the summary line.
        verbose: print the summary line.
        **fit_kwargs: passed to ``model.fit`` (``callbacks``, ``class_weight``, ...).

    Returns:
        The Keras ``History``; ``history.seconds`` holds the wall time of training in seconds.
    """
    if isinstance(epochs, bool) or not isinstance(epochs, (int, np.integer)) or epochs < 1:
        raise ValueError(f"epochs must be a positive int, got {epochs!r}")
    if len(x) != len(y):
        raise ValueError(f"x and y must have the same number of examples, got {len(x)} and {len(y)}")
    start = time.perf_counter()
    history = model.fit(x, y, epochs=int(epochs), batch_size=batch_size,
                        validation_data=validation_data, verbose=0, **fit_kwargs)
    history.seconds = time.perf_counter() - start
    if verbose:
        logs = history.history
        parts = [f"{len(logs.get('loss', []))} epochs in {history.seconds:.1f} s",
                 f"loss {logs['loss'][-1]:.3f}"]
        if "val_loss" in logs:
            parts.append(f"val_loss {logs['val_loss'][-1]:.3f}")
        print(f"{label}: " + ", ".join(parts))
    return history

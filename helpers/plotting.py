"""Plotting conventions: one colour-blind-safe palette, readable defaults, labelled axes."""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns

from helpers.validation import check_array, check_frame

#: seaborn's "colorblind" palette (Wong/Okabe-Ito-like); use these colours in this order.
PALETTE = tuple(sns.color_palette("colorblind"))


#: Consistent colours for the two outcome classes across notebooks.
CLASS_COLORS = {"negative": PALETTE[0], "positive": PALETTE[3]}


#: A perceptually uniform, colour-blind-safe map for images and heat maps.
SEQUENTIAL_CMAP = "viridis"


#: A diverging map centred on zero (weights, attributions).
DIVERGING_CMAP = "vlag"


def use_style() -> None:
    """Apply the suite's plotting style (idempotent)."""
    sns.set_theme(context="notebook", style="whitegrid", palette=list(PALETTE))
    plt.rcParams.update({
        "figure.figsize": (7.0, 4.0),
        "figure.dpi": 90,
        "axes.titleweight": "bold",
        "axes.titlesize": 11,
        "image.cmap": SEQUENTIAL_CMAP,
        "figure.max_open_warning": 0,
    })


def label(ax: plt.Axes, title: str, xlabel: str, ylabel: str) -> plt.Axes:
    """Set a title that says what to notice, and axis labels with units; returns ``ax``."""
    ax.set_title(title)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    return ax


def show_image(ax: plt.Axes, image, title: str = "", cmap: str = "gray") -> plt.Axes:
    """Show a 2-D image (H, W) or (H, W, 1) without ticks; returns ``ax``."""
    import numpy as np

    array = np.asarray(image)
    if array.ndim == 3 and array.shape[-1] == 1:
        array = array[..., 0]
    if array.ndim not in (2, 3):
        raise ValueError(f"image must have shape (H, W), (H, W, 1) or (H, W, 3), got {array.shape}")
    ax.imshow(array, cmap=cmap)
    ax.set_title(title)
    ax.set_xticks([])
    ax.set_yticks([])
    ax.grid(False)
    return ax


def plot_learning_curves(curve: pd.DataFrame, ax: Any = None, *, ceiling: float | None = None,
                         title: str = "", unit: str = "patients") -> Any:
    """Mean test ROC-AUC against training-set size (log scale), shaded +/- one standard deviation.

    ``curve`` comes from :func:`learning_curve`; ``ceiling`` draws the best achievable ROC-AUC as a
    dotted line; ``unit`` names the x axis (``"patients"``, ``"images"``). Returns the axes.
    """
    import matplotlib.pyplot as plt
    import seaborn as sns


    if not isinstance(curve, pd.DataFrame) or not {"model", "n_train", "auc"} <= set(curve.columns):
        raise TypeError("curve must be the DataFrame returned by learning_curve")
    if ax is None:
        _, ax = plt.subplots(figsize=(7, 4))
    names = list(dict.fromkeys(curve["model"]))
    sns.lineplot(data=curve, x="n_train", y="auc", hue="model", hue_order=names, style="model",
                 markers=True, dashes=False, errorbar="sd", palette=list(PALETTE[:len(names)]), ax=ax)
    if ceiling is not None:
        ax.axhline(ceiling, color="grey", ls=":", lw=1.5, label="best possible (true risk)")
    ax.set_xscale("log")
    sizes = sorted(set(curve["n_train"]))
    ax.set_xticks(sizes, [f"{s:,}" for s in sizes])
    ax.minorticks_off()
    ax.set_xlabel(f"training-set size ({unit}, log scale)")
    ax.set_ylabel("test ROC-AUC (mean +/- 1 sd over draws)")
    ax.set_title(title)
    ax.legend(loc="lower right")
    return ax


def plot_metrics_by_group(table: pd.DataFrame, metrics: Sequence[str], ax, title: str):
    """Grouped bars: one cluster per metric, one bar per row of ``table`` (e.g. per group)."""

    check_frame("table", table, metrics)
    width = 0.8 / len(table)
    positions = np.arange(len(metrics))
    for index, (name, row) in enumerate(table.iterrows()):
        values = row[list(metrics)].to_numpy(dtype=float)
        bars = ax.bar(positions + (index - (len(table) - 1) / 2) * width, values, width,
                      color=PALETTE[index % len(PALETTE)], label=str(name))
        ax.bar_label(bars, fmt="%.2f", fontsize=8, padding=1)
    ax.set_xticks(positions, [m.replace("_", " ") for m in metrics])
    ax.set_ylim(0, 1.1)
    ax.legend(title=table.index.name, fontsize=8)
    return label(ax, title, "", "value (fraction, 0-1)")


def plot_calibration(cal: pd.DataFrame, ax, title: str, what: str = "event"):
    """Reliability diagram from :func:`calibration_table`: observed rate against mean predicted risk."""

    check_frame("cal", cal, ("group", "mean_risk", "observed_rate"))
    ax.plot([0, 1], [0, 1], ls="--", color="grey", lw=1, label="perfect calibration")
    for index, (name, part) in enumerate(cal.groupby("group")):
        ax.plot(part["mean_risk"], part["observed_rate"], marker="o", color=PALETTE[index], label=f"group {name}")
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.legend(fontsize=8)
    return label(ax, title, "predicted risk (mean in bin)", f"observed {what} rate in bin")


def show_explanation(ax: Any, image: Any, heatmap: Any, *, mask: Any = None, title: str = "",
                     alpha: float = 0.55, cmap: str = "magma") -> Any:
    """Draw a grey image, its heat map on top, and the true region's outline; returns ``ax``.

    Args:
        ax: a matplotlib Axes.
        image: array (H, W) or (H, W, 1), intensities.
        heatmap: array (H, W), attributions (shown from 0 to their maximum).
        mask: optional bool array (H, W): outlined in white (the ground truth).
        title: what to notice.
    """
    picture = np.asarray(image)
    if picture.ndim == 3 and picture.shape[-1] == 1:
        picture = picture[..., 0]
    heat = check_array("heatmap", heatmap, 2)
    if picture.shape != heat.shape:
        raise ValueError(f"image {picture.shape} and heatmap {heat.shape} must have the same size")
    ax.imshow(picture, cmap="gray", vmin=0, vmax=1)
    ax.imshow(heat, cmap=cmap, alpha=alpha, vmin=0, vmax=max(float(heat.max()), 1e-12))
    if mask is not None:
        outline = check_array("mask", mask, 2).astype(float)
        if outline.any():
            ax.contour(outline, levels=[0.5], colors="white", linewidths=1.0)
    ax.set_title(title)
    ax.set_xticks([])
    ax.set_yticks([])
    ax.grid(False)
    return ax

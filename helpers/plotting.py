"""Plotting conventions: one colour-blind-safe palette, readable defaults, labelled axes."""
from __future__ import annotations

import matplotlib.pyplot as plt
import seaborn as sns

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

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

    def sd_band(aucs):  # mean +/- 1 sd, clipped at 1 (no ROC-AUC exceeds it)
        return aucs.mean() - aucs.std(), min(1.0, aucs.mean() + aucs.std())

    sns.lineplot(data=curve, x="n_train", y="auc", hue="model", hue_order=names, style="model",
                 markers=True, dashes=False, errorbar=sd_band, palette=list(PALETTE[:len(names)]), ax=ax)
    if ceiling is not None:
        ax.axhline(ceiling, color="grey", ls=":", lw=1.5, label="best possible (true risk)")
    ax.set_xscale("log")
    sizes = sorted(set(curve["n_train"]))
    ax.set_xticks(sizes, [f"{s:,}" for s in sizes])
    ax.minorticks_off()
    ax.set_xlabel(f"training-set size ({unit}, log scale)")
    ax.set_ylabel("test ROC-AUC (mean +/- 1 sd over draws)")
    ax.set_title(title)
    ax.set_ylim(top=min(ax.get_ylim()[1], 1.01))  # a point at 1.0 stays clear of the top spine
    ax.legend(loc="lower right")
    return ax


#: Hatches and markers that tell the groups (rows) apart besides their colour.
GROUP_HATCHES = ("", "//", "..", "xx")
GROUP_MARKERS = ("o", "s", "^", "D")

#: How metric columns (``MetricFrame`` names) are written on figures.
METRIC_NAMES = {"ppv": "PPV", "roc_auc": "ROC-AUC", "false_positive_rate": "false-positive rate",
                "true_positive_rate": "true-positive rate", "calibration_gap": "calibration gap"}


def metric_name(metric: str) -> str:
    """The name of a metric column as a reader expects it (``"roc_auc"`` -> ``"ROC-AUC"``)."""
    return METRIC_NAMES.get(metric, metric.replace("_", " "))


def plot_metrics_by_group(table: pd.DataFrame, metrics: Sequence[str], axes, title: str):
    """One small bar panel per metric (one quantity per axis), one bar per row of ``table`` (e.g. per group).

    Args:
        table: one row per group (e.g. ``MetricFrame.by_group``), with the ``metrics`` as columns
            holding fractions (0-1).
        metrics: the columns to draw, one panel each.
        axes: one matplotlib Axes per metric (a single Axes for a single metric).
        title: what to notice; written above the panels (on their figure or subfigure).

    Returns:
        The array of Axes. Each bar shows its value; groups differ in colour and hatch.
    """
    check_frame("table", table, metrics)
    axes = np.atleast_1d(axes).ravel()
    if len(axes) != len(metrics):
        raise ValueError(f"axes must hold one Axes per metric ({len(metrics)}), got {len(axes)}")
    names = [str(name) for name in table.index]
    for ax, metric in zip(axes, metrics):
        bars = ax.bar(names, table[metric].to_numpy(dtype=float), width=0.7,
                      color=[PALETTE[i % len(PALETTE)] for i in range(len(names))],
                      hatch=[GROUP_HATCHES[i % len(GROUP_HATCHES)] for i in range(len(names))])
        ax.bar_label(bars, fmt="%.2f", fontsize=8, padding=1)
        ax.set_ylim(0, 1.1)
        label(ax, metric_name(metric), table.index.name or "", f"{metric_name(metric)} (0-1)")
    axes[0].get_figure().suptitle(title, fontweight="bold", fontsize=11)
    return axes


def plot_strategy_comparison(comparison: pd.DataFrame, axes, titles: Sequence[str]):
    """Three dot-plot panels, one row per strategy: sensitivity and false-positive rate per group, accuracy.

    Args:
        comparison: the table of :func:`helpers.evaluation.subgroups.compare_decisions`.
        axes: three matplotlib Axes sharing their y axis (the strategies).
        titles: three titles, each saying what to notice in its panel.

    Each panel's x axis spans its own data, so differences of a few points stay visible; the values
    are dots (labelled with their value), not bars, whose length would suggest a distance from 0.
    """
    from matplotlib.ticker import MaxNLocator

    check_frame("comparison", comparison, ("sensitivity_A", "sensitivity_B", "false_positive_rate_A",
                                           "false_positive_rate_B", "accuracy"))
    axes = np.atleast_1d(axes).ravel()
    if len(axes) != 3 or len(titles) != 3:
        raise ValueError("axes and titles must each hold three entries")
    strategies = list(comparison.index)[::-1]  # the first strategy on top
    rows = np.arange(len(strategies))
    by_group = [(f"{{}}_{group}", f"group {group}", PALETTE[i], GROUP_MARKERS[i], offset)
                for i, (group, offset) in enumerate([("A", 0.2), ("B", -0.2)])]
    panels = [("sensitivity", by_group, "%.2f"), ("false_positive_rate", by_group, "%.2f"),
              ("accuracy", [("{}", "all patients", PALETTE[2], "D", 0.0)], "%.3f")]
    for ax, (metric, series, fmt), title in zip(axes, panels, titles):
        shown = []
        for column, name, colour, marker, offset in series:
            values = comparison.loc[strategies, column.format(metric)].to_numpy(dtype=float)
            ax.scatter(values, rows + offset, s=45, color=colour, marker=marker, label=name, zorder=3)
            for value, row in zip(values, rows + offset):
                ax.annotate(fmt % value, (value, row), xytext=(6, 0), textcoords="offset points",
                            va="center", fontsize=8)
            shown.append(values)
        low, high = float(np.min(shown)), float(np.max(shown))
        span = max(high - low, 0.02)
        ax.set_xlim(low - 0.15 * span, high + 0.4 * span)  # room on the right for the value labels
        ax.xaxis.set_major_locator(MaxNLocator(4))
        label(ax, title, f"{metric_name(metric) if metric != 'accuracy' else 'overall accuracy'} "
              "\n(axis zoomed to the data, not from 0)", "")
    axes[0].set_yticks(rows, strategies)
    axes[0].set_ylim(-0.6, len(strategies) - 0.4)
    axes[0].legend(fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.36), ncol=2)
    return axes



def plot_calibration(cal: pd.DataFrame, ax, title: str, what: str = "event", *,
                     series: str = "group {}", legend_loc: str = "lower right"):
    """Reliability diagram from :func:`calibration_table`: observed rate against mean predicted risk.

    One line per value of the table's ``group`` column, labelled ``series.format(value)`` (so
    ``series="{}"`` shows the values as they are, e.g. model or hospital names).
    """

    check_frame("cal", cal, ("group", "mean_risk", "observed_rate"))
    if "{}" not in series:
        raise ValueError(f"series: expected a label pattern containing '{{}}' for the group's name, got {series!r}")
    ax.plot([0, 1], [0, 1], ls="--", color="grey", lw=1, label="perfect calibration")
    for index, (name, part) in enumerate(cal.groupby("group")):
        ax.plot(part["mean_risk"], part["observed_rate"], marker=GROUP_MARKERS[index % len(GROUP_MARKERS)],
                color=PALETTE[index % len(PALETTE)], label=series.format(name))
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.legend(fontsize=8, loc=legend_loc)
    return label(ax, title, "predicted risk (mean in bin)", f"observed {what} rate in bin")


def show_explanation(ax: Any, image: Any, heatmap: Any, *, mask: Any = None, title: str = "",
                     alpha: float = 0.55, cmap: str = "magma") -> Any:
    """Draw a grey image, its heat map on top, and the true region's outline; returns ``ax``.

    Args:
        ax: a matplotlib Axes.
        image: array (H, W) or (H, W, 1), intensities.
        heatmap: array (H, W), attributions. Drawn as a share of the map's own maximum (0 to 1;
            negative values show as 0), so one colour bar, ``fig.colorbar(ax.images[-1], ...)``,
            describes every panel drawn this way.
        mask: optional bool array (H, W): outlined in white (the ground truth).
        title: what to notice.
    """
    picture = np.asarray(image)
    if picture.ndim == 3 and picture.shape[-1] == 1:
        picture = picture[..., 0]
    heat = check_array("heatmap", heatmap, 2).astype(float)
    if picture.shape != heat.shape:
        raise ValueError(f"image {picture.shape} and heatmap {heat.shape} must have the same size")
    ax.imshow(picture, cmap="gray", vmin=0, vmax=1)
    ax.imshow(heat / max(float(heat.max()), 1e-12), cmap=cmap, alpha=alpha, vmin=0, vmax=1)
    if mask is not None:
        outline = check_array("mask", mask, 2).astype(float)
        if outline.any():
            ax.contour(outline, levels=[0.5], colors="white", linewidths=1.0)
    ax.set_title(title)
    ax.set_xticks([])
    ax.set_yticks([])
    ax.grid(False)
    return ax


def draw_lstm_cell(ax: Any = None) -> Any:
    """Draw a diagram of one LSTM step on ``ax`` (a new 9 x 4.2 inch figure if ``None``); returns ``ax``.

    The cell state runs along the top (``c_t = f_t * c_{t-1} + i_t * c~_t``), the four blocks computed
    from ``[x_t, h_{t-1}]`` (input gate i, forget gate f, candidate c~, output gate o) sit below it,
    and the output is ``h_t = o_t * tanh(c_t)``.
    """
    from matplotlib.patches import Circle, FancyBboxPatch

    if ax is None:
        ax = plt.subplots(figsize=(9, 4.2))[1]
    ax.set_xlim(-0.6, 10.6)
    ax.set_ylim(-1.0, 4.3)
    ax.set_aspect("equal")
    ax.axis("off")
    arrow = dict(arrowstyle="-|>", color="black", lw=1.4, shrinkA=0, shrinkB=0)
    line = dict(arrowstyle="-", color="black", lw=1.4, shrinkA=0, shrinkB=0)

    def connect(start, end, head=True):
        ax.annotate("", end, start, arrowprops=arrow if head else line)

    ax.add_patch(FancyBboxPatch((0.6, -0.2), 8.6, 4.0, boxstyle="round,pad=0.05,rounding_size=0.3",
                                facecolor="0.95", edgecolor="0.6", lw=1))
    top, mid, gate_y, bus = 3.2, 2.25, 1.25, 0.3

    def operator(x, y, symbol):
        ax.add_patch(Circle((x, y), 0.24, facecolor="white", edgecolor="black", lw=1.4, zorder=3))
        ax.text(x, y, symbol, ha="center", va="center", fontsize=13, zorder=4)

    def box(x, y, text, colour, name):
        ax.add_patch(FancyBboxPatch((x - 0.42, y - 0.25), 0.84, 0.5, boxstyle="round,pad=0.02",
                                    facecolor=colour, edgecolor="black", lw=1.2, zorder=3))
        ax.text(x, y, text, ha="center", va="center", fontsize=11, zorder=4)
        if name:
            ax.text(x + 0.5, y - 0.35, name, ha="left", va="top", fontsize=9, color="0.15")

    # cell state: the additive "conveyor belt" along the top
    x_forget, x_input, x_cand, x_out, x_tanh = 2.2, 3.7, 5.0, 6.6, 8.0
    connect((-0.4, top), (x_forget - 0.24, top), head=True)
    connect((x_forget + 0.24, top), (x_cand - 0.24, top))
    connect((x_cand + 0.24, top), (10.4, top))
    operator(x_forget, top, r"$\times$")
    operator(x_cand, top, "+")
    ax.text(3.6, top + 0.3, "cell state: the memory, changed only by $\\times$ and $+$", ha="center", va="bottom",
            fontsize=9, color="0.25")
    ax.text(-0.4, top + 0.25, r"$c_{t-1}$", fontsize=12, ha="left")
    ax.text(10.4, top + 0.25, r"$c_t$", fontsize=12, ha="right")
    # gates from [x_t, h_{t-1}]
    for x, text, colour, name in ((x_forget, r"$\sigma$", PALETTE[2], r"forget $f_t$"),
                                  (x_input, r"$\sigma$", PALETTE[0], r"input $i_t$"),
                                  (x_cand, r"$\tanh$", PALETTE[1], r"candidate $\tilde c_t$"),
                                  (x_out, r"$\sigma$", PALETTE[4], r"output $o_t$")):
        box(x, gate_y, text, colour, "")
        connect((x, bus), (x, gate_y - 0.25))
    for x, name in ((x_forget, r"forget $f_t$"), (x_input, r"input $i_t$"), (x_cand, r"candidate $\tilde c_t$"),
                    (x_out, r"output $o_t$")):
        ax.text(x + 0.08, gate_y - 0.4, name, ha="left", va="top", fontsize=8.5)
    # forget gate multiplies the old memory
    connect((x_forget, gate_y + 0.25), (x_forget, top - 0.24))
    # input gate times candidate is added
    operator(x_cand, mid, r"$\times$")
    connect((x_cand, gate_y + 0.25), (x_cand, mid - 0.24))
    ax.annotate("", (x_cand - 0.24, mid), (x_input, gate_y + 0.25),
                arrowprops=dict(arrow, connectionstyle="angle,angleA=90,angleB=0,rad=0"))
    connect((x_cand, mid + 0.24), (x_cand, top - 0.24))
    # output: h_t = o_t * tanh(c_t)
    box(x_tanh, mid, r"$\tanh$", "white", "")
    connect((x_tanh, top), (x_tanh, mid + 0.25))
    operator(x_tanh, gate_y, r"$\times$")
    connect((x_tanh, mid - 0.25), (x_tanh, gate_y + 0.24))
    connect((x_out + 0.42, gate_y), (x_tanh - 0.24, gate_y))
    connect((x_tanh + 0.24, gate_y), (10.4, gate_y))
    ax.text(10.4, gate_y + 0.2, r"$h_t$", fontsize=12, ha="right")
    # input bus
    ax.annotate("", (x_out, bus), (-0.4, bus), arrowprops=line)
    ax.text(-0.4, bus + 0.15, r"$h_{t-1}$", fontsize=12, ha="left")
    connect((1.2, -0.9), (1.2, bus))
    ax.text(1.35, -0.85, r"$x_t$", fontsize=12, ha="left", va="bottom")
    ax.text(5.2, -0.75, r"each gate: $\sigma$ or $\tanh$ of $x_t W + h_{t-1} U + b$, its own $W, U, b$",
            fontsize=9, ha="center", color="0.25")
    return ax

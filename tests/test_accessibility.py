"""Accessibility rules that can be checked without running anything.

- Headings in order: one H1 (the title), and no heading more than one level deeper than the last,
  so a screen reader's outline of each notebook makes sense.
- Colour: colour-blind-safe colour maps only (perceptually uniform sequential maps, and diverging
  maps without a red-green axis), named colours only for neutral greys, black and white; series
  colours come from `helpers.plotting.PALETTE` (seaborn's colour-blind palette).
- Figures: every cell that draws with pyplot calls `plt.show()`, so the figure appears in that cell,
  where the prose explains it.
Titles and axis labels are checked by reviewers; units cannot be checked by a machine.
"""
from __future__ import annotations

import re

import nbformat
import pytest
import seaborn as sns

from helpers import plotting
from tests.notebook_utils import ROOT, notebook_paths

NOTEBOOKS = notebook_paths()
#: Colour maps that stay readable with the common colour-vision deficiencies and in greyscale.
SAFE_CMAPS = {"viridis", "cividis", "magma", "inferno", "plasma", "gray", "grey", "Greys", "gray_r", "Greys_r",
              "Blues", "Purples", "Oranges", "RdBu", "RdBu_r", "PuOr", "PuOr_r", "BrBG", "BrBG_r", "vlag",
              "icefire", "mako", "rocket", "crest", "flare", "bwr"}
NEUTRAL_COLOURS = {"grey", "gray", "black", "white", "none", "k", "w", "lightgrey", "lightgray", "darkgrey",
                   "darkgray", "dimgray", "dimgrey", "silver"}
_CMAP = re.compile(r"cmap\s*=\s*(['\"])([A-Za-z_]+)\1")
_COLOUR = re.compile(r"\b(?:color|colour|c|facecolor|edgecolor)\s*=\s*(['\"])([A-Za-z]+)\1")


def _sources():
    for path in NOTEBOOKS:
        for index, cell in enumerate(nbformat.read(path, as_version=4).cells):
            yield path.name, index, cell
    for path in sorted((ROOT / "helpers").rglob("*.py")):
        yield str(path.relative_to(ROOT)), 0, nbformat.v4.new_code_cell(path.read_text(encoding="utf-8"))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_headings_are_in_order(path):
    levels = []
    for cell in nbformat.read(path, as_version=4).cells:
        if cell.cell_type == "markdown":
            in_code = False
            for line in cell.source.splitlines():
                in_code ^= line.startswith("```")
                match = re.match(r"^(#{1,6})\s", line)
                if match and not in_code:
                    levels.append((len(match.group(1)), line.strip()))
    assert levels and levels[0][0] == 1, f"{path.name}: the first heading must be the H1 title"
    assert [level for level, _ in levels].count(1) == 1, f"{path.name}: only the title is an H1"
    for (before, _), (level, text) in zip(levels, levels[1:]):
        assert level <= before + 1, f"{path.name}: '{text}' skips a heading level (after an H{before})"


def test_colour_maps_and_named_colours_are_colour_blind_safe():
    problems = []
    for name, index, cell in _sources():
        if cell.cell_type != "code":
            continue
        problems += [f"{name} cell {index}: cmap {m[1]!r}" for m in _CMAP.findall(cell.source) if m[1] not in SAFE_CMAPS]
        problems += [f"{name} cell {index}: colour {m[1]!r} (use helpers.plotting.PALETTE)"
                     for m in _COLOUR.findall(cell.source) if m[1].lower() not in NEUTRAL_COLOURS]
    assert not problems, "not colour-blind safe:\n" + "\n".join(problems)
    assert plotting.SEQUENTIAL_CMAP in SAFE_CMAPS and plotting.DIVERGING_CMAP in SAFE_CMAPS


def test_the_palette_is_seaborns_colour_blind_palette():
    assert list(plotting.PALETTE) == list(sns.color_palette("colorblind"))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_plotting_cells_show_their_figure(path):
    for index, cell in enumerate(nbformat.read(path, as_version=4).cells):
        draws = cell.cell_type == "code" and re.search(r"\bplt\.(subplots|figure)\(", cell.source)
        if draws and not re.search(r"^def ", cell.source, re.M):   # a plotting function is shown where it is called
            assert "plt.show()" in cell.source, f"{path.name} cell {index}: show the figure with plt.show()"

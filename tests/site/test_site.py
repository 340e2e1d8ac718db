"""Checks of the built course site (run by `python3 tasks.py site` after it builds; not by the main suite).

Every notebook built has a page, with as many figures as the notebook shows, each with alt text,
and the page links to its Colab and Binder launch.
"""
from __future__ import annotations

import os
import re

import nbformat
import pytest

from helpers import course
from scripts.site import HTML

WANTED = [n for n in os.environ.get("DL4H_SITE_NOTEBOOKS", "").split(",") if n]
ITEMS = [item for item in course.notebooks() if not WANTED or item.number in WANTED]


def _figures_shown(path) -> int:
    """How many code cells of the notebook show a figure (call plt.show() outside a function)."""
    cells = nbformat.read(path, as_version=4).cells
    return sum(cell.cell_type == "code" and "plt.show()" in cell.source and not re.search(r"^def ", cell.source, re.M)
               for cell in cells)


def test_the_site_has_a_front_page_and_the_guide():
    assert (HTML / "index.html").is_file() or (HTML / "build" / "site-src" / "intro.html").is_file()
    assert (HTML / "docs" / "instructor-guide.html").is_file()


@pytest.mark.parametrize("item", ITEMS, ids=[item.number for item in ITEMS])
def test_each_notebook_has_a_page_with_its_figures_and_launch_links(item):
    page = HTML / "notebooks" / f"{item.path.stem}.html"
    assert page.is_file(), f"no page for {item.file}"
    text = page.read_text(encoding="utf-8")
    images = re.findall(r'<img[^>]*src="[^"]*_images/[^"]*"[^>]*>', text)
    assert len(images) >= _figures_shown(item.path), f"{item.file}: {len(images)} figures on the page"
    for tag in images:
        alt = re.search(r'alt="([^"]*)"', tag)
        assert alt and len(alt.group(1)) > 20, f"{item.file}: a figure without alt text: {tag[:120]}"
    assert "colab.research.google.com" in text and "mybinder.org" in text, f"{item.file}: launch links missing"
    assert 'class="output traceback' not in text and "Traceback (most recent call last)" not in text

"""A real browser: JupyterLab on loopback, notebooks run from its menu in headless Chromium.

The welcome notebook and the heaviest one with a widget (07) are opened in JupyterLab, in the
student release (so nothing in the repository is written), and run with **Run > Run All Cells**, as a
student would. Every code cell must finish with no error output, and the widget must render; a
screenshot of each is saved in `build/browser/` (shown in the test log). The browser is Debian's
`chromium` (`.ci/run` installs it), driven by Playwright's Python package with the browser's path
given, so that nothing downloads a browser. Kernels have the network blocked, as everywhere in the tests.
"""
from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request

import nbformat
import pytest

from tests.notebook_utils import ROOT

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
SCREENSHOTS = ROOT / "build" / "browser"
NOTEBOOKS = [("00_welcome.ipynb", False, 180), ("07_interpretability.ipynb", True, 600)]

pytestmark = pytest.mark.skipif(not os.path.exists(CHROMIUM),
                                reason="Debian's chromium is not installed (.ci/run installs it: apt-get install chromium)")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """JupyterLab serving a student copy of its own on loopback (it saves what it runs); yields URL and token."""
    from scripts.release import write_student_release

    student_release = tmp_path_factory.mktemp("browser") / "course"
    write_student_release(student_release)
    port, token = _free_port(), secrets.token_hex(16)
    # Render every cell (JupyterLab 4 draws only the visible ones by default) and ask for no news.
    settings = tmp_path_factory.mktemp("lab-settings")
    for extension, name, value in [("notebook-extension", "tracker", {"windowingMode": "none"}),
                                   ("apputils-extension", "notification", {"fetchNews": "false"})]:
        (settings / "@jupyterlab" / extension).mkdir(parents=True)
        (settings / "@jupyterlab" / extension / f"{name}.jupyterlab-settings").write_text(json.dumps(value))
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    log = open(SCREENSHOTS / "jupyterlab.log", "w")
    server = subprocess.Popen(
        [sys.executable, "-m", "jupyterlab", "--no-browser", "--ip=127.0.0.1", f"--port={port}",
         f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={student_release}",
         f"--LabApp.user_settings_dir={settings}", "--LabApp.news_url=", "--LabApp.check_for_updates_class="
         "jupyterlab.NeverCheckForUpdate", "--LabApp.extension_manager=readonly",
         *(["--allow-root"] if hasattr(os, "geteuid") and os.geteuid() == 0 else [])],
        cwd=student_release, stdout=log, stderr=subprocess.STDOUT, env={**os.environ})
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while True:
        try:
            urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=2)
            break
        except OSError:
            if time.monotonic() > deadline or server.poll() is not None:
                server.kill()
                pytest.fail("JupyterLab did not start on loopback within 120 s")
            time.sleep(0.5)
    yield base, token
    server.terminate()
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        server.kill()


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True,
            args=["--no-sandbox", "--disable-background-networking", "--disable-component-update",
                  "--disable-default-apps", "--disable-sync", "--no-first-run", "--disable-gpu"])
        yield chromium
        chromium.close()


@pytest.mark.parametrize("name,widget,limit", NOTEBOOKS, ids=[n for n, _, _ in NOTEBOOKS])
def test_notebook_runs_in_jupyterlab_in_a_real_browser(lab, browser, name, widget, limit):
    base, token = lab
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    # A workspace of its own, reset: only this notebook is open.
    page.goto(f"{base}/lab/workspaces/{name.removesuffix('.ipynb')}/tree/notebooks/{name}?reset&token={token}",
              timeout=120_000)
    page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=120_000)
    page.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status='idle']", timeout=120_000)  # kernel ready
    code_cells = sum(c.cell_type == "code" for c in nbformat.read(ROOT / "notebooks" / name, as_version=4).cells)
    page.wait_for_function(f"() => document.querySelectorAll('.jp-Notebook .jp-CodeCell').length === {code_cells}",
                           timeout=120_000)     # every cell drawn
    page.wait_for_selector(".jp-StatusBar-TextItem:has-text('Idle')", timeout=120_000)
    started_js = """() => [...document.querySelectorAll('.jp-Notebook .jp-CodeCell .jp-InputPrompt')]
        .some(p => /\\[(\\d+|\\*)\\]/.test(p.textContent))"""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    for attempt in range(3):    # the first click can come before the kernel connection is complete
        page.get_by_role("menuitem", name="Run", exact=True).click()
        page.locator("li[data-command='runmenu:run-all']").click()            # Run > Run All Cells
        try:
            page.wait_for_function(started_js, timeout=30_000)
            break
        except PlaywrightTimeout:
            page.keyboard.press("Escape")
    else:
        pytest.fail(f"{name}: Run All Cells did not start the kernel in the browser")
    started = time.monotonic()
    # Done when every code cell shows an execution count and none is queued or running ("[*]").
    done_js = """() => {
        const prompts = [...document.querySelectorAll('.jp-Notebook .jp-CodeCell .jp-InputPrompt')];
        return prompts.length === %d && prompts.every(p => /\\[\\d+\\]/.test(p.textContent));
    }""" % code_cells
    shot = SCREENSHOTS / f"{name.removesuffix('.ipynb')}.png"
    try:
        page.wait_for_function(done_js, timeout=limit * 1000)
    except PlaywrightTimeout:
        page.screenshot(path=str(shot), full_page=False)
        pytest.fail(f"{name}: not every cell ran within {limit} s in the browser (it stops at an error); see {shot}")
    elapsed = time.monotonic() - started
    page.screenshot(path=str(shot), full_page=False)
    outputs = page.locator(".jp-OutputArea-output").evaluate_all("els => els.map(e => e.textContent)")
    errors = [text[:300] for text in outputs if "Traceback (most recent call last)" in text
              or re.search(r"^\w*(Error|Exception)\b.*$", text, re.M) and "Error" in text.split("\n")[0]]
    print(f"{name}: {code_cells} code cells ran in {elapsed:.0f} s in Chromium; screenshot {shot}")
    assert code_cells > 5
    assert not errors, f"{name}: error output in the browser: {errors}"
    if widget:
        page.locator(".jupyter-widgets.widget-slider, .widget-hslider").first.scroll_into_view_if_needed()
        assert page.locator(".widget-hslider, .jupyter-widgets.widget-slider").count() >= 1, \
            f"{name}: the slider widget did not render"
    page.close()

"""Build the course site: every notebook executed, offline, into a browsable Jupyter Book (instructors).

    python3 tasks.py site                    # install requirements-site.txt (first use), build, check
    python3 tasks.py site --only 00,05       # a quick build of some notebooks
    # the site is build/site/_build/html/index.html (open it in a browser; it works from disk)

Jupyter Book 1 (Sphinx) is used: Jupyter Book 2 builds through the MyST engine, which fetches its
theme from api.mystmd.org at build time and so cannot build offline (checked with 2.1.7).

The book's pages are the README-derived front page, each notebook of the index in order (executed
during the build, with the network blocked for the build and its kernels alike), and the
instructor guide. Each notebook page has Colab and Binder launch buttons. Figures get alt text: the
heading of the section they appear in and the first sentence of the prose after them, where the
notebook explains the figure. After building, the checks in tests/site/test_site.py run: every notebook
has a page, with as many figures as its plotting cells draw, each with alt text, and launch links.
"""
from __future__ import annotations

import argparse
import html
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from helpers import REPO_SLUG, course  # noqa: E402
from scripts.offline import GUARD, kernel_env, kernel_profile  # noqa: E402

SOURCE = ROOT / "build" / "site-src"        # generated config, table of contents and front page
OUTPUT = ROOT / "build" / "site"            # jupyter-book's --path-output
HTML = OUTPUT / "_build" / "html"


def config_text() -> str:
    """Jupyter Book's _config.yml: execute every notebook, fail on errors, launch buttons, no downloads."""
    return f"""title: Deep learning for healthcare, hands-on
author: the dl4health contributors
only_build_toc_files: true
exclude_patterns: [".venv/*", ".venv-colab/*", "build/site/*", "tests/*", "helpers/*", "scripts/*", "datasets/*", "binder/*"]
execute:
  execute_notebooks: force
  timeout: 900
  allow_errors: false
  run_in_temp: false
repository:
  url: https://github.com/{REPO_SLUG}
  branch: main
  path_to_book: ""
launch_buttons:
  notebook_interface: jupyterlab
  binderhub_url: https://mybinder.org
  colab_url: https://colab.research.google.com
html:
  use_repository_button: true
  use_issues_button: false
sphinx:
  config:
    html_show_copyright: false
    suppress_warnings: ["myst.header"]
"""


def toc_text(numbers: list[str] | None) -> str:
    """_toc.yml: the front page, the notebooks of the index (or those in ``numbers``), the guide."""
    lines = ["format: jb-book", "root: build/site-src/intro", "parts:", "  - caption: Notebooks", "    chapters:"]
    for item in course.notebooks():
        if numbers is None or item.number in numbers:
            lines.append(f"      - file: notebooks/{item.path.stem}")
    lines += ["  - caption: For instructors", "    chapters:", "      - file: docs/instructor-guide"]
    return "\n".join(lines) + "\n"


def intro_text() -> str:
    """The front page: the README's opening, and its notebook table with links to the site's pages."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    opening = readme.split("## Notebooks", 1)[0]
    opening = re.sub(r"^\[!\[Open in Colab.*\n\[!\[Launch on Binder.*\n", "", opening, flags=re.M)
    table = readme.split("<!-- notebooks:start -->", 1)[1].split("<!-- notebooks:end -->", 1)[0]
    table = re.sub(r"\]\(notebooks/([0-9a-z_]+)\.ipynb\)", r"](../../notebooks/\1.ipynb)", table)
    return opening.strip() + "\n\n## Notebooks\n" + table.rstrip() + "\n"


def add_alt_text(page: Path) -> int:
    """Give every output figure of a built page alt text; return how many figures it has."""
    text = page.read_text(encoding="utf-8")
    count = 0

    def heading_before(position: int) -> str:
        found = re.findall(r"<h[1-4][^>]*>(.*?)</h[1-4]>", text[:position], re.S)
        return re.sub(r"<[^>]+>|#|¶", "", found[-1]).strip() if found else "this notebook"

    def sentence_after(position: int) -> str:
        paragraph = re.search(r"<p>(.*?)</p>", text[position:], re.S)
        words = re.sub(r"<[^>]+>", "", paragraph.group(1)) if paragraph else ""
        first = re.split(r"(?<=[.!?])\s", " ".join(words.split()), maxsplit=1)[0]
        return html.unescape(first)[:300]

    def replace(match: re.Match) -> str:
        nonlocal count
        count += 1
        alt = f"Figure in the section '{html.unescape(heading_before(match.start()))}'. {sentence_after(match.end())}"
        tag = re.sub(r'\salt="[^"]*"', "", match.group(0))
        return tag.replace("<img", f'<img alt="{html.escape(alt.strip(), quote=True)}"', 1)

    text = re.sub(r'<img[^>]*src="[^"]*_images/[^"]*"[^>]*>', replace, text)
    page.write_text(text, encoding="utf-8")
    return count


def _offline_env(scratch: Path) -> dict[str, str]:
    """Environment for the build: the test suite's network guard in the build and in every kernel."""
    (scratch / "sitecustomize.py").write_text(GUARD.read_text(encoding="utf-8"), encoding="utf-8")
    return kernel_env(kernel_profile(scratch / "ipython"), PYTHONPATH=os.pathsep.join([str(scratch), str(ROOT)]))


def build(numbers: list[str] | None = None) -> Path:
    """Write the book's sources, build it offline, add alt text; return the HTML folder."""
    SOURCE.mkdir(parents=True, exist_ok=True)
    (SOURCE / "_config.yml").write_text(config_text(), encoding="utf-8")
    (SOURCE / "_toc.yml").write_text(toc_text(numbers), encoding="utf-8")
    (SOURCE / "intro.md").write_text(intro_text(), encoding="utf-8")
    if OUTPUT.exists():
        shutil.rmtree(OUTPUT)
    jupyter_book = Path(sys.executable).with_name("jupyter-book")
    with tempfile.TemporaryDirectory(prefix="dl4h-site-") as scratch:
        subprocess.run([str(jupyter_book), "build", str(ROOT), "--config", str(SOURCE / "_config.yml"),
                        "--toc", str(SOURCE / "_toc.yml"), "--path-output", str(OUTPUT), "-n", "--keep-going",
                        # A full build turns warnings (a broken link, say) into errors; a partial one
                        # links to pages it did not build.
                        *(["-W"] if numbers is None else [])],
                       check=True, cwd=ROOT, env=_offline_env(Path(scratch)))
    for page in sorted((HTML / "notebooks").glob("*.html")):
        add_alt_text(page)
    return HTML


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", help="comma-separated notebook numbers, e.g. 00,05 (default: all)")
    parser.add_argument("--no-check", action="store_true", help="build only, skip tests/site")
    args = parser.parse_args(argv)
    numbers = [number.strip() for number in args.only.split(",")] if args.only else None
    try:
        folder = build(numbers)
    except subprocess.CalledProcessError as error:
        print(f"error: the site build failed (exit status {error.returncode}); see the log above", file=sys.stderr)
        return 1
    print(f"Built the site: {folder / 'index.html'}")
    if args.no_check:
        return 0
    env = {**os.environ, "DL4H_SITE_NOTEBOOKS": ",".join(numbers or [])}
    return subprocess.call([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                            str(ROOT / "tests" / "site"), "--rootdir", str(ROOT)], cwd=ROOT, env=env)


if __name__ == "__main__":
    sys.exit(main())

"""The README's notebook table, generated from the notebook index (course.toml) and the benchmark.

    python3 scripts/course.py readme     # rewrite the table between the README's notebook markers
    python3 scripts/course.py check      # exit 1 (and say so) if the README's table is stale

The run time of each notebook is the wall time in the README's benchmark table (written by
`python3 tasks.py benchmark --update-readme`); a notebook not benchmarked yet shows "-".
"""
from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from helpers import course  # noqa: E402

README = ROOT / "README.md"
TABLE = re.compile(r"(<!-- notebooks:start -->\n).*?(\n<!-- notebooks:end -->)", re.S)
BENCHMARK = re.compile(r"<!-- benchmark:start -->\n(.*?)\n<!-- benchmark:end -->", re.S)


def measured_seconds(readme: str) -> dict[str, int]:
    """Notebook file -> wall time in seconds, from the README's benchmark table."""
    block = BENCHMARK.search(readme)
    rows = re.findall(r"^\| (\d\d_[a-z0-9_]+\.ipynb) \| (\d+) \|", block.group(1) if block else "", re.M)
    return {name: int(seconds) for name, seconds in rows}


def notebook_table(readme: str) -> str:
    """The Markdown notebook table: number, linked title, paper section, objectives, run time, budget."""
    measured = measured_seconds(readme)
    rows = ["| # | Notebook | Paper section | Objectives in a line | Run time | Budget |",
            "|---|---|---|---|---:|---:|"]
    for item in course.notebooks():
        seconds = measured.get(item.file)
        rows.append(f"| {item.number} | [{item.title}](notebooks/{item.file}) | {item.paper_section} "
                    f"| {item.objectives} | {f'{seconds} s' if seconds is not None else '-'} | {item.budget_s} s |")
    planned = [f"{item.number} {item.title}" for item in course.notebooks(planned=True) if item.planned]
    if planned:
        rows += ["", "Planned: " + "; ".join(planned) + "."]
    return "\n".join(rows)


def updated_readme(readme: str) -> str:
    """``readme`` with its notebook table regenerated (a ``ValueError`` if it has no markers)."""
    if not TABLE.search(readme):
        raise ValueError("README.md has no <!-- notebooks:start --> / <!-- notebooks:end --> markers")
    return TABLE.sub(lambda m: m.group(1) + notebook_table(readme) + m.group(2), readme)


def main(argv: list[str]) -> int:
    if argv not in (["readme"], ["check"]):
        print(__doc__)
        return 2
    text = README.read_text(encoding="utf-8")
    new = updated_readme(text)
    if argv == ["check"]:
        if new != text:
            print("README.md's notebook table is stale: run `python3 scripts/course.py readme`")
            return 1
        return 0
    README.write_text(new, encoding="utf-8")
    print("README.md notebook table updated")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

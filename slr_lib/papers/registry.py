"""Every table and figure of the four source papers, looked up by label and indexed for the book."""

from __future__ import annotations

import difflib
from types import ModuleType

from slr_lib.papers import eccv2022_oslwl, seds, spot_align, spot_align_supplement
from slr_lib.papers.table import PaperTable

PAPERS: tuple[ModuleType, ...] = (spot_align, spot_align_supplement, seds, eccv2022_oslwl)

INDEX_HEADING = "Where each table and figure comes from"


def all_tables() -> list[PaperTable]:
    """All tables and figures, paper by paper, each in its paper's order."""
    return [table for paper in PAPERS for table in paper.TABLES]


def _normalise(label: str) -> str:
    return " ".join(label.split()).casefold()


def find(label: str) -> PaperTable:
    """The table or figure cited as `label`, paper first ("SEDS Table 5").

    Case and runs of spaces do not matter. An unknown label raises a KeyError naming the
    closest known labels.
    """
    tables = {_normalise(table.label): table for table in all_tables()}
    key = _normalise(label)
    if key in tables:
        return tables[key]
    # The same table id in another paper first ("Table A.1" is in the supplement), then spelling.
    close = [t.label for t in tables.values() if key.endswith(_normalise(t.id))]
    close += [
        tables[k].label
        for k in difflib.get_close_matches(key, tables, n=5, cutoff=0.6)
        if tables[k].label not in close
    ]
    close = close[:5]
    if close:
        raise KeyError(f"no table or figure {label!r}; close labels: {', '.join(close)}")
    papers = ", ".join(paper.PAPER for paper in PAPERS)
    raise KeyError(f"no table or figure {label!r}; labels start with a paper: {papers}")


def _cell(text: str) -> str:
    """Text safe inside a Markdown table cell."""
    return " ".join(text.split()).replace("|", "\\|")


def render_index(chapter_dir: str = "chapters") -> str:
    """A MyST section: per paper, a table of labels, captions, regenerating chapters and status."""
    folder = chapter_dir.strip("/")
    lines = [f"## {INDEX_HEADING}", ""]
    lines.append(
        "Each table and figure of the source papers, the chapter that regenerates it on the "
        "simulated corpus, and how far: *regenerated*, *partly* (some rows or columns), or "
        "*not yet*."
    )
    for paper in PAPERS:
        lines += ["", f"### {paper.PAPER}", ""]
        lines += ["| Label | Caption | Chapter | Status |", "| --- | --- | --- | --- |"]
        for table in paper.TABLES:
            chapter = (
                f"{{doc}}`{table.chapter} </{folder}/{table.chapter}>`" if table.chapter else "-"
            )
            lines.append(
                f"| {_cell(table.label)} | {_cell(table.caption)} | {chapter} | {table.status} |"
            )
    return "\n".join(lines) + "\n"

"""Retrieval widgets that keep working in the static book (no kernel needed to browse)."""

from __future__ import annotations

import html
from collections.abc import Sequence

import ipywidgets as widgets
import numpy as np


def ranked_list_html(
    scores: np.ndarray, item_labels: Sequence[str], target: int | None, top_k: int
) -> str:
    """An HTML table of the `top_k` best-scored items, the ground truth marked."""
    order = np.argsort(-scores, kind="stable")[:top_k]
    rows = []
    for place, item in enumerate(order, start=1):
        hit = item == target
        mark = "✔ match" if hit else ""
        style = ' style="font-weight:bold;background:#e6f4ea"' if hit else ""
        rows.append(
            f"<tr{style}><td>{place}</td><td>{html.escape(item_labels[item])}</td>"
            f"<td>{scores[item]:.3f}</td><td>{mark}</td></tr>"
        )
    head = "<tr><th>#</th><th>item</th><th>score</th><th></th></tr>"
    return f'<table class="slr-ranked-list">{head}{"".join(rows)}</table>'


class RankedResultsBrowser(widgets.VBox):
    """A query picker above a stack of ranked lists, switched in the browser."""

    def __init__(self, labels: Sequence[str], pages: Sequence[widgets.Widget]) -> None:
        self.picker = widgets.Dropdown(
            options=list(labels),
            index=0,
            description="Query:",
            layout=widgets.Layout(width="95%"),
        )
        self.pages = widgets.Stack(list(pages), selected_index=0)
        # A browser-side link: switching works in the static book, where no kernel runs.
        self.link = widgets.jslink((self.picker, "index"), (self.pages, "selected_index"))
        super().__init__([self.picker, self.pages])


def ranked_results_browser(
    query_labels: Sequence[str],
    sims: np.ndarray,
    item_labels: Sequence[str],
    targets: Sequence[int] | None = None,
    top_k: int = 5,
) -> RankedResultsBrowser:
    """A widget showing each query's top-k results, the ground truth (if given) marked."""
    sims = np.asarray(sims)
    if sims.shape != (len(query_labels), len(item_labels)):
        raise ValueError(
            f"sims has shape {sims.shape}, expected ({len(query_labels)}, {len(item_labels)})"
        )
    if targets is not None and len(targets) != len(query_labels):
        raise ValueError("targets needs one entry per query")
    pages = [
        widgets.HTML(
            ranked_list_html(sims[i], item_labels, None if targets is None else targets[i], top_k)
        )
        for i in range(len(query_labels))
    ]
    return RankedResultsBrowser(query_labels, pages)

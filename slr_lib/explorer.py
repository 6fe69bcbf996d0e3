"""An interactive retrieval explorer: free-form query in, ranked videos and a pose animation out.

Typing a query needs a kernel. Everything shown after a search (picking one of the top-k videos,
playing its pose animation) is linked in the browser, so a saved search keeps working in the
static book.
"""

from __future__ import annotations

import html
import io
from collections.abc import Callable, Sequence

import ipywidgets as widgets
import numpy as np
import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from slr_lib.data import layout
from slr_lib.data.plots import draw_pose
from slr_lib.recognised_words import query_words

METHODS = ("SR", "CM", "SR+CM")
_COLUMNS = ["rank", "video", "similarity", "subtitle", "topic", "recognised_words", "shared"]
_POINT_COLOURS = (
    (layout.BODY, "tab:blue"),
    (layout.LEFT_HAND, "tab:orange"),
    (layout.RIGHT_HAND, "tab:green"),
    (layout.MOUTH, "tab:red"),
)
_DPI = 100


def _sampled_frames(n_total: int, n_frames: int) -> np.ndarray:
    """Up to `n_frames` evenly spread, distinct frame indices of a sequence of `n_total`."""
    return np.unique(np.linspace(0, n_total - 1, min(n_frames, n_total)).round().astype(int))


def _png(fig: Figure) -> bytes:
    """The figure rendered as PNG bytes."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=_DPI)
    return buffer.getvalue()


def pose_png_frames(
    data: np.ndarray, confidence: np.ndarray, n_frames: int = 12, size: int = 160
) -> list[bytes]:
    """PNG skeleton drawings (`size` pixels square) of evenly sampled frames of a pose array.

    `data` is (T, 87, 3) in the layout of `slr_lib.data.layout`, `confidence` (T, 87); points
    with zero confidence are left out.
    """
    data, confidence = np.asarray(data), np.asarray(confidence)
    if data.ndim != 3 or data.shape[1:] != (layout.N_POINTS, layout.N_DIMS) or not len(data):
        raise ValueError(f"data must be (T > 0, {layout.N_POINTS}, 3), got {data.shape}")
    if confidence.shape != data.shape[:2]:
        raise ValueError(f"confidence must be {data.shape[:2]}, got {confidence.shape}")
    if n_frames < 1:
        raise ValueError("n_frames must be positive")
    fig = Figure(figsize=(size / _DPI, size / _DPI))
    FigureCanvasAgg(fig)
    ax = fig.add_axes((0.0, 0.0, 1.0, 1.0))
    pngs = []
    for t in _sampled_frames(len(data), n_frames):
        ax.clear()
        draw_pose(ax, data[t], confidence[t], color="0.4")
        for part, colour in _POINT_COLOURS:
            seen = confidence[t, part] > 0
            ax.scatter(data[t, part][seen, 0], data[t, part][seen, 1], s=2, c=colour)
        pngs.append(_png(fig))
    return pngs


def _word_cells(words: frozenset[str], shared: frozenset[str]) -> str:
    """A video's recognised words, sorted, the ones shared with the query highlighted."""
    return " ".join(
        f"<mark>{html.escape(w)}</mark>" if w in shared else html.escape(w) for w in sorted(words)
    )


def results_html(rows: pd.DataFrame) -> str:
    """An HTML table of ranked results (the frame `RetrievalExplorer.search` returns)."""
    head = "<tr><th>#</th><th>similarity</th><th>subtitle</th><th>topic</th><th>SR words</th></tr>"
    body = "".join(
        f"<tr><td>{r.rank}</td><td>{r.similarity:.3f}</td><td>{html.escape(r.subtitle)}</td>"
        f"<td>{html.escape(r.topic)}</td><td>{_word_cells(r.recognised_words, r.shared)}</td></tr>"
        for r in rows.itertuples()
    )
    return f'<table class="slr-explorer">{head}{body}</table>'


def _player(pngs: Sequence[bytes]) -> widgets.VBox:
    """A play button animating a stack of PNG frames, linked in the browser."""
    images = [widgets.Image(value=png, format="png") for png in pngs]
    stack = widgets.Stack(images, selected_index=0)
    play = widgets.Play(value=0, min=0, max=max(len(images) - 1, 0), interval=150, repeat=True)
    widgets.jslink((play, "value"), (stack, "selected_index"))
    return widgets.VBox([play, stack])


class RetrievalExplorer(widgets.VBox):
    """Type a sentence, pick SR, CM or SR+CM, see the top-k videos and animate their poses.

    `score(query, method)` gives the similarity of the query to each video; `texts`, `topics`
    and `word_sets` describe the videos (subtitle, topic, recognised-word set); `frames(i)`
    gives PNG frames of video i for its animation.
    """

    def __init__(
        self,
        score: Callable[[str, str], np.ndarray],
        texts: Sequence[str],
        topics: Sequence[str],
        word_sets: Sequence[frozenset[str]],
        frames: Callable[[int], list[bytes]],
        k: int = 5,
    ) -> None:
        if not len(texts) == len(topics) == len(word_sets) > 0:
            raise ValueError("texts, topics and word_sets need one entry per video")
        if k < 1:
            raise ValueError("k must be positive")
        self._score, self._frames, self.k = score, frames, k
        self.texts, self.topics, self.word_sets = list(texts), list(topics), list(word_sets)
        self._all_words = frozenset().union(*self.word_sets)
        self._searching = False
        self.query = widgets.Text(
            placeholder="Type a sentence and press Enter",
            description="Query:",
            continuous_update=False,
            layout=widgets.Layout(width="60%"),
        )
        self.method = widgets.ToggleButtons(options=METHODS, value="SR+CM")
        self.note = widgets.HTML()
        self.results = widgets.HTML()
        self.picker = widgets.Dropdown(description="Animate:", layout=widgets.Layout(width="60%"))
        self.players = widgets.Stack([])
        # Browser-side link: picking another video works in the static book.
        self.link = widgets.jslink((self.picker, "index"), (self.players, "selected_index"))
        self.query.observe(self._on_change, names="value")
        self.method.observe(self._on_change, names="value")
        super().__init__(
            [
                widgets.HBox([self.query, self.method]),
                self.note,
                self.results,
                self.picker,
                self.players,
            ]
        )

    def _on_change(self, _change: dict) -> None:
        """Search again when the query or the method changes in the panel."""
        if not self._searching:
            self.search(self.query.value, self.method.value)

    def search(self, query: str, method: str = "SR+CM") -> pd.DataFrame:
        """Show the top-k videos for `query` under `method` and return them as rows."""
        if method not in METHODS:
            raise ValueError(f"method must be one of {METHODS}, got {method!r}")
        self._searching = True
        try:
            self.query.value, self.method.value = query, method
        finally:
            self._searching = False
        words = query_words(query)
        rows = self._rank(query, method, words) if words else pd.DataFrame(columns=_COLUMNS)
        self.note.value = self._note(words, method)
        self.results.value = results_html(rows)
        self._show_players(rows)
        return rows

    def _rank(self, query: str, method: str, words: frozenset[str]) -> pd.DataFrame:
        """The top-k rows for a non-empty query."""
        sims = np.asarray(self._score(query, method), dtype=np.float64)
        if sims.shape != (len(self.texts),):
            raise ValueError(f"score returned shape {sims.shape}, expected ({len(self.texts)},)")
        order = np.argsort(-sims, kind="stable")[: self.k]
        rows = [
            (rank, int(i), float(sims[i]), self.texts[i], self.topics[i], self.word_sets[i])
            for rank, i in enumerate(order, start=1)
        ]
        frame = pd.DataFrame(rows, columns=_COLUMNS[:-1])
        frame["shared"] = [words & video_words for video_words in frame["recognised_words"]]
        return frame

    def _note(self, words: frozenset[str], method: str) -> str:
        """A warning line for queries that SR cannot rank, else nothing."""
        if not words:
            return "<i>Type a sentence to search.</i>"
        if method != "CM" and not words & self._all_words:
            return (
                "<b>None of the query's words was recognised in any video</b>: SR similarities "
                "are zero, so SR cannot rank (SR+CM then ranks by CM alone)."
            )
        return ""

    def _show_players(self, rows: pd.DataFrame) -> None:
        """One pose animation per result, chosen with the picker."""
        self.players.children = [_player(self._frames(i)) for i in rows["video"]]
        self.picker.options = [
            (f"{r.rank}. {r.subtitle[:60]}", r.rank - 1) for r in rows.itertuples()
        ]
        self.players.selected_index = 0 if len(rows) else None

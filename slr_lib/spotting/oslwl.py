"""An OSLWL benchmark (ECCV 2022 sign spotting, one-shot track) built from a simulated corpus.

The challenge gives a gallery of 20 signs, each shown by one isolated exemplar, and 607 short
query videos of continuous signing, each named after the one gallery sign it contains; the task
is to find where. Here:

- the **gallery** is `n_gallery` glosses drawn (seeded) among those that have a dictionary
  exemplar and occur as a lexical sign (not fingerspelled) in at least `min_clips` subtitles of
  the split (excluding `exclude_glosses`); each gets one exemplar,
  drawn among that gloss's exemplars (optionally of one dictionary), and a class id (0, 1, ...
  in gloss order);
- a **query** is a subtitle's sign-aligned span (the frames `Corpus.sentence_pose` cuts) paired
  with one gallery sign it contains, by the hidden ground truth `signs`; a subtitle holding two
  gallery signs gives two queries. Queries are drawn round-robin over the classes (as balanced as
  the corpus allows); `n_queries=None` takes every candidate;
- the **ground truth** lists every occurrence of the query's sign in the clip, as
  `[class_id, start_ms, end_ms]` relative to the clip's first frame (end exclusive, rounded to
  whole milliseconds), in the challenge's pickle layout.

Val and test galleries of the challenge hold different signs: build the test benchmark with
`exclude_glosses=val.gallery["gloss"]`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from slr_lib.data.corpus import Corpus
from slr_lib.data.spotting_pickle import SpottingTable

QUERY_COLUMNS = (
    "key", "class_id", "gloss", "video_id", "sentence_id", "start_frame", "end_frame", "fps",
)  # fmt: skip


@dataclass(frozen=True)
class OslwlBenchmark:
    """A one-shot spotting benchmark: gallery, query clips and ground truth (see module)."""

    split: str
    gallery: pd.DataFrame  # class_id, gloss, exemplar_id
    queries: pd.DataFrame  # QUERY_COLUMNS; frames of the source video, end exclusive
    ground_truth: SpottingTable

    def query_pose(self, corpus: Corpus, key: str) -> tuple[np.ndarray, np.ndarray]:
        """The frames of one query clip."""
        query = _row(self.queries, "key", key)
        video = corpus.video(query["video_id"])
        return corpus.poses[video["split"]].frames(
            int(video["pose_index"]), int(query["start_frame"]), int(query["end_frame"])
        )

    def exemplar_pose(self, corpus: Corpus, class_id: int) -> tuple[np.ndarray, np.ndarray]:
        """The frames of one gallery sign's exemplar."""
        exemplar_id = _row(self.gallery, "class_id", class_id)["exemplar_id"]
        return corpus.exemplar_pose(_row(corpus.exemplars, "exemplar_id", exemplar_id))


def build_oslwl(
    corpus: Corpus,
    split: str = "test",
    n_gallery: int = 20,
    n_queries: int | None = 607,
    seed: int = 0,
    dictionary: str | None = None,
    exclude_glosses: Iterable[str] = (),
    min_clips: int = 1,
) -> OslwlBenchmark:
    """Draw a gallery and its query clips from one split of a corpus with hidden ground truth."""
    if corpus.signs is None:
        raise ValueError(f"corpus {corpus.name!r} has no hidden ground truth (signs table)")
    if n_gallery < 1 or (n_queries is not None and n_queries < 1):
        raise ValueError("n_gallery and n_queries must be positive")
    rng = np.random.default_rng(seed)
    exemplars = corpus.exemplars
    if dictionary is not None:
        exemplars = exemplars[exemplars["dictionary"] == dictionary]
    allowed = set(exemplars["gloss"]) - set(exclude_glosses)
    occurrences = _occurrences(corpus, split, allowed)
    clips = occurrences.groupby("gloss")["sentence_id"].nunique()
    eligible = sorted(clips.index[clips >= min_clips])
    if len(eligible) < n_gallery:
        raise ValueError(
            f"split {split!r} has {len(eligible)} glosses with exemplars occurring in at least "
            f"{min_clips} subtitles, fewer than n_gallery={n_gallery}"
        )
    glosses = sorted(rng.choice(eligible, size=n_gallery, replace=False).tolist())
    gallery = _gallery(glosses, exemplars, rng)
    occurrences = occurrences.merge(gallery[["gloss", "class_id"]], on="gloss")
    queries = _draw_queries(occurrences, n_queries, rng)
    return OslwlBenchmark(split, gallery, queries, _ground_truth(queries, occurrences))


def _occurrences(corpus: Corpus, split: str, glosses: set[str]) -> pd.DataFrame:
    """Lexical signs of `glosses` in the split, with their subtitle's clip (frames, fps).

    An occurrence that does not lie wholly inside its subtitle's sign-aligned span is left out.
    """
    assert corpus.signs is not None
    sentences = corpus.split_sentences(split).merge(
        corpus.videos[["video_id", "fps"]], on="video_id"
    )
    if sentences.empty:
        raise ValueError(f"corpus {corpus.name!r} has no sentences in split {split!r}")
    sentences["clip_start"] = (sentences["start_sign"] * sentences["fps"]).round().astype(int)
    sentences["clip_end"] = (sentences["end_sign"] * sentences["fps"]).round().astype(int)
    signs = corpus.signs[(corpus.signs["kind"] == "sign") & corpus.signs["gloss"].isin(glosses)]
    columns = ["sentence_id", "video_id", "fps", "clip_start", "clip_end"]
    out = signs[["sentence_id", "gloss", "start_frame", "end_frame"]].merge(
        sentences[columns], on="sentence_id"
    )
    inside = (out["start_frame"] >= out["clip_start"]) & (out["end_frame"] <= out["clip_end"])
    return out[inside].reset_index(drop=True)


def _gallery(glosses: list[str], exemplars: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """One exemplar per gloss, drawn among that gloss's exemplars; class ids in gloss order."""
    chosen = [
        rng.choice(sorted(exemplars.loc[exemplars["gloss"] == gloss, "exemplar_id"]))
        for gloss in glosses
    ]
    return pd.DataFrame(
        {"class_id": np.arange(len(glosses)), "gloss": glosses, "exemplar_id": chosen}
    )


def _draw_queries(
    occurrences: pd.DataFrame, n_queries: int | None, rng: np.random.Generator
) -> pd.DataFrame:
    """Candidate (subtitle, class) clips drawn round-robin over the classes."""
    columns = ["class_id", "gloss", "video_id", "sentence_id", "clip_start", "clip_end", "fps"]
    candidates = occurrences[columns].drop_duplicates(["sentence_id", "class_id"])
    if n_queries is not None and n_queries > len(candidates):
        raise ValueError(
            f"only {len(candidates)} query clips contain a gallery sign, fewer than "
            f"n_queries={n_queries}"
        )
    candidates = candidates.iloc[rng.permutation(len(candidates))]
    class_order = rng.permutation(int(candidates["class_id"].max()) + 1)
    candidates = candidates.assign(
        turn=candidates.groupby("class_id").cumcount(),
        order=class_order[candidates["class_id"].to_numpy()],
    ).sort_values(["turn", "order"], kind="stable")
    queries = candidates.head(len(candidates) if n_queries is None else n_queries)
    queries = queries.rename(columns={"clip_start": "start_frame", "clip_end": "end_frame"})
    queries["key"] = [
        f"{s}_c{c:03d}" for s, c in zip(queries["sentence_id"], queries["class_id"], strict=True)
    ]
    return queries[list(QUERY_COLUMNS)].sort_values("key").reset_index(drop=True)


def _ground_truth(queries: pd.DataFrame, occurrences: pd.DataFrame) -> SpottingTable:
    """Every occurrence of each query's sign in its clip, in milliseconds from the clip start."""
    spans = queries[["key", "sentence_id", "class_id"]].merge(
        occurrences, on=["sentence_id", "class_id"]
    )
    to_ms = 1000.0 / spans["fps"]
    spans = spans.assign(
        start_ms=((spans["start_frame"] - spans["clip_start"]) * to_ms).round().astype(int),
        end_ms=((spans["end_frame"] - spans["clip_start"]) * to_ms).round().astype(int),
    ).sort_values(["key", "start_ms"])
    truth: SpottingTable = {key: [] for key in queries["key"]}
    for key, class_id, start, end in spans[["key", "class_id", "start_ms", "end_ms"]].itertuples(
        index=False
    ):
        truth[key].append([int(class_id), int(start), int(end)])
    return truth


def _row(table: pd.DataFrame, column: str, value: object) -> pd.Series:
    rows = table.loc[table[column] == value]
    if rows.empty:
        raise KeyError(f"no row with {column} == {value!r}")
    return rows.iloc[0]

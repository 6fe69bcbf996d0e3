"""Mouthing spottings from the user's own visual keyword spotter: the real counterpart of M.

SPOT-ALIGN starts from the subtitle words that a visual keyword spotter finds mouthed in each
subtitle's span (the paper borrows one trained on lip-reading data). The book's lip reader
(`slr_lib.spotting.mouthing`) learns from the pre-training corpus, whose mouths the simulator
draws, so on real video it has nothing to go by. A real main corpus takes its mouthing
spottings from a file instead (params.yaml `corpora.mouthing_spottings`): a comma- or
tab-separated table with the columns

- `SENTENCE_NAME`: the sentence (How2Sign's SENTENCE_NAME, the corpus's `sentence_id`);
- `WORD`: the subtitle word found mouthed;
- `FRAME`: the last frame of the mouthing, 0-based, in the numbering of the sentence's
  keypoints (its clip; its source video where keypoints are per video);
- `CONFIDENCE`: the spotter's probability that the word is there, in [0, 1].

Every row is checked against the corpus (a known sentence, a frame inside its video, a
confidence in [0, 1]); an error names the file and the line. The `spot_align` stage applies its
threshold and the dictionary-vocabulary filter to these rows as to its own lip reader's.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from slr_lib.data.corpus import Corpus
from slr_lib.data.tables import parse_number, read_delimited, require_columns, table_error
from slr_lib.text import lemmatize

COLUMNS = ("SENTENCE_NAME", "WORD", "FRAME", "CONFIDENCE")
SPOTTING_COLUMNS = ("video_id", "sentence_id", "word", "gloss", "frame", "confidence", "source")
"""The columns of every spotting table (mouthing and dictionary spottings, `slr_lib.spotting`)."""


def read_mouthing_spottings(path: str | Path, corpus: Corpus) -> pd.DataFrame:
    """The user's mouthing spottings of `corpus`, checked, in `SPOTTING_COLUMNS`.

    `gloss` is the word's lemma (the vocabulary the dictionaries are matched in); `source` is
    "mouthing". An empty table (header only) is allowed: the spotter found nothing.
    """
    table = read_delimited(path)
    require_columns(table, COLUMNS)
    column = {name: table.index(name) for name in COLUMNS}
    sentences = corpus.sentences.set_index("sentence_id")["video_id"]
    lengths = corpus.videos.set_index("video_id")["n_frames"]
    rows = []
    for line, fields in table.rows:
        name = fields[column["SENTENCE_NAME"]].strip()
        if name not in sentences.index:
            raise table_error(path, line, f"SENTENCE_NAME {name!r} is not a sentence of the corpus")
        word = fields[column["WORD"]].strip()
        if not word:
            raise table_error(path, line, "WORD is empty")
        frame = parse_number(path, line, "FRAME", fields[column["FRAME"]], int)
        video = sentences[name]
        if not 0 <= frame < lengths[video]:
            raise table_error(
                path, line, f"FRAME {frame} lies outside {name}'s {lengths[video]} frames"
            )
        confidence = parse_number(
            path, line, "CONFIDENCE", fields[column["CONFIDENCE"]], low=0.0, high=1.0
        )
        rows.append((video, name, word.lower(), lemmatize(word), frame, confidence, "mouthing"))
    return pd.DataFrame(rows, columns=list(SPOTTING_COLUMNS)).astype(
        {"video_id": str, "sentence_id": str, "frame": "int64", "confidence": "float64"}
    )


def write_spottings(path: Path, spottings: pd.DataFrame) -> None:
    """Store a spotting table as CSV, whole or not at all."""
    partial = path.with_name(path.name + ".partial")
    spottings.to_csv(partial, index=False)
    partial.replace(path)


def read_spottings(path: Path) -> pd.DataFrame:
    """A spotting table stored by `write_spottings`."""
    table = pd.read_csv(path, dtype={"video_id": str, "sentence_id": str, "word": str,
                                     "gloss": str, "source": str})  # fmt: skip
    return table.astype({"frame": "int64", "confidence": "float64"})

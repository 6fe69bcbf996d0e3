"""The user's mouthing spottings: checked against the corpus, each bad row named."""

from __future__ import annotations

from pathlib import Path

import pytest

from slr_lib.data.corpus import CorpusFormatError
from slr_lib.data.mouthings import (
    SPOTTING_COLUMNS,
    read_mouthing_spottings,
    read_spottings,
    write_spottings,
)
from tests.data.test_corpus import tiny_corpus

HEADER = "SENTENCE_NAME,WORD,FRAME,CONFIDENCE\n"


def table(tmp_path: Path, *rows: str, header: str = HEADER) -> Path:
    path = tmp_path / "mouthings.csv"
    path.write_text(header + "".join(f"{row}\n" for row in rows))
    return path


def test_rows_become_spottings_with_the_words_lemma(tmp_path):
    path = table(tmp_path, "s0,Running,19,0.75", "s1,bye,0,0.2")
    found = read_mouthing_spottings(path, tiny_corpus())
    assert list(found.columns) == list(SPOTTING_COLUMNS)
    first = found.iloc[0]
    assert (first.video_id, first.sentence_id, first.word, first.gloss) == (
        "v0",
        "s0",
        "running",
        "run",
    )
    assert (first.frame, first.confidence, first.source) == (19, 0.75, "mouthing")
    write_spottings(tmp_path / "stored.csv", found)
    assert read_spottings(tmp_path / "stored.csv").equals(found)


def test_a_header_alone_means_nothing_was_found(tmp_path):
    assert read_mouthing_spottings(table(tmp_path), tiny_corpus()).empty


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("s9,hello,1,0.9", "line 2: SENTENCE_NAME 's9' is not a sentence"),
        ("s0,,1,0.9", "line 2: WORD is empty"),
        ("s0,hello,20,0.9", "line 2: FRAME 20 lies outside s0's 20 frames"),
        ("s0,hello,-1,0.9", "line 2: FRAME -1 lies outside"),
        ("s0,hello,1.5,0.9", "line 2: FRAME is not a valid int"),
        ("s0,hello,1,1.2", "line 2: CONFIDENCE is 1.2, above 1.0"),
        ("s0,hello,1,nan", "line 2: CONFIDENCE is not a valid float"),
        ("s0,hello,1", "line 2: 3 fields, the header has 4"),
    ],
)
def test_bad_rows_are_refused_naming_file_and_line(tmp_path, row, message):
    with pytest.raises(CorpusFormatError, match="mouthings.csv, " + message.replace("(", r"\(")):
        read_mouthing_spottings(table(tmp_path, row), tiny_corpus())


def test_missing_columns_are_listed(tmp_path):
    with pytest.raises(CorpusFormatError, match=r"missing columns \['CONFIDENCE'\]"):
        read_mouthing_spottings(table(tmp_path, header="SENTENCE_NAME,WORD,FRAME\n"), tiny_corpus())

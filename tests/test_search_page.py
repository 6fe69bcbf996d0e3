"""The book's search box, without a browser: the shared lemma table, the three rankings of a
collection, and the exported files (the ONNX text branch against PyTorch). The page's own
rankings are checked against these in headless Chromium in tests/test_pipeline_book.py."""

from __future__ import annotations

import json

import numpy as np
import pytest

from slr_lib.data.corpus import Corpus
from slr_lib.recognised_words import iou_similarity, query_words
from slr_lib.score_fusion import late_fusion
from slr_lib.search import VideoIndex
from slr_lib.search_page import (
    SearchPageConfig,
    check_text_branch,
    export_text_branch,
    filmstrip_png,
    run_stage,
)
from slr_lib.search_text import LemmaTable
from slr_lib.text import lemmatize
from slr_lib.text_embeddings import make_embedder
from tests.collection_stand_in import OUT_DIM, stand_in_collection

pytest.importorskip("onnxruntime", reason="the pipeline extra is not installed")
QUERIES = ["Turn the shaker upside down.", "running ran runs", "3rd of 1,000 in 1990", "x"]


@pytest.fixture(scope="module")
def table() -> LemmaTable:
    return LemmaTable.from_lemminflect()


def test_the_lemma_table_is_lemminflect_for_every_word_it_knows_and_beyond(table):
    from lemminflect.core.Lemmatizer import Lemmatizer

    words = {w.lower() for w in Lemmatizer()._getLemmaDict()}
    words |= {"qwertyuiop", "zoomed", "datasets", "e-mail", "don't", "ninety"}
    assert all(table.lemma(w) == lemmatize(w) for w in words)
    assert table.lemma("ran") == "run" and table.lemma("unknownword") == "unknownword"
    for text in [*QUERIES, "", "!!!", "The 2nd dogs' houses"]:
        assert table.query_words(text) == query_words(text)


def test_a_lemma_table_reads_back_and_a_bad_one_is_refused(table, tmp_path):
    assert LemmaTable.load(table.save(tmp_path / "lemmas.json")).lemmas == table.lemmas
    (tmp_path / "list.json").write_text("[1, 2]")
    (tmp_path / "empty.json").write_text('{"ran": ""}')
    (tmp_path / "broken.json").write_text("{")
    for name in ("list.json", "empty.json", "broken.json", "missing.json"):
        with pytest.raises(ValueError, match=name):
            LemmaTable.load(tmp_path / name)


def test_the_three_rankings_of_a_collection(table):
    collection = stand_in_collection(table, with_sr=True)
    assert collection.methods == ("CM", "SR", "SR+CM")
    scores = collection.scores("the shaker runs")
    cm = collection.index.vectors() @ collection.embed_query("the shaker runs")[0]
    sets = [frozenset(w) for w in (["run", "shaker"], ["third", "one"], [])]
    sr = iou_similarity([query_words("the shaker runs")], sets)[0]
    np.testing.assert_allclose(scores["CM"], cm, atol=1e-6)
    np.testing.assert_allclose(scores["SR"], sr)
    np.testing.assert_allclose(scores["SR+CM"], late_fusion(sr, cm, 0.3))
    for method, score in scores.items():
        hits = collection.search("the shaker runs", k=3, method=method)
        assert [h["score"] for h in hits] == pytest.approx(sorted(score, reverse=True), abs=1e-6)
    with pytest.raises(ValueError, match="method 'SR'"):
        stand_in_collection(table).search("anything", method="SR")


def test_the_onnx_text_branch_gives_the_models_embeddings(table, tmp_path):
    collection = stand_in_collection(table, with_sr=True)
    export_text_branch(collection, tmp_path / "branch.onnx")
    long = "stretch " * 3000
    worst = check_text_branch(collection, tmp_path / "branch.onnx", [*QUERIES, long, "日本 🤟"])
    assert worst < 1e-5
    collection.embedder = make_embedder("minilm")
    with pytest.raises(ValueError, match="WordLlama's static token table"):
        export_text_branch(collection, tmp_path / "other.onnx")


def test_a_filmstrip_is_one_row_of_square_frames():
    import io

    from PIL import Image

    rng = np.random.default_rng(0)
    data, confidence = rng.uniform(0.3, 0.7, (20, 87, 3)), np.ones((20, 87))
    image = Image.open(io.BytesIO(filmstrip_png(data, confidence, frames=6, height=48)))
    assert image.size == (6 * 48, 48)
    image = Image.open(io.BytesIO(filmstrip_png(data[:2], np.zeros((2, 87)), 6, 48)))
    assert image.size == (2 * 48, 48)  # no more frames than the video has; nothing seen


def test_the_stage_writes_the_bundle_whole_or_leaves_the_old_one(table, tmp_path, monkeypatch,
                                                                 corpus_dir):  # fmt: skip
    corpus = Corpus.load(corpus_dir)
    test = corpus.split_sentences("test")
    collection = stand_in_collection(table, with_sr=True)
    ids = test["sentence_id"].tolist()[:3]
    collection.index = VideoIndex(OUT_DIM, use_gpu=False)
    vectors = np.eye(3, OUT_DIM, dtype=np.float32)
    collection.index.add(ids, vectors)
    collection.entries = {i: {"text": t, "source": "test split"}
                          for i, t in zip(ids, test["text"], strict=False)}  # fmt: skip
    collection.words = dict(zip(ids, (["run"], [], ["one"]), strict=True))
    collection.save(tmp_path / "collection")
    config = SearchPageConfig(collection_dir=str(tmp_path / "collection"),
                              corpus_dir=corpus_dir, k=2, strip_frames=3,
                              strip_height=32)  # fmt: skip
    out = tmp_path / "out"
    run_stage(config, out)
    bundle = out / "search"
    manifest = json.loads((bundle / "collection.json").read_text())
    assert manifest["ids"] == ids and manifest["methods"] == ["CM", "SR", "SR+CM"]
    assert manifest["words"] == [["run"], [], ["one"]] and manifest["fusion_weight"] == 0.3
    stored = np.frombuffer((bundle / "videos.f32").read_bytes(), "<f4").reshape(3, OUT_DIM)
    np.testing.assert_array_equal(stored, vectors)
    assert sorted(p.name for p in (bundle / "strips").iterdir()) == ["0.png", "1.png", "2.png"]
    assert LemmaTable.load(bundle / "lemmas.json").lemmas == table.lemmas
    before = sorted(p.relative_to(out) for p in out.rglob("*"))

    def fails(*args):
        raise RuntimeError("the ONNX text branch differs")

    monkeypatch.setattr("slr_lib.search_page.check_text_branch", fails)
    with pytest.raises(RuntimeError, match="differs"):
        run_stage(config, out)
    assert sorted(p.relative_to(out) for p in out.rglob("*")) == before
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".out.")]

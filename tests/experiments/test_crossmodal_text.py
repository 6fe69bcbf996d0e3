"""The crossmodal_text chapter: claims on hand-made results, its table, the results file."""

from __future__ import annotations

import dataclasses
import json

import pytest

from slr_lib.config import ParamsError
from slr_lib.experiments import crossmodal_text as chapter
from tests.experiments.test_crossmodal_setup import KNOBS
from tests.ranks import seed_runs

DIMS = {"word2vec": 300, "wordllama": 256, "minilm": 384, "random": 300}


def make_results(levels: dict[str, float]) -> chapter.Results:
    """Results where embedding `name` puts the right video first at rate `level` (3 seeds)."""
    runs = seed_runs(levels, "embedding", dim=DIMS)
    return chapter.Results(runs, test_pairs=300, embedding_model="M+D2_X")


def config() -> chapter.Config:
    return chapter.Config(**KNOBS, pooling="avg", embeddings=list(DIMS))


@pytest.mark.parametrize(
    ("word2vec", "minilm", "verdict"),
    [(0.5, 0.1, "holds"), (0.1, 0.5, "does not hold"), (0.3, 0.3, "inconclusive")],
)
def test_the_verdict_follows_the_numbers(word2vec, minilm, verdict):
    levels = {"word2vec": word2vec, "wordllama": 0.2, "minilm": minilm, "random": 0.6}
    (claim,) = chapter.claims(make_results(levels))
    assert claim.id == "T3-static-beats-lm" and claim.verdict == verdict
    assert claim.paper_value == "R@1 24.2 (W2V) vs 19.7 (Albert-XL, best LM)"


def test_table_and_ranking():
    results = make_results({"word2vec": 0.4, "wordllama": 0.2, "minilm": 0.1, "random": 0.6})
    table = chapter.table(results)
    assert list(table.index) == list(DIMS)
    assert list(table.columns) == ["dim", "R1", "R5", "R10", "MedR", "R50", "MeanR"]
    assert table["dim"].to_dict() == DIMS
    assert list(chapter.ranking(results).index) == ["random", "word2vec", "wordllama", "minilm"]


def test_results_file_holds_plain_numbers(corpus_dir):
    results = make_results({"word2vec": 0.4, "wordllama": 0.2, "minilm": 0.1, "random": 0.6})
    out = chapter.chapter_results(
        dataclasses.replace(config(), corpus_dir=corpus_dir), "tiny", results
    )
    assert out.chapter == "crossmodal_text" and out.data.endswith("M+D2_X sign-video embedding")
    assert set(out.metrics) == set(DIMS)
    assert all(type(v) is float for m in out.metrics.values() for v in m.values())
    json.dumps(out.to_json())


def test_config_rejects_an_unknown_embedding():
    values = {**KNOBS, "pooling": "avg", "embeddings": ["word2vec", "glove"]}
    with pytest.raises(ParamsError, match="embeddings"):
        chapter.Config.from_values(values)

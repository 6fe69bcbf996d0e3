"""The crossmodal_text chapter: claims on hand-made results, its table, the results file."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from slr_lib.config import ParamsError
from slr_lib.experiments import crossmodal_text as chapter
from slr_lib.experiments.crossmodal_setup import SUMMARISED, SeedRuns
from slr_lib.reporting import mean_std
from tests.experiments.test_crossmodal_setup import KNOBS

DIMS = {"word2vec": 300, "wordllama": 256, "minilm": 384, "random": 300}


def make_results(levels: dict[str, float], spread: float = 0.1) -> chapter.Results:
    """Results where embedding `name` scores `level` on every metric, +- `spread` over 3 seeds."""
    runs = pd.DataFrame(
        [
            {"seed": s, "best_epoch": 1, **{m: level + spread * (s - 1) for m in SUMMARISED},
             "embedding": name, "dim": DIMS[name]}
            for name, level in levels.items()
            for s in (0, 1, 2)
        ]
    )  # fmt: skip
    summary = mean_std(runs, "embedding", SUMMARISED)
    return chapter.Results(SeedRuns(runs, summary), test_pairs=40, clip_view="pose")


def config() -> chapter.Config:
    return chapter.Config(**KNOBS, pooling="avg", embeddings=list(DIMS))


@pytest.mark.parametrize(
    ("word2vec", "minilm", "verdict"),
    [(20.0, 10.0, "holds"), (10.0, 20.0, "does not hold"), (10.0, 10.05, "inconclusive")],
)
def test_the_verdict_follows_the_numbers(word2vec, minilm, verdict):
    levels = {"word2vec": word2vec, "wordllama": 15.0, "minilm": minilm, "random": 30.0}
    (claim,) = chapter.claims(make_results(levels))
    assert claim.id == "T3-static-beats-lm" and claim.verdict == verdict
    assert claim.paper_value == "R@1 24.2 (W2V) vs 19.7 (Albert-XL, best LM)"


def test_table_and_ranking():
    results = make_results({"word2vec": 20.0, "wordllama": 15.0, "minilm": 10.0, "random": 30.0})
    table = chapter.table(results)
    assert list(table.index) == list(DIMS)
    assert list(table.columns) == ["dim", "R1", "R5", "R10", "MedR"]
    assert table["dim"].to_dict() == DIMS
    assert list(chapter.ranking(results).index) == ["random", "word2vec", "wordllama", "minilm"]


def test_results_file_holds_plain_numbers():
    results = make_results({"word2vec": 20.0, "wordllama": 15.0, "minilm": 10.0, "random": 30.0})
    out = chapter.chapter_results(config(), "tiny", results)
    assert out.chapter == "crossmodal_text" and out.data.endswith("fixed pose clip features")
    assert set(out.metrics) == set(DIMS)
    assert all(type(v) is float for m in out.metrics.values() for v in m.values())
    json.dumps(out.to_json())


def test_config_rejects_an_unknown_embedding():
    values = {**KNOBS, "pooling": "avg", "embeddings": ["word2vec", "glove"]}
    with pytest.raises(ParamsError, match="embeddings"):
        chapter.Config.from_values(values)

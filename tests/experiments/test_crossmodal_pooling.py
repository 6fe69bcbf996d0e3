"""The crossmodal_pooling chapter: claims on hand-made results, its table, the results file."""

from __future__ import annotations

import dataclasses
import json

import pytest

from slr_lib.config import ParamsError
from slr_lib.experiments import crossmodal_pooling as chapter
from tests.experiments.test_crossmodal_setup import KNOBS
from tests.ranks import seed_runs


def make_results(levels: dict[str, float]) -> chapter.Results:
    """Results where pooling `name` puts the right video first at rate `level` (3 seeds)."""
    return chapter.Results(seed_runs(levels, "pooling"), test_pairs=300, embedding_model="M+D2_X")


def config() -> chapter.Config:
    return chapter.Config(**KNOBS, embedding="word2vec", poolings=["avg", "max"])


@pytest.mark.parametrize(
    ("avg", "max_", "verdict"),
    [(0.5, 0.1, "holds"), (0.1, 0.5, "does not hold"), (0.3, 0.3, "inconclusive")],
)
def test_the_verdict_follows_the_numbers(avg, max_, verdict):
    (claim,) = chapter.claims(make_results({"avg": avg, "max": max_}))
    assert claim.id == "T2-avg-pooling" and claim.verdict == verdict
    assert claim.paper_value == "R@1 24.5 (avg) vs 23.3 (max)"


def test_table_is_labelled_as_the_paper():
    results = make_results({"avg": 0.5, "max": 0.1})
    table = chapter.table(results)
    assert list(table.index) == ["Avg. pooling", "Max pooling"]
    assert list(table.columns) == ["R@1", "R@5", "R@10", "MedR", "R@50", "MeanR"]
    mean, std = results.runs.query("pooling == 'avg'")["R1"].agg(["mean", "std"])
    assert table.loc["Avg. pooling", "R@1"] == f"{mean:.1f} ± {std:.1f}"


def test_results_file_holds_plain_numbers(corpus_dir):
    results = make_results({"avg": 0.5, "max": 0.1})
    out = chapter.chapter_results(
        dataclasses.replace(config(), corpus_dir=corpus_dir), "tiny", results
    )
    assert out.chapter == "crossmodal_pooling" and "M+D2_X sign-video embedding" in out.data
    assert set(out.metrics) == {"avg", "max"}
    assert out.metrics["avg"]["R1_mean"] == pytest.approx(50.0, abs=5.0)
    assert all(type(v) is float for m in out.metrics.values() for v in m.values())
    json.dumps(out.to_json())


def test_config_rejects_an_unknown_pooling():
    values = {**KNOBS, "embedding": "word2vec", "poolings": ["avg", "median"]}
    with pytest.raises(ParamsError, match="poolings"):
        chapter.Config.from_values(values)

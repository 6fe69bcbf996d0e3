"""The crossmodal_pooling chapter: claims on hand-made results, its table, the results file."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from slr_lib.config import ParamsError
from slr_lib.experiments import crossmodal_pooling as chapter
from slr_lib.experiments.crossmodal_setup import SUMMARISED, SeedRuns
from slr_lib.reporting import mean_std
from tests.experiments.test_crossmodal_setup import KNOBS


def make_results(levels: dict[str, float], spread: float = 0.1) -> chapter.Results:
    """Results where pooling `name` scores `level` on every metric, +- `spread` over 3 seeds."""
    runs = pd.DataFrame(
        [
            {"seed": s, "best_epoch": 1, **{m: level + spread * (s - 1) for m in SUMMARISED},
             "pooling": name}
            for name, level in levels.items()
            for s in (0, 1, 2)
        ]
    )  # fmt: skip
    summary = mean_std(runs, "pooling", SUMMARISED)
    return chapter.Results(SeedRuns(runs, summary), test_pairs=40, clip_view="pose")


def config() -> chapter.Config:
    return chapter.Config(**KNOBS, embedding="word2vec", poolings=["avg", "max"])


@pytest.mark.parametrize(
    ("avg", "max_", "verdict"),
    [(20.0, 10.0, "holds"), (10.0, 20.0, "does not hold"), (10.0, 10.05, "inconclusive")],
)
def test_the_verdict_follows_the_numbers(avg, max_, verdict):
    (claim,) = chapter.claims(make_results({"avg": avg, "max": max_}))
    assert claim.id == "T2-avg-pooling" and claim.verdict == verdict
    assert claim.paper_value == "R@1 24.5 (avg) vs 23.3 (max)"


def test_table_is_labelled_as_the_paper():
    table = chapter.table(make_results({"avg": 20.0, "max": 10.0}))
    assert list(table.index) == ["Avg. pooling", "Max pooling"]
    assert list(table.columns) == ["R@1", "R@5", "R@10", "MedR"]
    assert table.loc["Avg. pooling", "R@1"] == "20.0 ± 0.1"


def test_results_file_holds_plain_numbers():
    results = make_results({"avg": 20.0, "max": 10.0})
    out = chapter.chapter_results(config(), "tiny", results)
    assert out.chapter == "crossmodal_pooling" and "fixed pose clip features" in out.data
    assert set(out.metrics) == {"avg", "max"}
    assert out.metrics["avg"]["R1_mean"] == pytest.approx(20.0)
    assert all(type(v) is float for m in out.metrics.values() for v in m.values())
    json.dumps(out.to_json())


def test_config_rejects_an_unknown_pooling():
    values = {**KNOBS, "embedding": "word2vec", "poolings": ["avg", "median"]}
    with pytest.raises(ParamsError, match="poolings"):
        chapter.Config.from_values(values)

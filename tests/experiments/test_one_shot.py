"""The one_shot chapter: claims on hand-made results, the tables, the results file."""

from __future__ import annotations

import dataclasses
import json

import numpy as np
import pandas as pd
import pytest

from slr_lib.config import ParamsError
from slr_lib.experiments import one_shot
from slr_lib.spotting.oslwl import OslwlBenchmark
from tests.conftest import ROOT

METHODS = ["spot_align", "pose", "rgb", "hands", "pose_ce", "fusion_all", "fusion_pose_rgb"]


@pytest.fixture(scope="module")
def config() -> one_shot.Config:
    return one_shot.Config.load(ROOT / "params.yaml", "tiny")


def benchmark(split: str, n_queries: int) -> OslwlBenchmark:
    queries = pd.DataFrame({"key": [f"q{i}" for i in range(n_queries)]})
    gallery = pd.DataFrame({"class_id": [0], "gloss": ["a"], "exemplar_id": ["e0"]})
    return OslwlBenchmark(split, gallery, queries, {})


def make_results(f1: dict[str, float], interval: tuple[float, float], val_f1: dict[int, float]):
    """Results with test F1 per method (Top-K adds 0.1), every claim's interval `interval`."""
    rows = [
        {"method": m, "split": split, "Top-K": t, "precision": v, "recall": v, "F1": v}
        for m, score in {**f1, "random": 0.05}.items()
        for split in ("test", "val")
        for t in (("no",) if m == "random" else ("no", "yes"))
        for v in [score + (0.1 if t == "yes" else 0.0)]
    ]
    sweep = pd.DataFrame(
        [
            {"window": w, "split": split, "Top-K": t, "precision": v, "recall": v, "F1": v}
            for w, v in val_f1.items()
            for split in ("val", "test")
            for t in ("no", "yes")
        ]
    )
    low, high = interval
    return one_shot.Results(
        benchmarks={"val": benchmark("val", 4), "test": benchmark("test", 8)},
        training_windows=pd.DataFrame(),
        histories=pd.DataFrame(),
        embedded={},
        runs={},
        tables={},
        scores=pd.DataFrame(rows),
        sweep=sweep,
        single="rgb",
        intervals={
            c: ((low + high) / 2, low, high) for c in ("OS-triplet", "OS-topk", "OS-fusion")
        },
    )


F1 = {"spot_align": 0.3, "pose": 0.4, "rgb": 0.5, "hands": 0.2, "pose_ce": 0.35}
F1 |= {"fusion_all": 0.6, "fusion_pose_rgb": 0.55}


def verdicts(results: one_shot.Results, config: one_shot.Config) -> dict[str, str]:
    return {c.id: c.verdict for c in one_shot.claims(results, config)}


def test_interval_claims_flip_with_the_interval(config):
    windows = {8: 0.1, 16: 0.3, 32: 0.2}
    above = verdicts(make_results(F1, (0.01, 0.2), windows), config)
    below = verdicts(make_results(F1, (-0.2, -0.01), windows), config)
    across = verdicts(make_results(F1, (-0.1, 0.1), windows), config)
    for claim in ("OS-triplet", "OS-topk", "OS-fusion"):
        assert (above[claim], below[claim], across[claim]) == (
            "holds",
            "does not hold",
            "inconclusive",
        )


@pytest.mark.parametrize(
    ("windows", "verdict"),
    [
        ({8: 0.1, 16: 0.3, 32: 0.2}, "holds"),
        ({8: 0.31, 16: 0.3, 32: 0.2}, "partly"),
        ({8: 0.4, 16: 0.3, 32: 0.2}, "does not hold"),
        ({8: 0.4, 32: 0.2}, "does not hold"),
    ],
)
def test_window_claim(config, windows, verdict):
    claims = one_shot.claims(make_results(F1, (0.01, 0.2), windows), config)
    assert claims[-1].id == "OS-window" and claims[-1].verdict == verdict


def test_claims_name_the_best_single_stream(config):
    claims = one_shot.claims(make_results(F1, (0.01, 0.2), {16: 0.3}), config)
    fusion = next(c for c in claims if c.id == "OS-fusion")
    assert "RGB-like, combined loss" in fusion.ours and "0.600 vs 0.500" in fusion.ours


def test_chapter_results_are_plain_numbers(config):
    results = make_results(F1, (0.01, 0.2), {8: 0.1, 16: 0.3})
    chapter = one_shot.chapter_results(config, "tiny", results)
    metrics = json.loads(json.dumps(chapter.to_json()))["metrics"]
    assert metrics["test"]["fusion_all_topk"]["F1"] == pytest.approx(0.7)
    assert metrics["val"]["random"] == {"precision": 0.05, "recall": 0.05, "F1": 0.05}
    assert metrics["windows_val_f1"] == {"8": 0.1, "16": 0.3}
    assert metrics["leaderboard_f1"] == pytest.approx(0.559295)
    assert "8 test query clips" in chapter.data
    assert [c.id for c in chapter.claims] == ["OS-triplet", "OS-topk", "OS-fusion", "OS-window"]


def test_tables_for_display(config):
    results = make_results(F1, (0.01, 0.2), {16: 0.3})
    shown = one_shot.scores_table(config, results)
    assert shown.index[0] == ("test", "random window")
    assert list(shown.columns.get_level_values(0).unique()) == ["F1", "precision", "recall"]
    assert np.isnan(shown.loc[("test", "random window"), ("F1", "yes")])
    board = one_shot.leaderboard_table(config, "tiny", results)
    assert board["F1"].tolist() == pytest.approx([0.559295, 0.7])
    assert results.sweep_f1.loc[16, ("val", "no")] == pytest.approx(0.3)


def test_fusions_and_names():
    assert one_shot.fusions(["pose", "rgb", "hands"]) == {
        "fusion_all": ["pose", "rgb", "hands"],
        "fusion_pose_rgb": ["pose", "rgb"],
    }
    assert one_shot.fusions(["pose", "rgb"]) == {"fusion_all": ["pose", "rgb"]}
    assert one_shot.compared("hands")["OS-fusion"] == (("fusion_all", "no"), ("hands", "no"))


def test_config_rejects_bad_values(config):
    assert config.window == one_shot.PAPER_WINDOW
    with pytest.raises(ParamsError, match="one_shot.streams"):
        one_shot.Config.from_values({**config.to_dict(), "streams": ["depth"]})
    with pytest.raises(ParamsError, match="one_shot.n_gallery"):
        one_shot.Config.from_values({**dataclasses.asdict(config), "n_gallery": 1})

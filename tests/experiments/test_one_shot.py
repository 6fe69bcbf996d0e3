"""The one_shot chapter: claims on hand-made results, the tables, the results file."""

from __future__ import annotations

import dataclasses
import json

import numpy as np
import pandas as pd
import pytest
import torch

from slr_lib.config import ParamsError
from slr_lib.experiments import one_shot
from slr_lib.spotting.oslwl import OslwlBenchmark
from slr_lib.verdicts import Evidence
from tests.conftest import ROOT

METHODS = ["spot_align", "pose", "rgb", "hands", "pose_ce", "fusion_all", "fusion_pose_rgb"]


@pytest.fixture(scope="module")
def config(corpus_dir) -> one_shot.Config:
    return dataclasses.replace(
        one_shot.Config.load(ROOT / "params.yaml", "tiny"), corpus_dir=corpus_dir
    )


def benchmark(split: str, n_queries: int, truth: dict | None = None) -> OslwlBenchmark:
    queries = pd.DataFrame({"key": [f"q{i}" for i in range(n_queries)]})
    gallery = pd.DataFrame({"class_id": [0], "gloss": ["a"], "exemplar_id": ["e0"]})
    return OslwlBenchmark(split, gallery, queries, truth or {})


def evidence(verdict: str) -> Evidence:
    return Evidence("challenge F1 on test", 0.1, 0.05, 0.15, 0.02, (3, 3), 8, 0.1, verdict,
                    "Rule: made up.", digits=3)  # fmt: skip


def make_results(f1: dict[str, float], val_f1: dict[int, float], verdict: str = "holds"):
    """Results with test F1 per method (Top-K adds 0.1) and every claim's verdict `verdict`."""
    rows = [
        {"seed": 0, "method": m, "split": split, "Top-K": t, "precision": v, "recall": v, "F1": v}
        for m, score in {**f1, "random": 0.05}.items()
        for split in ("test", "val")
        for t in (("no",) if m == "random" else ("no", "yes"))
        for v in [score + (0.1 if t == "yes" else 0.0)]
    ]
    sweep = pd.DataFrame(
        [
            {"seed": 0, "window": w, "split": split, "Top-K": t, "precision": v, "recall": v,
             "F1": v}
            for w, v in val_f1.items()
            for split in ("val", "test")
            for t in ("no", "yes")
        ]
    )  # fmt: skip
    run = one_shot.SeedRun(0, pd.DataFrame({"model": ["pose"]}), {}, {}, {})
    return one_shot.Results(
        benchmarks={"val": benchmark("val", 4), "test": benchmark("test", 8)},
        training_windows=pd.DataFrame(),
        seed_runs=[run],
        scores=pd.DataFrame(rows),
        sweep=sweep,
        single="rgb",
        evidence={
            c: evidence(verdict) for c in ("OS-triplet", "OS-topk", "OS-fusion", "OS-window")
        },
    )


F1 = {"spot_align": 0.3, "pose": 0.4, "rgb": 0.5, "hands": 0.2, "pose_ce": 0.35}
F1 |= {"fusion_all": 0.6, "fusion_pose_rgb": 0.55}

TRUTH = {f"q{i}": [[i % 2, 1000, 1500]] for i in range(20)}
HITS = {f"q{i}": [[i % 2, 1000, 1500]] for i in range(20)}
MISSES = {f"q{i}": [[i % 2, 3000, 3500]] for i in range(20)}


def mixed(hits: int) -> dict:
    """Predictions that hit the first `hits` query clips and miss the others."""
    return {k: (HITS if i < hits else MISSES)[k] for i, k in enumerate(TRUTH)}


def seed_runs(better: list[int], worse: list[int]) -> list[one_shot.SeedRun]:
    """One seed run per pair of hit counts: method "a" and window 16 hit `better[i]` clips,
    method "b" and window 8 `worse[i]`, on val and test alike."""
    runs = []
    for seed, (a, b) in enumerate(zip(better, worse, strict=True)):
        tables = {(m, s, "no"): mixed(n) for m, n in (("a", a), ("b", b)) for s in ("val", "test")}
        sweep = {(w, s, "no"): mixed(n) for w, n in ((16, a), (8, b)) for s in ("val", "test")}
        runs.append(one_shot.SeedRun(seed, pd.DataFrame(), {}, tables, sweep))
    return runs


@pytest.mark.parametrize(
    ("better", "worse", "verdict", "window_verdict"),
    [
        ([18, 17, 19], [4, 5, 3], "holds", "holds"),
        # the interval excludes the effect size; for the window, a tie leaves 16 not best
        ([10, 10, 10], [10, 10, 10], "does not hold", "inconclusive"),
        ([12, 4, 16], [10, 11, 9], "inconclusive", "inconclusive"),
        ([18], [4], "inconclusive", "inconclusive"),  # one training seed
    ],
)
def test_method_and_window_evidence_follow_the_policy(
    config, better, worse, verdict, window_verdict
):
    runs = seed_runs(better, worse)
    benchmarks = {s: benchmark(s, 20, TRUTH) for s in ("val", "test")}
    hits = {"a": np.mean(better) / 20, "b": np.mean(worse) / 20}  # F1 = share of clips hit
    f1 = pd.Series({(m, s, "no"): hits[m] for m in hits for s in ("val", "test")})
    found = one_shot.difference_evidence(
        config, (benchmarks["test"], runs, f1), ("a", "no"), ("b", "no"), "val"
    )
    assert found.verdict == verdict and found.seeds == (len(better),) * 2
    assert "20 test query clips" in found.describe()
    sweep = pd.DataFrame(
        [{"window": w, "split": s, "Top-K": "no", "F1": f1[(m, s, "no")]}
         for w, m in ((16, "a"), (8, "b")) for s in ("val", "test")]
    )  # fmt: skip
    window = one_shot.window_evidence(config, benchmarks, runs, sweep)
    assert window.verdict == window_verdict


def test_window_claim_turns_round_when_another_window_wins(config):
    runs = seed_runs([4, 5, 3], [18, 17, 19])  # window 8 now hits more clips than 16
    benchmarks = {s: benchmark(s, 20, TRUTH) for s in ("val", "test")}
    sweep = pd.DataFrame(
        [{"window": w, "split": s, "Top-K": "no", "F1": f}
         for w, f in ((16, 0.2), (8, 0.9)) for s in ("val", "test")]
    )  # fmt: skip
    found = one_shot.window_evidence(config, benchmarks, runs, sweep)
    assert found.verdict == "does not hold" and "8 frames score best on val" in found.reason


def test_claims_carry_the_evidence(config):
    for verdict in ("holds", "inconclusive"):
        claims = one_shot.claims(make_results(F1, {8: 0.1, 16: 0.3}, verdict), config)
        assert [c.verdict for c in claims] == [verdict] * 4
        assert all("Rule: made up." in c.evidence for c in claims)


def test_claims_name_the_best_single_stream(config):
    claims = one_shot.claims(make_results(F1, {16: 0.3}), config)
    fusion = next(c for c in claims if c.id == "OS-fusion")
    assert "RGB-like, combined loss" in fusion.ours and "0.600 vs 0.500" in fusion.ours


def test_chapter_results_are_plain_numbers(config):
    results = make_results(F1, {8: 0.1, 16: 0.3})
    chapter = one_shot.chapter_results(config, "tiny", results)
    metrics = json.loads(json.dumps(chapter.to_json()))["metrics"]
    assert metrics["test"]["fusion_all_topk"]["F1"] == pytest.approx(0.7)
    assert metrics["val"]["random"] == {"precision": 0.05, "recall": 0.05, "F1": 0.05}
    assert metrics["windows_val_f1"] == {"8": 0.1, "16": 0.3}
    assert metrics["leaderboard_f1"] == pytest.approx(0.559295)
    assert "8 test query clips" in chapter.data
    assert [c.id for c in chapter.claims] == ["OS-triplet", "OS-topk", "OS-fusion", "OS-window"]


def test_tables_for_display(config):
    results = make_results(F1, {16: 0.3})
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
    assert "OS-unseen-gallery" not in one_shot.compared("hands")


def test_the_unseen_gallery_variant_replaces_the_fine_tuned_pose_encoder(config):
    assert one_shot.fusions(["pose", "rgb"], unseen=True)["fusion_unseen"] == [
        "pose_scratch",
        "rgb",
    ]
    assert "fusion_unseen" not in one_shot.fusions(["rgb", "hands"], unseen=True)
    assert one_shot.compared("rgb", unseen=True)["OS-unseen-gallery"] == (
        ("fusion_unseen", "yes"),
        ("random", "no"),
    )
    assert one_shot.unseen_gallery(config) == (config.exclude_gallery and "pose" in config.streams)
    seen = dataclasses.replace(config, exclude_gallery=False)
    assert not one_shot.unseen_gallery(seen)


def test_leaderboard_puts_the_unseen_variant_first(config):
    results = make_results({**F1, "fusion_unseen": 0.45}, {16: 0.3})
    board = one_shot.leaderboard_table(config, "tiny", results)
    assert board["F1"].tolist() == pytest.approx([0.559295, 0.55, 0.7])
    assert "never" not in board.index[2] and "new to the gallery" in board.index[1]


def test_config_rejects_bad_values(config):
    assert config.window == one_shot.PAPER_WINDOW
    with pytest.raises(ParamsError, match="one_shot.streams"):
        one_shot.Config.from_values({**config.to_dict(), "streams": ["depth"]})
    with pytest.raises(ParamsError, match="one_shot.n_gallery"):
        one_shot.Config.from_values({**dataclasses.asdict(config), "n_gallery": 1})


@pytest.mark.parametrize("keep", [True, False])
def test_a_seed_run_keeps_its_spottings_when_asked_and_never_its_window_features(
    config, keep, monkeypatch
):
    """`run` keeps the spottings of its first seed only; window features cost ~1 GB a seed."""
    tables = {("pose", "test", "no"): "table"}
    monkeypatch.setattr(one_shot, "train_models", lambda *a: ({}, pd.DataFrame()))
    monkeypatch.setattr(one_shot, "evaluate", lambda *a: ({"r": 2}, tables))
    monkeypatch.setattr(one_shot, "window_sweep", lambda *a: {"w": 3})
    run = one_shot.run_seed(config, None, {}, {}, 7, keep=keep)
    assert (run.seed, run.tables, run.sweep_tables) == (7, tables, {"w": 3})
    assert run.runs == ({"r": 2} if keep else {})
    assert not hasattr(run, "embedded")


def test_a_seed_run_draws_the_same_numbers_whatever_ran_before(config, monkeypatch):
    """Each run seeds itself, so runs side by side in worker processes give the numbers they
    give one after the other (the classifier rows a plan adds are drawn inside `train_models`)."""
    drawn = []

    def train_models(*args):
        drawn.append(torch.rand(3).tolist())
        return {}, pd.DataFrame()

    monkeypatch.setattr(one_shot, "train_models", train_models)
    monkeypatch.setattr(one_shot, "evaluate", lambda *a: ({}, {}))
    monkeypatch.setattr(one_shot, "window_sweep", lambda *a: {})
    one_shot.run_seed(config, None, {}, {}, 5)
    torch.rand(10)  # other work in between
    one_shot.run_seed(config, None, {}, {}, 5)
    one_shot.run_seed(config, None, {}, {}, 6)
    assert drawn[0] == drawn[1] != drawn[2]

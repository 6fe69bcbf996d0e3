"""The seds_ablations chapter's experiment: the runs wanted, claims on hand-made runs, a run."""

from __future__ import annotations

import json
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from slr_lib.config import ParamsError
from slr_lib.data_loader.seds import build_seds_splits
from slr_lib.experiments import seds_ablations
from slr_lib.experiments.seds_runs import ablation_variant
from slr_lib.experiments.seds_setup import Scoreboard, SEDSSetup
from slr_lib.metrics import rank_metrics
from slr_lib.papers.seds import TABLE_5, TABLE_6
from slr_lib.trainer.seds_study import Variant, VariantRun
from tests.ranks import rank_runs
from tests.seds_stand_ins import StandInText, made_up_rgb, saved_runs

N_TEST = 300  # the stand-in ranks' videos: chance T2V R@10 3.3 %

CONFIG = seds_ablations.Config(
    corpus_dir="data/corpora/main",
    rgb_features_dir="data/features/rgb_signs",
    cico_features_dir="",
    pose_encoder_dir="",
    pose_init=["hands"],
    runs_dir="data/seds/main",
    model_size="tiny",
    max_clips=8,
    finetune_text=False,
    epochs=1,
    batch_size=8,
    lr=3e-3,
    lr_text=1e-5,
    warmup=0.1,
    alpha=0.8,
    beta=0.4,
    seeds=[0, 1, 2],
    fusions=["add_mlp", "concat_mlp", "cgaf"],
    alphas=[0.0, 0.8, 1.6],
    betas=[0.0, 0.4, 0.8],
    heatmap_pair=0,
)


def fake_run(key, ranks) -> VariantRun:
    """A 'trained' run whose test metrics are those of `ranks` (all seeds pooled)."""
    t2v = rank_metrics(ranks.test.ravel())
    test = {"t2v": t2v, "v2t": dict(t2v)}
    return VariantRun(ablation_variant(key), None, pd.DataFrame(), 1, test, 2.5)


def results(rates=None, gap_with: float = 0.1, gap_without: float = 0.3, config=CONFIG):
    """Hand-made results: every wanted run's own video first at rate 0.3 unless `rates` says
    otherwise, over the config's seeds; matched-pair gaps around `gap_with` and `gap_without`."""
    rates, seeds = rates or {}, len(config.seeds)
    ranks = {
        k: rank_runs(rates.get(k, 0.3), seeds=seeds, queries=N_TEST, seed=i)
        for i, k in enumerate(seds_ablations.wanted_runs(config))
    }
    runs = {k: fake_run(k, r) for k, r in ranks.items()}
    rng = np.random.default_rng(0)
    gaps = {
        label: {split: np.abs(rng.normal(gap, 0.05, (seeds, N_TEST))) for split in ("test", "val")}
        for label, gap in (("with", gap_with), ("without", gap_without))
    }
    matched = pd.DataFrame(
        {
            label: {
                "mean E, pose-text": 0.2,
                "mean E, RGB-text": 0.3,
                "mean E, fusion-text": 0.4,
                seds_ablations.GAP: float(gaps[label]["test"].mean()),
            }
            for label in gaps
        }
    )
    alpha, beta = config.alpha, config.beta
    return seds_ablations.Results(
        runs=runs,
        ranks=ranks,
        scoreboard=Scoreboard(runs, N_TEST),
        table5=pd.DataFrame(),
        table6=pd.DataFrame(),
        alpha_sweep=seds_ablations.sweep(runs, [("cgaf", a, beta) for a in config.alphas], 1),
        beta_sweep=seds_ablations.sweep(runs, [("cgaf", alpha, b) for b in config.betas], 2),
        pair=0,
        matrices={},
        matched=matched,
        gaps=gaps,
    )


def verdicts(res, config=CONFIG) -> dict[str, str]:
    return {c.id: c.verdict for c in seds_ablations.claims(res, config)}


def test_each_wanted_run_once_in_sorted_order():
    keys = seds_ablations.wanted_runs(CONFIG)
    assert keys == sorted(set(keys))
    assert ("cgaf", 0.8, 0.0) in keys and ("add_mlp", 0.8, 0.4) in keys
    assert len(keys) == 2 + 5  # two other fusions; CGAF at alpha 0, 0.8, 1.6 and beta 0, 0.8
    assert ablation_variant(("cgaf", 0.8, 0.0)) == Variant(
        "CGAF, alpha 0.8, beta 0", fusion="cgaf", alpha=0.8, beta=0.0
    )


def test_cgaf_best_flips_with_the_numbers():
    cgaf = ("cgaf", 0.8, 0.4)
    assert verdicts(results({cgaf: 0.6}))["S-T5-cgaf-best"] == "holds"
    assert verdicts(results({cgaf: 0.1}))["S-T5-cgaf-best"] == "does not hold"
    assert verdicts(results({cgaf: 0.32}))["S-T5-cgaf-best"] == "inconclusive"  # a tie
    assert verdicts(results({cgaf: 0.6, ("add_mlp", 0.8, 0.4): 0.0}))["S-T5-cgaf-best"] == (
        "holds"  # Add-MLP at chance is not the runner-up
    )
    alone = replace(CONFIG, fusions=["cgaf"])
    assert verdicts(results({cgaf: 0.6}, config=alone), alone)["S-T5-cgaf-best"] == (
        "inconclusive"  # nothing to compare with
    )


def test_fewer_than_three_seeds_decide_nothing():
    one = replace(CONFIG, seeds=[0])
    got = verdicts(results({("cgaf", 0.8, 0.4): 0.6}, config=one), one)
    assert set(got.values()) == {"inconclusive"}


def test_every_claim_records_its_evidence():
    for claim in seds_ablations.claims(results(), CONFIG):
        assert "95 % interval" in claim.evidence and "seeds" in claim.evidence, claim.id


def test_alignment_helps_and_closes_the_gap():
    got = verdicts(results({("cgaf", 0.8, 0.4): 0.6}))
    assert got["S-T6-alignment-helps"] == "holds"
    assert got["S-F6-alignment-closes-gap"] == "holds"
    got = verdicts(results({("cgaf", 0.8, 0.0): 0.6}, gap_with=0.3, gap_without=0.1))
    assert got["S-T6-alignment-helps"] == "does not hold"
    assert got["S-F6-alignment-closes-gap"] == "does not hold"


def test_interior_optimum_of_the_sweeps():
    got = verdicts(results({("cgaf", 0.8, 0.4): 0.6}))
    assert got["S-F5-alpha-interior"] == got["S-F5-beta-interior"] == "holds"
    got = verdicts(results({("cgaf", 1.6, 0.4): 0.6, ("cgaf", 0.8, 0.0): 0.6}))
    assert got["S-F5-alpha-interior"] == got["S-F5-beta-interior"] == "does not hold"
    two = replace(CONFIG, alphas=[0.0, 0.8])
    assert verdicts(results(config=two), two)["S-F5-alpha-interior"] == "inconclusive"


def test_paper_tables_come_from_the_registry():
    paper5, paper6 = seds_ablations.paper_table5(), seds_ablations.paper_table6()
    assert list(paper5.index) == list(seds_ablations.FUSION_NAMES.values())
    assert paper5.loc["Concat-Transformer", ("t2v", "R1")] == TABLE_5.value(
        "Concate-Trans", "T2V R@1"
    )
    assert paper6.loc["without", ("v2t", "R10")] == TABLE_6.value("No", "V2T R@10") == 74.2


def test_chapter_results_are_plain_numbers(corpus_dir):
    config = replace(CONFIG, corpus_dir=corpus_dir)
    chapter = seds_ablations.chapter_results(config, "tiny", results())
    assert len(chapter.claims) == 5
    assert set(chapter.metrics["table5"]) == {"Add-MLP", "Concat-MLP", "CGAF"}
    assert list(chapter.metrics["alpha_t2v_rsum"]) == ["0", "0.8", "1.6"]
    assert 0.05 < chapter.metrics["matched_similarity"]["with"][seds_ablations.GAP] < 0.15
    json.dumps(chapter.to_json())


@pytest.mark.parametrize(
    ("knob", "value"), [("fusions", ["sum"]), ("alphas", []), ("heatmap_pair", -1)]
)
def test_config_rejects_bad_values(knob, value):
    values = {**CONFIG.to_dict(), knob: value}
    with pytest.raises(ParamsError, match=knob):
        seds_ablations.Config.from_values(values)


@pytest.mark.usefixtures("one_thread")
def test_run_with_and_without_alignment(generated, corpus_dir, tmp_path):
    corpus = generated[1]
    meta = {"window": 16, "stride": 4}
    splits = build_seds_splits(corpus, made_up_rgb(corpus), meta, max_clips=8)
    setup = SEDSSetup(corpus, meta, splits, StandInText())
    config = replace(
        CONFIG,
        fusions=["cgaf"],
        alphas=[0.8],
        betas=[0.4],
        heatmap_pair=99,
        seeds=[0, 1],
        corpus_dir=corpus_dir,
    )
    variants = [ablation_variant(key) for key in seds_ablations.wanted_runs(config)]
    config = replace(config, runs_dir=saved_runs(tmp_path / "runs", config, setup, variants))
    res = seds_ablations.run(config, setup)
    assert list(res.runs) == [("cgaf", 0.8, 0.0), ("cgaf", 0.8, 0.4)]
    assert res.ranks[("cgaf", 0.8, 0.4)].seeds == 2
    assert res.gaps["with"]["val"].shape == (2, len(splits["val"]))
    assert list(res.table6.index) == ["without", "with"]
    assert res.pair == len(splits["test"]) - 1
    assert set(res.matrices["with"]) == {"pose", "rgb", "fusion"}
    assert list(res.matched.columns) == ["with", "without"]
    json.dumps(seds_ablations.chapter_results(config, "tiny", res).to_json())

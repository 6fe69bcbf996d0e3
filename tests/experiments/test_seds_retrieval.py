"""The seds_retrieval chapter's experiment: claims on hand-made runs, its results file, a run."""

from __future__ import annotations

import json
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from slr_lib.config import ParamsError
from slr_lib.data_loader.seds import build_seds_splits
from slr_lib.experiments import seds_retrieval
from slr_lib.experiments.seds_setup import Scoreboard, SEDSSetup
from slr_lib.metrics import rank_metrics
from slr_lib.papers.seds import TABLE_1, TABLE_4
from slr_lib.results import ChapterResults, write_results
from slr_lib.trainer.seds_study import Variant, VariantRun
from tests.ranks import rank_runs
from tests.seds_stand_ins import StandInText, made_up_rgb, saved_runs

N_TEST = 300  # the stand-in ranks' videos: chance T2V R@10 3.3 %

CONFIG = seds_retrieval.Config(
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
    seeds=[0],
    spotalign_results="results/spotalign_fusion.json",
    n_examples=2,
)


def metrics(r1: float, r5: float, r10: float) -> dict[str, dict[str, float]]:
    one = {"R1": r1, "R5": r5, "R10": r10, "MedR": 3.0}
    return {"t2v": dict(one), "v2t": dict(one)}


def fake_run(name: str, ranks) -> VariantRun:
    """A 'trained' run whose test metrics are those of `ranks` (all seeds pooled)."""
    t2v = rank_metrics(ranks.test.ravel())
    return VariantRun(Variant(name), None, pd.DataFrame(), 1, {"t2v": t2v, "v2t": dict(t2v)}, 2.5)


def results(seds: float, cico: float, pose: float, sa_comb_r10: float = 30.0, seeds: int = 3):
    """Results of models whose own video comes first at the given rates, over `seeds` seeds."""
    rates = {"SEDS": seds, "CiCo": cico, "pose only": pose}
    ranks = {
        name: rank_runs(rate, seeds=seeds, queries=N_TEST, seed=i)
        for i, (name, rate) in enumerate(rates.items())
    }
    runs = {name: fake_run(name, r) for name, r in ranks.items()}
    spotalign = {
        "SA-SR": metrics(1.0, 2.0, 3.0),
        "SA-CM": metrics(4.0, 5.0, 6.0),
        "SA-COMB": metrics(sa_comb_r10 / 3, sa_comb_r10 / 2, sa_comb_r10),
    }
    examples = seds_retrieval.Examples({}, np.array([], dtype=int), pd.DataFrame())
    return seds_retrieval.Results(
        runs=runs,
        history=pd.DataFrame(),
        spotalign=spotalign,
        table1=seds_retrieval.table1(spotalign, runs),
        table4=seds_retrieval.table4(runs),
        scoreboard=Scoreboard(runs, N_TEST),
        examples=examples,
        ranks=ranks,
        seds_streams=pd.DataFrame({"R10": [1.0], "R50": [2.0], "MeanR": [3.0]}, index=["pose"]),
    )


def verdicts(res) -> dict[str, str]:
    return {c.id: c.verdict for c in seds_retrieval.claims(res)}


def test_seds_against_cico_follows_the_rank_policy():
    assert verdicts(results(seds=0.4, cico=0.2, pose=0.3))["S-T1-seds-beats-cico"] == "holds"
    assert verdicts(results(seds=0.2, cico=0.4, pose=0.3))["S-T1-seds-beats-cico"] == (
        "does not hold"
    )
    few = results(seds=0.4, cico=0.2, pose=0.3, seeds=2)
    assert verdicts(few)["S-T1-seds-beats-cico"] == "inconclusive"


def test_every_claim_records_its_evidence():
    for claim in seds_retrieval.claims(results(seds=0.4, cico=0.2, pose=0.3)):
        assert "95 % interval" in claim.evidence and "seeds" in claim.evidence, claim.id


def test_a_model_at_chance_is_not_compared():
    got = verdicts(results(seds=0.4, cico=0.0, pose=0.3))  # CiCo at chance
    assert got["S-T1-seds-beats-cico"] == "inconclusive"
    assert got["S-T4-pose-rgb-similar"] == "inconclusive"
    assert got["S-T1-beats-spotalign"] == "holds"  # SEDS R@10 ~ 42 against 30: SEDS alone


def test_pose_and_rgb_about_the_same_can_only_be_refuted():
    assert verdicts(results(0.5, 0.2, 0.4))["S-T4-pose-rgb-similar"] == "does not hold"
    assert verdicts(results(0.5, 0.3, 0.3))["S-T4-pose-rgb-similar"] == "inconclusive"


def test_against_spotalign_and_fusion():
    got = verdicts(results(seds=0.1, cico=0.1, pose=0.1, sa_comb_r10=60.0))
    assert got["S-T1-beats-spotalign"] == "does not hold"
    assert verdicts(results(seds=0.5, cico=0.2, pose=0.3))["S-T4-fusion-beats-streams"] == "holds"
    assert verdicts(results(seds=0.2, cico=0.1, pose=0.4))["S-T4-fusion-beats-streams"] == (
        "does not hold"
    )


def test_tables_take_spotalign_rows_then_the_runs():
    res = results(seds=0.4, cico=0.2, pose=0.3)
    assert list(res.table1.index) == ["SA-SR", "SA-CM", "SA-COMB", "CiCo", "SEDS"]
    assert res.table1.loc["SEDS", ("t2v", "R10")] == pytest.approx(
        res.runs["SEDS"].test["t2v"]["R10"]
    )
    assert list(res.table4.index) == list(seds_retrieval.TABLE4_ROWS)
    assert res.table4.loc["pose only", ("v2t", "R1")] == pytest.approx(
        res.runs["pose only"].test["v2t"]["R1"]
    )


def test_paper_tables_come_from_the_registry():
    paper1, paper4 = seds_retrieval.paper_table1(), seds_retrieval.paper_table4()
    assert paper1.loc["SEDS", ("t2v", "R1")] == TABLE_1.value("Ours", "T2V R@1") == 62.5
    assert paper1.loc["SA-COMB", ("v2t", "MedR")] == 7.5
    assert paper4.loc["RGB only (CiCo)", ("v2t", "R10")] == TABLE_4.value(
        "RGB, How2Sign", "V2T R@10"
    )
    assert list(paper1.columns) == list(results(0.3, 0.3, 0.3).table1.columns)


def test_chapter_results_are_plain_numbers(corpus_dir):
    config = replace(CONFIG, corpus_dir=corpus_dir)
    chapter = seds_retrieval.chapter_results(config, "tiny", results(0.4, 0.2, 0.3))
    assert isinstance(chapter, ChapterResults) and len(chapter.claims) == 4
    assert set(chapter.metrics["table1"]) == {"SA-SR", "SA-CM", "SA-COMB", "CiCo", "SEDS"}
    assert chapter.metrics["runs"]["SEDS"]["best_epoch"] == 1
    json.dumps(chapter.to_json())  # numbers only
    assert type(chapter.metrics["table1"]["SEDS"]["t2v"]["R1"]) is float


def test_read_spotalign_picks_the_equal_weight_combination(tmp_path):
    table6 = {"SR": metrics(1, 2, 3), "CM": metrics(4, 5, 6), "SR + CM (w = 0.5)": metrics(7, 8, 9)}
    path = write_results(
        tmp_path / "spotalign_fusion.json",
        ChapterResults("spotalign_fusion", "t", "tiny", "d", {"table6": table6}),
    )
    rows = seds_retrieval.read_spotalign(str(path))
    assert list(rows) == ["SA-SR", "SA-CM", "SA-COMB"]
    assert rows["SA-COMB"]["t2v"]["R10"] == 9


@pytest.mark.parametrize(
    ("knob", "value"), [("n_examples", 0), ("model_size", "huge"), ("warmup", 1.5)]
)
def test_config_rejects_bad_values(knob, value):
    values = {**CONFIG.to_dict(), knob: value}
    with pytest.raises(ParamsError, match=knob):
        seds_retrieval.Config.from_values(values)


@pytest.mark.usefixtures("one_thread")
def test_run_loads_three_models_and_scores_them(generated, tmp_path, corpus_dir):
    corpus = generated[1]
    meta = {"window": 16, "stride": 4}
    splits = build_seds_splits(corpus, made_up_rgb(corpus), meta, max_clips=8)
    setup = SEDSSetup(corpus, meta, splits, StandInText())
    table6 = {"SR": metrics(1, 2, 3), "CM": metrics(4, 5, 6), "SR + CM": metrics(7, 8, 9)}
    spotalign = write_results(
        tmp_path / "sa.json",
        ChapterResults("spotalign_fusion", "t", "tiny", "d", {"table6": table6}),
    )
    config = replace(CONFIG, spotalign_results=str(spotalign), corpus_dir=corpus_dir)
    runs_dir = saved_runs(tmp_path / "runs", config, setup, seds_retrieval.MODELS)
    config = replace(config, runs_dir=runs_dir)
    res = seds_retrieval.run(config, setup)
    assert list(res.runs) == ["SEDS", "CiCo", "pose only"]
    assert set(res.history["model"]) == set(res.runs)
    assert res.scoreboard.n_test == len(splits["test"])
    assert len(res.examples.picked) <= config.n_examples
    assert set(res.examples.scores) == set(seds_retrieval.FIG7_ENCODERS)
    assert list(res.seds_streams.index) == ["pose", "rgb", "fusion"]
    chapter = seds_retrieval.chapter_results(config, "tiny", res)
    json.dumps(chapter.to_json())

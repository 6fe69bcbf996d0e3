"""The seds_phoenix chapter (SEDS Tables 2 and 4 on the PHOENIX-like corpus)."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest
import torch

from slr_lib.data.corpus import Corpus
from slr_lib.data_loader.seds import build_seds_splits
from slr_lib.experiments import seds_phoenix as chapter
from slr_lib.experiments.seds_setup import Scoreboard, SEDSSetup
from slr_lib.results import ChapterResults, write_results
from tests.experiments.test_seds_retrieval import CONFIG as SEDS_CONFIG
from tests.experiments.test_seds_retrieval import N_TEST, fake_run, metrics
from tests.ranks import rank_runs
from tests.seds_stand_ins import StandInText, made_up_rgb

KNOBS = {
    k: v
    for k, v in SEDS_CONFIG.to_dict().items()
    if k not in ("runs_dir", "spotalign_results", "n_examples")
}
TABLE7 = {"Translation": metrics(1, 2, 3), "Cross-modal": metrics(4, 5, 6),
          "Combination": metrics(7, 8, 30)}  # fmt: skip


def config(tmp_path, **changes) -> chapter.Config:
    results = write_results(
        tmp_path / "phoenix_retrieval.json",
        ChapterResults("phoenix_retrieval", "t", "tiny", "d", {"table7": TABLE7}),
    )
    values = {
        **KNOBS,
        "corpus_dir": str(tmp_path / "corpus"),
        "phoenix_dir": str(tmp_path),
        "rgb_encoder_dir": "data/features/rgb_signs",
        "phoenix_results": str(results),
    }
    return chapter.Config(**{**values, **changes})  # fmt: skip


def made_results(seds: float, cico: float, pose: float) -> chapter.Results:
    rates = {"SEDS": seds, "CiCo": cico, "pose only": pose}
    ranks = {n: rank_runs(r, queries=N_TEST, seed=i) for i, (n, r) in enumerate(rates.items())}
    runs = {name: fake_run(name, r) for name, r in ranks.items()}
    spotalign = {row: TABLE7[m] for row, m in chapter.SPOTALIGN_ROWS.items()}
    return chapter.Results(runs, ranks, spotalign, Scoreboard(runs, N_TEST))


@pytest.mark.parametrize(
    ("rates", "verdicts"),
    [
        ((0.6, 0.3, 0.1), ("holds", "holds", "holds")),
        ((0.2, 0.5, 0.6), ("does not hold", "does not hold", "does not hold")),
    ],
)
def test_the_verdicts_follow_the_numbers(rates, verdicts):
    claims = chapter.claims(made_results(*rates))
    assert [c.id for c in claims] == [
        "S-T2-seds-beats-cico", "S-T2-beats-spotalign", "S-T4-rgb-beats-pose-phoenix"
    ]  # fmt: skip
    assert tuple(c.verdict for c in claims) == verdicts
    assert claims[0].paper_value == "T2V R@1 76.8 vs 69.5"
    assert "simulator" in claims[2].note


def test_tables_put_spotalign_rows_first_and_match_the_paper_layout():
    results = made_results(0.5, 0.3, 0.2)
    table2, table4 = results.table2(), results.table4()
    assert list(table2.index) == ["SA-SR", "SA-CM", "SA-COMB", "CiCo", "SEDS"]
    assert table2.loc["SA-COMB", ("t2v", "R10")] == 30
    assert list(table2.columns) == list(chapter.paper_table2().columns)
    assert list(table4.index) == ["pose only", "CiCo"]
    assert chapter.paper_table4().loc["CiCo", ("t2v", "R1")] == 70.4


def test_the_chapter_says_why_it_cannot_run(tmp_path):
    (tmp_path / "none.json").write_text(json.dumps({"reason": "corpora.phoenix: none"}))
    assert "none" in chapter.unavailable(config(tmp_path))
    (tmp_path / "none.json").unlink()
    assert "keypoints" in chapter.unavailable(config(tmp_path))


def test_no_rgb_encoder_means_no_rgb_stream(tmp_path):
    from tests.experiments.test_phoenix_retrieval import build_weather_role

    out = build_weather_role(tmp_path / "role")
    cfg = replace(
        config(tmp_path), corpus_dir=str(out / "corpus"), phoenix_dir=str(out),
        rgb_encoder_dir=str(tmp_path / "no_encoder"),
    )  # fmt: skip
    assert "no pre-trained RGB encoder" in chapter.unavailable(cfg)


@pytest.mark.usefixtures("one_thread")
def test_run_trains_three_models_on_a_weather_corpus(tmp_path):
    from tests.experiments.test_phoenix_retrieval import build_weather_role

    out = build_weather_role(tmp_path / "role")
    corpus = Corpus.load(out / "corpus")
    meta = {"window": 16, "stride": 4}
    splits = build_seds_splits(corpus, made_up_rgb(corpus), meta, max_clips=8)
    setup = SEDSSetup(corpus, meta, splits, StandInText())
    encoder_dir = tmp_path / "rgb_signs"
    encoder_dir.mkdir()
    (encoder_dir / "encoder.pt").write_bytes(b"")  # only its presence is checked here
    cfg = replace(
        config(tmp_path), corpus_dir=str(out / "corpus"), phoenix_dir=str(out),
        rgb_encoder_dir=str(encoder_dir),
    )  # fmt: skip
    assert chapter.unavailable(cfg) is None
    torch.manual_seed(0)
    results = chapter.run(cfg, setup)
    assert list(results.runs) == ["SEDS", "CiCo", "pose only"]
    out_results = chapter.chapter_results(cfg, "tiny", results)
    assert set(out_results.metrics["table2"]) == {"SA-SR", "SA-CM", "SA-COMB", "CiCo", "SEDS"}
    json.dumps(out_results.to_json())

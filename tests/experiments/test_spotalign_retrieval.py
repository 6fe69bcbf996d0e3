"""The spotalign_retrieval chapter: claims on hand-made results, tables, the results file."""

from __future__ import annotations

import dataclasses
import json

import pytest

from slr_lib.config import ParamsError
from slr_lib.experiments import spotalign_retrieval as sr_chapter
from slr_lib.reporting import mean_std
from tests.conftest import ROOT
from tests.ranks import rank_runs, seed_runs


def make_results(better: bool, speech: bool = True, steps: int = 1) -> sr_chapter.Results:
    """Results where every claim holds (`better`) or where every claim fails; hit rates of the
    right video at rank 1 stand for the models' quality."""
    high, low = (0.5, 0.1) if better else (0.1, 0.5)
    cm_levels = {"generic": low, "bobsl": high, "M": low}
    for i in range(1, steps + 1):  # each step moves from low to the middle, X above R
        cm_levels[f"M+D{i}_R"] = low + (0.3 - low) * i / steps
    for i in range(1, steps + 1):
        cm_levels[f"M+D{i}_X"] = cm_levels[f"M+D{i}_R"] + (high - low) / 2
    table1 = seed_runs(cm_levels, "embedding")
    sr_levels = {name: level for name, level in cm_levels.items() if name.startswith("M")}
    sr_ranks = {n: rank_runs(v, seeds=1, seed=10 + i) for i, (n, v) in enumerate(sr_levels.items())}
    sr = sr_chapter.sr_table(sr_ranks)
    cm = table1.runs
    init = cm.loc[cm["embedding"].isin(["M", "M+D1_R"]) & cm["seed"].isin([0])]
    speech_result = None
    if speech:
        both = seed_runs({"Speech": low, "Signing": high}, "embedding")
        speech_sr = {"Speech": rank_runs(low, seeds=1), "Signing": rank_runs(high, seeds=1)}
        speech_result = sr_chapter.Speech(
            iterations=1,
            matched=f"M+D{steps}_X",
            seeds=[0, 1, 2],
            runs=both.runs.loc[both.runs["embedding"] == "Speech"],
            summary=both.summary,
            sr=sr_chapter.sr_table(speech_sr),
            ranks=both.ranks,
        )
    return sr_chapter.Results(
        models={"M": {"classes": 49, "top5": 30.0}, "M+D1_R": {"classes": 49, "top5": 60.0}},
        steps=[f"D{i}" for i in range(1, steps + 1)],
        cm=cm,
        cm_summary=table1.summary,
        cm_ranks=table1.ranks,
        sr=sr,
        sr_ranks=sr_ranks,
        init_cm=init,
        init_summary=mean_std(init, "embedding", sr_chapter.SUMMARISED),
        init_sr=sr.loc[["M", "M+D1_R"]],
        speech=speech_result,
    )


def verdicts(results: sr_chapter.Results) -> dict[str, str]:
    return {c.id: c.verdict for c in sr_chapter.claims(results)}


def test_claims_hold_when_the_numbers_say_so():
    assert verdicts(make_results(better=True)) == {
        "T1-iterations-help": "holds",
        "T1-iterations-help-sr": "inconclusive",  # one recogniser: fewer than 3 seeds
        "T1-expanded-vocabulary": "holds",
        "T1-sign-pretraining": "holds",
        "T5-speech-alignment-hurts": "holds",
    }


def test_claims_fail_when_the_numbers_flip():
    found = verdicts(make_results(better=False))
    assert found["T1-sign-pretraining"] == "does not hold"
    assert found["T1-iterations-help"] == "does not hold"
    assert found["T1-expanded-vocabulary"] == "does not hold"
    assert found["T5-speech-alignment-hurts"] == "does not hold"


def test_every_claim_records_its_evidence():
    for claim in sr_chapter.claims(make_results(better=True)):
        assert "95 % interval" in claim.evidence and "test queries" in claim.evidence
    (sr_claim,) = [c for c in sr_chapter.claims(make_results(True)) if c.id.endswith("-sr")]
    assert "Fewer than 3 training seeds" in sr_claim.evidence


def test_later_iterations_are_a_claim_of_their_own():
    assert "T1-later-iterations-help" not in verdicts(make_results(True))
    found = verdicts(make_results(True, steps=3))
    assert found["T1-later-iterations-help"] == "holds"
    assert verdicts(make_results(False, steps=3))["T1-later-iterations-help"] == "does not hold"


def test_no_speech_claim_without_the_speech_chain():
    assert "T5-speech-alignment-hurts" not in verdicts(make_results(True, speech=False))


def test_speech_claim_reports_rounded_sr_and_the_seeds():
    speech = make_results(better=True).speech
    claim = sr_chapter.speech_claim(speech)
    sr_r1 = speech.sr["R1"]
    assert claim.ours.endswith(f"SR R@1 {sr_r1['Speech']:.1f} vs {sr_r1['Signing']:.1f}")
    assert claim.note == "CM over seeds [0, 1, 2]; the verdict reads CM."


def test_model_names_follow_the_iterations():
    assert sr_chapter.table1_models(["D1", "D2"]) == ["M", "M+D1_R", "M+D2_R", "M+D1_X", "M+D2_X"]
    results = make_results(True)
    assert (results.last, results.final) == ("M+D1_R", "M+D1_X")
    assert results.order == ["generic", "bobsl", "M", "M+D1_R", "M+D1_X"]


def test_tables_have_a_row_per_model():
    results = make_results(True)
    table = sr_chapter.table1(results)
    assert list(table.index) == results.order
    assert table.loc["generic", "SR R1"] == "-"
    assert table.loc["M", "vocabulary"] == "49" and table.loc["bobsl", "vocabulary"] == "-"
    mean, std = results.cm_summary.loc["bobsl", ["R1_mean", "R1_std"]]
    assert table.loc["bobsl", "CM R1"] == f"{mean:.1f} ± {std:.1f}"
    init = sr_chapter.initialisation_table(results)
    assert list(init["top-5"]) == [30.0, 60.0]
    assert list(sr_chapter.speech_table(results.speech).index) == ["Speech", "Signing"]


def test_chapter_results_metrics_are_plain_numbers(corpus_dir):
    config = sr_chapter.Config.load(ROOT / "params.yaml", "tiny")
    config = dataclasses.replace(config, corpus_dir=corpus_dir)
    chapter = sr_chapter.chapter_results(config, "tiny", make_results(True))
    assert chapter.chapter == "spotalign_retrieval"
    assert set(chapter.metrics) == {"cm", "sr"}
    assert list(chapter.metrics["cm"]) == ["generic", "bobsl", "M", "M+D1_R", "M+D1_X"]
    for table in chapter.metrics.values():
        for row in table.values():
            assert all(type(v) is float for v in row.values())
    json.dumps(chapter.to_json())


def test_config_rejects_a_bad_value():
    config = sr_chapter.Config.load(ROOT / "params.yaml", "tiny")
    values = {**config.to_dict(), "sr_threshold": 1.5}
    with pytest.raises(ParamsError, match="sr_threshold"):
        sr_chapter.Config.from_values(values)
    with pytest.raises(ParamsError, match="embedding"):
        sr_chapter.Config.from_values({**config.to_dict(), "embedding": "file"})
    tweaked = dataclasses.replace(config, epochs=3)
    assert sr_chapter.train_config(tweaked).epochs == 3

"""The spotalign_retrieval chapter: claims on hand-made results, tables, the results file."""

from __future__ import annotations

import dataclasses
import json

import pandas as pd
import pytest

from slr_lib.config import ParamsError
from slr_lib.experiments import spotalign_retrieval as sr_chapter
from slr_lib.reporting import mean_std
from tests.conftest import ROOT

METRICS = ["R1", "R5", "R10", "R50", "MedR", "MeanR", "geometric_mean_R1_R5_R10"]


def metrics_row(level: float) -> dict[str, float]:
    """Retrieval metrics that all grow with `level` (MedR falls)."""
    return {
        "R1": level,
        "R5": 2 * level,
        "R10": 3 * level,
        "R50": min(100.0, 5 * level),
        "MedR": 50.0 - level,
        "MeanR": 60.0 - level,
        "geometric_mean_R1_R5_R10": (6 * level**3) ** (1 / 3),
    }


def cm_runs(levels: dict[str, float], seeds: list[int]) -> pd.DataFrame:
    """Per-seed CM runs: embedding `name` scores `level` +- 0.1 over the seeds."""
    return pd.DataFrame(
        [
            {"seed": s, "best_epoch": 1, **metrics_row(level + 0.1 * (i - 1)), "embedding": name}
            for name, level in levels.items()
            for i, s in enumerate(seeds)
        ]
    )


def make_results(better: bool, speech: bool = True) -> sr_chapter.Results:
    """Results where every claim holds (`better`) or where every claim fails."""
    high, low = (20.0, 5.0) if better else (5.0, 20.0)
    cm_levels = {
        "generic": low,
        "bobsl": high,
        "M": low,
        "M+D1_R": 10.0,
        "M+D1_X": 10.0 + (high - low) / 3,
    }
    cm = cm_runs(cm_levels, [0, 1, 2])
    sr = pd.DataFrame(
        {"M": metrics_row(low), "M+D1_R": metrics_row(10.0), "M+D1_X": metrics_row(10.0)}
    ).T
    init = cm.loc[cm["embedding"].isin(["M", "M+D1_R"]) & cm["seed"].isin([0])]
    speech_result = None
    if speech:
        both = cm_runs({"Speech": low, "Signing": high}, [0, 1, 2])
        speech_result = sr_chapter.Speech(
            iterations=1,
            matched="M+D1_X",
            seeds=[0, 1, 2],
            runs=both.loc[both["embedding"] == "Speech"],
            summary=mean_std(both, "embedding", sr_chapter.SUMMARISED),
            sr=pd.DataFrame({"Speech": metrics_row(low), "Signing": metrics_row(high)}).T,
        )
    return sr_chapter.Results(
        models={"M": {"classes": 49, "top5": 30.0}, "M+D1_R": {"classes": 49, "top5": 60.0}},
        steps=["D1"],
        cm=cm,
        cm_summary=mean_std(cm, "embedding", sr_chapter.SUMMARISED),
        sr=sr,
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
        "T1-iterations-help-sr": "holds",
        "T1-expanded-vocabulary": "holds",
        "T1-sign-pretraining": "holds",
        "T5-speech-alignment-hurts": "holds",
    }


def test_claims_fail_when_the_numbers_flip():
    found = verdicts(make_results(better=False))
    assert found["T1-sign-pretraining"] == "does not hold"
    assert found["T1-iterations-help"] == "does not hold"
    assert found["T1-iterations-help-sr"] == "does not hold"
    assert found["T1-expanded-vocabulary"] == "does not hold"
    assert found["T5-speech-alignment-hurts"] == "does not hold"


def test_no_speech_claim_without_the_speech_chain():
    assert "T5-speech-alignment-hurts" not in verdicts(make_results(True, speech=False))


def test_speech_claim_reports_rounded_sr_and_the_seeds():
    claim = sr_chapter.speech_claim(make_results(better=True).speech)
    assert claim.ours.endswith("SR R@1 5.0 vs 20.0")
    assert claim.note == "CM over seeds [0, 1, 2]."


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
    assert table.loc["bobsl", "CM R1"] == "20.0 ± 0.1"
    init = sr_chapter.initialisation_table(results)
    assert list(init["top-5"]) == [30.0, 60.0]
    assert list(sr_chapter.speech_table(results.speech).index) == ["Speech", "Signing"]


def test_chapter_results_metrics_are_plain_numbers():
    config = sr_chapter.Config.load(ROOT / "params.yaml", "tiny")
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

"""The phoenix_retrieval chapter (SPOT-ALIGN Table 7): claims, the run on a tiny weather corpus."""

from __future__ import annotations

import json

import pytest

from slr_lib.data.clip_features import FixedClipEncoder
from slr_lib.data.corpora import CorporaConfig
from slr_lib.data.phoenix_role import build_role
from slr_lib.data.simulate.params import CorpusParams
from slr_lib.data.simulate.weather_params import WeatherCorpusParams
from slr_lib.experiments import phoenix_retrieval as chapter
from slr_lib.experiments.crossmodal_setup import GEOMETRIC_MEAN
from slr_lib.metrics import rank_metrics
from tests.ranks import rank_runs

KNOBS = dict(
    clusters=2, out_dim=8, margin=0.2, loss_normalisation="batch", lr=0.001,
    weight_decay=1e-5, batch_size=8, epochs=1, seeds=[0, 1], word2vec_dim=8,
    view="pose", embedding="word2vec", text_language="de", translator_size="tiny",
    translator_epochs=1, translator_batch_size=16, beam_size=1, fusion_weight=0.5,
    realdata_dir="../shared/realdata",
)  # fmt: skip


@pytest.fixture(scope="module")
def phoenix(tmp_path_factory):
    """A tiny PHOENIX-like role, as the phoenix_corpus stage writes it."""
    out = tmp_path_factory.mktemp("phoenix")
    build_role(CorporaConfig(), WeatherCorpusParams(), CorpusParams(), FixedClipEncoder(), out, out)
    return out


def made_results(rates: dict[str, float]) -> chapter.Results:
    """Results whose methods put the right video first at the given rates (3 seeds)."""
    ranks = {m: rank_runs(rate, seed=i) for i, (m, rate) in enumerate(rates.items())}
    scores = {m: {d: rank_metrics(r.test[0]) for d in ("t2v", "v2t")} for m, r in ranks.items()}
    runs = [chapter.SeedRun({}, [], {"BLEU-1": 20.0, "BLEU-4": 5.0}) for _ in range(3)]
    return chapter.Results(runs, [], scores, ranks)


@pytest.mark.parametrize(
    ("rates", "verdicts"),
    [
        ({"Translation": 0.2, "Cross-modal": 0.5, "Combination": 0.7}, ("holds", "holds")),
        ({"Translation": 0.5, "Cross-modal": 0.2, "Combination": 0.3}, ("does not hold",) * 2),
    ],
)
def test_the_verdicts_follow_the_numbers(rates, verdicts):
    results = made_results(rates)
    claims = chapter.claims(results)
    assert [c.id for c in claims] == ["T7-cm-beats-translation", "T7-combination-best"]
    assert tuple(c.verdict for c in claims) == verdicts
    assert claims[0].paper_value == "T2V R@1 48.6 (CM) vs 30.2 (translation)"
    assert "BLEU-4 5.0" in claims[0].ours
    assert results.scores["Combination"]["t2v"][GEOMETRIC_MEAN] > 0


def test_the_chapter_runs_on_a_weather_corpus(phoenix, corpus_dir):
    config = chapter.Config(**KNOBS, corpus_dir=str(phoenix / "corpus"), phoenix_dir=str(phoenix))
    assert chapter.unavailable(config) is None
    results = chapter.run(config)
    table = results.table7()
    assert list(table.index) == list(chapter.METHODS)
    assert ("T2V", "R1") in table.columns and ("V2T", "MedR") in table.columns
    assert len(results.runs_frame()) == len(chapter.METHODS) * len(config.seeds)
    assert set(results.bleu_table().columns) == {"BLEU-1", "BLEU-2", "BLEU-3", "BLEU-4"}
    assert len(results.runs[0].translations) == len(results.references)
    out = chapter.chapter_results(config, "tiny", results)
    assert out.data.startswith("simulated corpus (phoenix role)")
    json.dumps(out.metrics)  # plain numbers only

    figures = chapter.calibration_table(results_corpus(config), config.realdata_dir)
    assert list(figures.columns) == ["simulated", "PHOENIX-2014T", "band", "in band"]
    assert len(figures) == len(chapter.CALIBRATION_ROWS)
    real_types = figures.loc["word types of the training translations", "PHOENIX-2014T"]
    assert real_types == chapter.REAL_WORD_TYPES  # measured where realdata is, else quoted


def results_corpus(config: chapter.Config):
    from slr_lib.data.corpus import Corpus

    return Corpus.load(config.corpus_dir)


def test_no_second_language_means_the_chapter_says_why(tmp_path):
    build_role(
        CorporaConfig(phoenix="none"), WeatherCorpusParams(), CorpusParams(), FixedClipEncoder(),
        tmp_path, tmp_path,
    )  # fmt: skip
    config = chapter.Config(**KNOBS, corpus_dir=str(tmp_path / "corpus"), phoenix_dir=str(tmp_path))
    assert "corpora.phoenix: none" in chapter.unavailable(config)


def test_word_types_leave_punctuation_out():
    assert chapter.word_types(["im norden regen .", "Im Süden sonne ."]) == 5

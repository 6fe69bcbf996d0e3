"""The phoenix_retrieval chapter (SPOT-ALIGN Table 7): claims, the run on a tiny weather corpus."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from slr_lib.data.clip_features import FixedClipEncoder, write_features
from slr_lib.data.corpora import CorporaConfig
from slr_lib.data.phoenix_role import build_role
from slr_lib.data.simulate.params import CorpusParams
from slr_lib.data.simulate.weather_params import WeatherCorpusParams
from slr_lib.experiments import phoenix_retrieval as chapter
from slr_lib.experiments.crossmodal_setup import GEOMETRIC_MEAN
from slr_lib.metrics import rank_metrics
from tests.ranks import rank_runs
from tests.real_tiny import needs_realdata, phoenix_folder

KNOBS = dict(
    clusters=2, out_dim=8, margin=0.2, loss_normalisation="batch", lr=0.001,
    weight_decay=1e-5, batch_size=8, epochs=1, seeds=[0, 1], word2vec_dim=8,
    view="pose", embedding="word2vec", text_language="de", translator_size="tiny",
    translator_epochs=1, translator_batch_size=16, beam_size=1, fusion_weight=0.5,
    realdata_dir="../shared/realdata", open_domain_language="en",
)  # fmt: skip


@pytest.fixture(scope="module")
def open_domain(generated, tmp_path_factory) -> dict[str, str]:
    """App. E's knobs: the small generated main corpus and its pose-view clip features."""
    out = tmp_path_factory.mktemp("features")
    write_features(FixedClipEncoder(), generated[0], out)
    return {"open_domain_dir": str(generated[0] / "main"),
            "open_domain_features": str(out / "pose_fixed")}  # fmt: skip


def build_weather_role(out):
    """A tiny PHOENIX-like role in `out`, as the phoenix_corpus stage writes it."""
    build_role(CorporaConfig(), WeatherCorpusParams(), CorpusParams(), FixedClipEncoder(), out, out)
    return out


@pytest.fixture(scope="module")
def phoenix(tmp_path_factory):
    """A tiny PHOENIX-like role."""
    return build_weather_role(tmp_path_factory.mktemp("phoenix"))


def made_results(rates: dict[str, float], overlaps: tuple[float, float]) -> chapter.Results:
    """Results whose methods put the right video first at the given rates (3 seeds), and whose
    translations overlap their sentences at `overlaps` (weather, open domain)."""
    ranks = {m: rank_runs(rate, seed=i) for i, (m, rate) in enumerate(rates.items())}
    scores = {m: {d: rank_metrics(r.test[0]) for d in ("t2v", "v2t")} for m, r in ranks.items()}
    rng = np.random.default_rng(0)

    def translation(level: float, n: int) -> chapter.TranslationRun:
        sims = {s: np.diag(np.clip(rng.normal(level, 0.2, n), 0, 1)) for s in ("val", "test")}
        return chapter.TranslationRun(sims, ["x"] * n, {"BLEU-1": 40 * level, "BLEU-4": 10 * level})

    runs = [chapter.SeedRun({}, translation(overlaps[0], 60)) for _ in range(3)]
    open_domain = [translation(overlaps[1], 40) for _ in range(3)]
    types = dict(zip(chapter.CORPORA, (600, 4000), strict=True))
    return chapter.Results(runs, [], scores, ranks, open_domain, [], types)


@pytest.mark.parametrize(
    ("rates", "overlaps", "verdicts"),
    [
        ({"Translation": 0.2, "Cross-modal": 0.5, "Combination": 0.7}, (0.6, 0.2),
         ("holds", "holds", "holds")),
        ({"Translation": 0.5, "Cross-modal": 0.2, "Combination": 0.3}, (0.2, 0.6),
         ("does not hold",) * 3),
    ],
)  # fmt: skip
def test_the_verdicts_follow_the_numbers(rates, overlaps, verdicts):
    results = made_results(rates, overlaps)
    claims = chapter.claims(results)
    assert [c.id for c in claims] == [
        "T7-cm-beats-translation", "T7-combination-best", "AE-translation-open-domain"
    ]  # fmt: skip
    assert tuple(c.verdict for c in claims) == verdicts
    assert claims[0].paper_value == "T2V R@1 48.6 (CM) vs 30.2 (translation)"
    assert claims[2].paper_value.startswith("How2Sign BLEU-4 1.74, BLEU-1 17.08")
    assert "2,887" in claims[2].note and "simulator" in claims[2].note
    assert results.scores["Combination"]["t2v"][GEOMETRIC_MEAN] > 0


def test_the_chapter_runs_on_a_weather_corpus(phoenix, open_domain):
    config = chapter.Config(
        **KNOBS, **open_domain, corpus_dir=str(phoenix / "corpus"), phoenix_dir=str(phoenix)
    )
    assert chapter.unavailable(config) is None
    results = chapter.run(config)
    table = results.table7()
    assert list(table.index) == list(chapter.METHODS)
    assert ("T2V", "R1") in table.columns and ("V2T", "MedR") in table.columns
    assert len(results.runs_frame()) == len(chapter.METHODS) * len(config.seeds)
    assert set(results.bleu_table().columns) == {"BLEU-1", "BLEU-2", "BLEU-3", "BLEU-4"}
    assert len(results.runs[0].translation.translations) == len(results.references)
    app_e = results.app_e()
    assert list(app_e.index) == list(chapter.CORPORA)
    assert app_e.loc[chapter.CORPORA[1], "test pairs"] == len(results.open_references)
    assert set(chapter.chapter_results(config, "tiny", results).metrics["app_e"]) == set(
        chapter.CORPORA
    )
    out = chapter.chapter_results(config, "tiny", results)
    assert out.data.startswith("simulated corpus (phoenix role)")
    json.dumps(out.metrics)  # plain numbers only

    figures = chapter.calibration_table(results_corpus(config), config.realdata_dir)
    assert list(figures.columns) == ["simulated", "PHOENIX-2014T", "band", "in band"]
    assert len(figures) == len(chapter.CALIBRATION_ROWS)
    real_types = figures.loc["word types of the training translations", "PHOENIX-2014T"]
    assert real_types == chapter.REAL_WORD_TYPES  # measured where realdata is, else quoted


@pytest.mark.usefixtures("one_thread")
def test_both_corpora_share_the_workers_and_keep_the_numbers_of_one_process(
    phoenix, open_domain, monkeypatch
):
    config = chapter.Config(
        **KNOBS, **open_domain, corpus_dir=str(phoenix / "corpus"), phoenix_dir=str(phoenix)
    )
    found = {}
    for workers in ("1", "2"):
        monkeypatch.setenv("SLR_WORKERS", workers)
        found[workers] = chapter.run(config)
    one, two = found["1"], found["2"]
    pd.testing.assert_frame_equal(one.table7(), two.table7())
    pd.testing.assert_frame_equal(one.app_e(), two.app_e())
    for a, b in zip(one.runs, two.runs, strict=True):
        assert a.translation.translations == b.translation.translations
        np.testing.assert_array_equal(a.similarities["Cross-modal"]["test"],
                                      b.similarities["Cross-modal"]["test"])  # fmt: skip
    for a, b in zip(one.open_domain, two.open_domain, strict=True):
        assert a.translations == b.translations


def results_corpus(config: chapter.Config):
    from slr_lib.data.corpus import Corpus

    return Corpus.load(config.corpus_dir)


def test_no_second_language_means_the_chapter_says_why(tmp_path, open_domain):
    build_role(
        CorporaConfig(phoenix="none"), WeatherCorpusParams(), CorpusParams(), FixedClipEncoder(),
        tmp_path, tmp_path,
    )  # fmt: skip
    config = chapter.Config(
        **KNOBS, **open_domain, corpus_dir=str(tmp_path / "corpus"), phoenix_dir=str(tmp_path)
    )
    assert "corpora.phoenix: none" in chapter.unavailable(config)


def test_word_types_leave_punctuation_out():
    assert chapter.word_types(["im norden regen .", "Im Süden sonne ."]) == 5


@needs_realdata
def test_the_chapter_runs_on_a_real_format_phoenix_copy(tmp_path, open_domain):
    """Table 7 and App. E's library path on a PHOENIX-2014T-format role built from the real
    train annotations, with features in the release's gzipped layout (`tests/real_tiny.py`)."""
    real = phoenix_folder(tmp_path / "release")
    sources = CorporaConfig(
        phoenix="phoenix2014t",
        phoenix_tables=[str(p) for p in real.tables],
        phoenix_features=[str(p) for p in real.features],
    )
    out = tmp_path / "role"
    build_role(sources, WeatherCorpusParams(), CorpusParams(), FixedClipEncoder(), out, tmp_path)
    config = chapter.Config(
        **{**KNOBS, "view": "rgb"}, **open_domain, corpus_dir=str(out / "corpus"),
        phoenix_dir=str(out),
    )  # fmt: skip
    results = chapter.run(config)
    assert len(results.references) == len(real.names["test"])
    assert not any("__ON__" in r for r in results.references)
    out_results = chapter.chapter_results(config, "tiny", results)
    assert out_results.data.startswith("real phoenix2014t corpus")
    assert {c.id for c in out_results.claims} >= {"T7-cm-beats-translation"}

"""The `phoenix_corpus` stage: the second language's corpus, simulated or real, and its views."""

from __future__ import annotations

from slr_lib.data.clip_features import FixedClipEncoder
from slr_lib.data.corpora import CorporaConfig
from slr_lib.data.corpus import Corpus
from slr_lib.data.features import read_ce_features
from slr_lib.data.phoenix_layout import absent_reason, corpus_dir, features_dir
from slr_lib.data.phoenix_role import build_role
from slr_lib.data.simulate.params import CorpusParams
from slr_lib.data.simulate.weather_params import WeatherCorpusParams
from tests.data.test_corpora import cm_metrics
from tests.real_tiny import needs_realdata, phoenix_folder


def _build(sources: CorporaConfig, out, root) -> None:
    build_role(sources, WeatherCorpusParams(), CorpusParams(), FixedClipEncoder(), out, root)


def test_the_simulated_role_is_the_weather_corpus_with_both_views(tmp_path):
    out = tmp_path / "phoenix"
    _build(CorporaConfig(), out, tmp_path)
    corpus = Corpus.load(corpus_dir(out))
    assert corpus.name == "simulated-phoenix" and corpus.signs is not None
    assert absent_reason(out) is None
    for view in ("rgb", "pose"):
        features = read_ce_features(features_dir(out, view) / "main_videos.pkl")
        assert set(features) == set(corpus.videos["video_id"])
    metrics = cm_metrics(corpus, features_dir(out, "pose"))
    assert 0 <= metrics["R1_mean"] <= metrics["R10_mean"] <= 100


def test_no_second_language_is_said_and_replaces_an_earlier_corpus(tmp_path):
    out = tmp_path / "phoenix"
    _build(CorporaConfig(), out, tmp_path)
    _build(CorporaConfig(phoenix="none"), out, tmp_path)
    assert "corpora.phoenix: none" in absent_reason(out)
    assert sorted(p.name for p in out.iterdir()) == ["none.json"]


@needs_realdata
def test_real_tiny_phoenix_runs_the_retrieval_path(tmp_path):
    real = phoenix_folder(tmp_path / "phoenix")
    sources = CorporaConfig(
        phoenix="phoenix2014t",
        phoenix_tables=[str(p) for p in real.tables],
        phoenix_features=[str(p) for p in real.features],
    )
    out = tmp_path / "role"
    _build(sources, out, tmp_path)
    phoenix = Corpus.load(corpus_dir(out))
    assert phoenix.language == "gsg" and phoenix.signs is None
    assert phoenix.splits == ["train", "val", "test"]
    texts = " ".join(phoenix.sentences["text"])
    assert "__ON__" not in texts and "__OFF__" not in texts
    assert not features_dir(out, "pose").exists()  # PHOENIX-2014T publishes no keypoints
    metrics = cm_metrics(phoenix, features_dir(out, "rgb"))
    assert 0 <= metrics["R1_mean"] <= metrics["R10_mean"] <= 100

"""The data chapter: statistics on the small simulated corpus, examples, the results file."""

from __future__ import annotations

import json
import pickle

import numpy as np
import pytest

from slr_lib.config import ParamsError
from slr_lib.experiments import data as chapter

KNOBS = dict(
    corpus_dir="main",
    pretrain_dir="pretrain",
    features_dir="features",
    example_split="test",
    filmstrip_frames=4,
)


@pytest.fixture(scope="module")
def setting(generated) -> tuple[chapter.Config, chapter.Corpora, chapter.Results]:
    out, main, pretrain = generated
    config = chapter.Config(**KNOBS)
    corpora = chapter.Corpora(main, pretrain)
    return config, corpora, chapter.run(config, corpora)


def test_splits_sit_beside_how2signs(setting):
    _, corpora, results = setting
    splits = results.splits
    assert list(splits.index) == ["train", "val", "test"]
    assert splits["sentences"].sum() == len(corpora.main.sentences)
    assert splits[chapter.HOW2SIGN_SENTENCES].tolist() == [31075, 1739, 2348]
    assert results.pretrain_splits["sentences"].sum() == len(corpora.pretrain.sentences)


def test_sentence_comparison_lists_each_statistic(setting):
    comparison = setting[2].comparison
    assert len(comparison) == 3 * len(chapter.SENTENCE_STATISTICS) + 1
    assert comparison.loc[("words per sentence", "median"), "How2Sign"] == 15
    assert comparison.loc[("gap between subtitles (s)", "median"), "How2Sign"] == 0.16
    assert np.isfinite(comparison["ours"]).all()


def test_examples(setting):
    config, corpora, _ = setting
    example = chapter.example_sentence(corpora.main, "test", 4)
    assert len(example.frames) == 4 and example.frames[-1] == len(example.data) - 1
    assert len(example.spans) >= 1 and example.spans["start_frame"].min() >= -1
    assert example.title.startswith('"')
    view = chapter.example_view(corpora.main, example)
    assert len(view) == len(example.data)
    gloss, examples = chapter.domain_gap(corpora.main)
    assert gloss in set(corpora.main.exemplars["gloss"])
    assert 2 <= len(examples) <= 3 and examples[0][2].startswith("in a sentence")


def test_clip_features_summary(tmp_path):
    (tmp_path / "main_videos.pkl").write_bytes(
        pickle.dumps({"v1": np.zeros((7, 3)), "v2": np.zeros((2, 3))})
    )
    config = chapter.Config(**{**KNOBS, "features_dir": str(tmp_path)})
    assert chapter.clip_features_summary(config, "v1") == "2 videos; v1: 7 clips of 3 dimensions"


def test_results_file_holds_plain_numbers(setting):
    config, corpora, results = setting
    out = chapter.chapter_results(config, "tiny", results)
    assert out.chapter == "data" and out.claims == ()
    sizes = corpora.main.sentences["split"].value_counts()
    assert out.metrics["splits"] == {s: int(sizes[s]) for s in ("train", "val", "test")}
    assert 0.0 <= out.metrics["hand_detection_rate"] <= 1.0
    assert set(out.metrics["words_per_sentence"]) == {"median", "p10", "p90", "mean"}
    json.dumps(out.to_json())


def test_config_rejects_an_unknown_split():
    with pytest.raises(ParamsError, match="example_split"):
        chapter.Config.from_values({**KNOBS, "example_split": "dev"})

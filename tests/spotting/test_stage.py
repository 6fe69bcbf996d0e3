"""The spot_align stage on a corpus without what the simulated one has (a real one)."""

from __future__ import annotations

import json
from dataclasses import replace

import pandas as pd
import pytest

from slr_lib.data.mouthings import SPOTTING_COLUMNS
from slr_lib.experiments.spotalign_setup import spot_align_missing
from slr_lib.spotting.stage import (
    SpotAlignStageConfig,
    kept_mouthings,
    require_dictionary,
    run_stage,
    verified_accuracy,
)


def test_a_main_corpus_without_exemplars_is_refused_naming_the_settings(generated):
    _, main, _ = generated
    require_dictionary(main)
    bare = replace(main, exemplars=main.exemplars.iloc[:0], exemplar_poses=None)
    with pytest.raises(ValueError, match="no dictionary exemplars.*wlasl_json or msasl_json"):
        require_dictionary(bare)


def test_without_ground_truth_no_model_is_measured(generated):
    _, main, _ = generated
    never_called = object()  # a model is not run where there is nothing to measure it on
    accuracy, verified = verified_accuracy(replace(main, signs=None), {"M": never_called}, {}, [])
    assert accuracy == {"M": {}} and verified == 0


def test_a_real_corpus_without_mouthings_records_why_no_model_was_trained(generated, tmp_path):
    out_dir, main, _ = generated
    replace(main, signs=None).save(tmp_path / "main")
    section = replace(
        SpotAlignStageConfig.load("params.yaml", "tiny"),
        corpus_dir=str(tmp_path / "main"), pretrain_dir=str(out_dir / "pretrain"),
    )  # fmt: skip
    summary = run_stage(section, tmp_path / "spotalign")
    assert summary["available"] is False
    assert "corpora.mouthing_spottings" in summary["reason"]
    assert json.loads((tmp_path / "spotalign" / "summary.json").read_text()) == summary
    assert spot_align_missing(tmp_path / "spotalign").endswith(summary["reason"])
    assert sorted(p.name for p in (tmp_path / "spotalign").iterdir()) == ["summary.json"]


def test_given_mouthings_are_kept_as_the_lip_readers_are(generated):
    _, main, _ = generated
    train = main.split_sentences("train").iloc[0]
    test = main.split_sentences("test").iloc[0]
    gloss = main.exemplars["gloss"].iloc[0]
    given = pd.DataFrame(
        [
            (train.video_id, train.sentence_id, gloss, gloss, 3, 0.9, "mouthing"),
            (train.video_id, train.sentence_id, gloss, gloss, 3, 0.5, "mouthing"),  # at threshold
            (train.video_id, train.sentence_id, "zzz", "zzz", 3, 0.9, "mouthing"),  # no exemplar
            (test.video_id, test.sentence_id, gloss, gloss, 3, 0.9, "mouthing"),  # not train
        ],
        columns=list(SPOTTING_COLUMNS),
    )
    kept = kept_mouthings(given, main, 0.5)
    assert kept.equals(given.iloc[:1])

"""The seds_runs stage: each distinct model once, saved and loaded whole, refused if it differs."""

from __future__ import annotations

import json
from dataclasses import fields, replace

import numpy as np
import pytest
import torch

from slr_lib.data_loader.seds import build_seds_splits
from slr_lib.experiments import seds_runs
from slr_lib.experiments.seds_runs import (
    SEDSRunsConfig,
    ablation_variant,
    load_runs,
    slug,
    wanted_variants,
)
from slr_lib.experiments.seds_setup import SEDSSetup
from slr_lib.trainer.seds_study import SEDS_VARIANT
from tests.experiments.test_seds_retrieval import CONFIG as RETRIEVAL
from tests.seds_stand_ins import StandInText, made_up_rgb, saved_runs

TRAINING = {
    k: v for k, v in RETRIEVAL.to_dict().items() if k in {f.name for f in fields(SEDSRunsConfig)}
}
CONFIG = SEDSRunsConfig.from_values(
    {**TRAINING, "fusions": ["add_mlp", "cgaf"], "alphas": [0.8], "betas": [0.0, 0.4]}
)


def test_seds_is_trained_once_for_both_chapters():
    variants = wanted_variants(CONFIG)
    slugs = [slug(v) for v in variants]
    assert len(slugs) == len(set(slugs))
    assert slug(ablation_variant(("cgaf", 0.8, 0.4))) == slug(SEDS_VARIANT)
    # SEDS, CiCo, pose only; Add-MLP; CGAF without the Pose-RGB objective
    assert [v.name for v in variants] == [
        "SEDS", "CiCo", "pose only", "Add-MLP, alpha 0.8, beta 0.4", "CGAF, alpha 0.8, beta 0",
    ]  # fmt: skip


@pytest.fixture(scope="module")
def setup(generated):
    corpus = generated[1]
    meta = {"window": 16, "stride": 4}
    splits = build_seds_splits(corpus, made_up_rgb(corpus), meta, max_clips=8)
    return SEDSSetup(corpus, meta, splits, StandInText())


@pytest.mark.usefixtures("one_thread")
def test_saved_runs_load_with_their_weights_numbers_and_ranks(setup, tmp_path):
    config = replace(CONFIG, seeds=[0, 1])
    from slr_lib.experiments.seds_setup import train_runs

    trained = train_runs(config, setup, [(SEDS_VARIANT, 0), (SEDS_VARIANT, 1)])
    folder = saved_runs(tmp_path / "runs", config, setup, [SEDS_VARIANT])
    renamed = ablation_variant(("cgaf", 0.8, 0.4))  # the same model under the ablation's name
    loaded = load_runs(folder, config, setup, [renamed])[renamed.name]
    assert [r.variant.name for r in loaded] == [renamed.name] * 2
    for before, after in zip(trained, loaded, strict=True):
        assert after.test == before.test and after.best_epoch == before.best_epoch
        for split in ("test", "val"):
            np.testing.assert_array_equal(after.ranks[split], before.ranks[split])
        weights = after.model.state_dict()
        for key, value in before.model.state_dict().items():
            assert torch.equal(value, weights[key]), key
        assert list(after.history.columns) == list(before.history.columns)


@pytest.mark.usefixtures("one_thread")
def test_runs_of_other_settings_or_missing_runs_are_refused(setup, tmp_path):
    config = replace(CONFIG, seeds=[0])
    folder = saved_runs(tmp_path / "runs", config, setup, [SEDS_VARIANT])
    with pytest.raises(ValueError, match="epochs: trained 1, asked 3.*dvc repro seds_runs"):
        load_runs(folder, replace(config, epochs=3), setup, [SEDS_VARIANT])
    with pytest.raises(ValueError, match="no run of 'CGAF, alpha 0.8, beta 0' with seed 0"):
        load_runs(folder, config, setup, [ablation_variant(("cgaf", 0.8, 0.0))])
    with pytest.raises(FileNotFoundError, match="runs.json is missing"):
        load_runs(tmp_path / "nowhere", config, setup, [SEDS_VARIANT])
    index = json.loads((tmp_path / "runs" / seds_runs.INDEX).read_text())
    assert index["training"]["seeds"] == [0] and len(index["runs"]) == 1

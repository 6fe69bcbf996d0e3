"""What the SEDS chapters share: the near-chance table."""

from __future__ import annotations

from dataclasses import replace
from types import SimpleNamespace

import numpy as np
import pytest
import torch

from slr_lib.experiments import seds_setup


def test_near_chance_table_puts_a_random_ranking_beside_the_runs():
    run = SimpleNamespace(test={"t2v": {"R10": 5.0, "R50": 20.0, "MedR": 150.0, "MeanR": 160.0}})
    table = seds_setup.near_chance_table({"SEDS": run}, n_test=200)
    assert list(table.index) == ["SEDS", "chance"]
    assert table.loc["chance"].to_dict() == {"R10": 5.0, "R50": 25.0, "MedR": 100.5, "MeanR": 100.5}
    assert table.loc["SEDS", "MeanR"] == 160.0


def test_a_pose_encoder_of_another_size_is_refused(tmp_path):
    from slr_lib.model.pose_gcn import PoseEncoder
    from slr_lib.trainer.pose_encoder import ENCODER_FILE, save_pose_encoder
    from tests.experiments.test_seds_retrieval import CONFIG

    save_pose_encoder(tmp_path / ENCODER_FILE, PoseEncoder((5,)), (5,))
    config = replace(CONFIG, pose_encoder_dir=str(tmp_path), pose_init=["hands", "body"])
    with pytest.raises(ValueError, match="model_size 'tiny' needs"):
        seds_setup.load_pose_init(config)
    fitting = PoseEncoder(seds_setup.MODEL_SIZES["tiny"]["gcn_dims"])
    save_pose_encoder(tmp_path / ENCODER_FILE, fitting, seds_setup.MODEL_SIZES["tiny"]["gcn_dims"])
    init = seds_setup.load_pose_init(config)
    assert init.parts == ("hands", "body") and set(init.state) == set(fitting.state_dict())
    assert seds_setup.load_pose_init(replace(config, pose_encoder_dir="")) is None


@pytest.mark.usefixtures("one_thread")
def test_runs_side_by_side_equal_runs_one_after_the_other(generated, monkeypatch):
    """`train_seeds` hands its runs to worker processes; their numbers and weights must be those
    of the same runs made in this process, one after the other."""
    from slr_lib.data_loader.seds import build_seds_splits
    from slr_lib.trainer.parallel import worker_count
    from slr_lib.trainer.seds_study import CICO_VARIANT, SEDS_VARIANT
    from tests.experiments.test_seds_retrieval import CONFIG
    from tests.seds_stand_ins import StandInText, made_up_rgb

    corpus = generated[1]
    meta = {"window": 16, "stride": 4}
    splits = build_seds_splits(corpus, made_up_rgb(corpus), meta, max_clips=8)
    setup = seds_setup.SEDSSetup(corpus, meta, splits, StandInText())
    config = replace(CONFIG, seeds=[0, 1])

    def trained(workers: str) -> dict:
        monkeypatch.setenv("SLR_WORKERS", workers)
        assert worker_count(4) == int(workers)
        return seds_setup.train_seeds(config, setup, [SEDS_VARIANT, CICO_VARIANT])

    alone, side_by_side = trained("1"), trained("2")
    assert list(side_by_side) == ["SEDS", "CiCo"]
    for name, runs in alone.items():
        for one, other in zip(runs, side_by_side[name], strict=True):
            assert one.test == other.test and one.best_epoch == other.best_epoch
            np.testing.assert_array_equal(one.ranks["test"], other.ranks["test"])
            theirs = other.model.state_dict()
            for key, value in one.model.state_dict().items():
                assert torch.equal(value, theirs[key]), (name, key)

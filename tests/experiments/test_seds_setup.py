"""What the SEDS chapters share: the near-chance table."""

from __future__ import annotations

from dataclasses import replace
from types import SimpleNamespace

from slr_lib.experiments import seds_setup


def test_near_chance_table_puts_a_random_ranking_beside_the_runs():
    run = SimpleNamespace(test={"t2v": {"R10": 5.0, "R50": 20.0, "MedR": 150.0, "MeanR": 160.0}})
    table = seds_setup.near_chance_table({"SEDS": run}, n_test=200)
    assert list(table.index) == ["SEDS", "chance"]
    assert table.loc["chance"].to_dict() == {"R10": 5.0, "R50": 25.0, "MedR": 100.5, "MeanR": 100.5}
    assert table.loc["SEDS", "MeanR"] == 160.0


def test_a_pose_encoder_of_another_size_is_refused(tmp_path):
    import pytest

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

from types import SimpleNamespace

import numpy as np
import pytest
import torch

from slr_lib.data_loader.seds import build_seds_splits
from slr_lib.model.seds import SEDSConfig
from slr_lib.trainer.seds import SEDSTrainConfig
from slr_lib.trainer.seds_study import (
    CICO_VARIANT,
    POSE_VARIANT,
    SEDS_VARIANT,
    PoseInit,
    Variant,
    build_variant,
    chance_rsum,
    learned,
    matched_similarity,
    metrics_table,
    pair_matrices,
    rsum,
    run_variant,
)
from tests.seds_stand_ins import StandInText, made_up_rgb

pytestmark = pytest.mark.usefixtures("one_thread")

BASE = SEDSConfig.of_size("tiny", rgb_dim=8, max_clips=8)


@pytest.fixture(scope="module")
def splits(generated):
    corpus = generated[1]
    meta = {"window": 16, "stride": 4}
    return build_seds_splits(corpus, made_up_rgb(corpus), meta, max_clips=8)


def test_variants_choose_streams_and_fusion():
    torch.manual_seed(0)
    cico = build_variant(CICO_VARIANT, BASE, StandInText())
    assert cico.retrieval_stream == "rgb" and cico.fusion is None
    add = build_variant(Variant("add", fusion="add_mlp"), BASE, StandInText())
    assert type(add.fusion).__name__ == "AddMLP"


def test_a_pose_init_starts_the_pose_stream_from_the_pretrained_parts():
    from slr_lib.model.pose_gcn import PoseEncoder

    pretrained = PoseEncoder(BASE.gcn_dims).state_dict()
    init = PoseInit(pretrained, ("hands", "temporal"))
    model = build_variant(POSE_VARIANT, BASE, StandInText(), init)
    encoder = model.streams["pose"].encoder.state_dict()
    for name in ("hands.layers.0.weight.weight", "temporal.0.bias"):
        assert torch.equal(encoder[name], pretrained[name]), name
    assert not torch.equal(
        encoder["body.layers.0.weight.weight"], pretrained["body.layers.0.weight.weight"]
    )
    build_variant(CICO_VARIANT, BASE, StandInText(), init)  # no pose stream: nothing to load


def test_run_variant_keeps_the_loss_weights_and_scores_the_test_split(splits):
    torch.manual_seed(0)
    short = SEDSTrainConfig(epochs=2, batch_size=8, lr=3e-3)
    run = run_variant(Variant("no L_pr", beta=0.0), BASE, StandInText(), splits, short)
    assert "loss_pr" not in run.history.columns  # beta = 0 drops the Pose-RGB term
    assert len(run.history) == 2 and 1 <= run.best_epoch <= 2
    assert set(run.test) == {"t2v", "v2t"} and 0 <= run.test["t2v"]["R10"] <= 100
    assert set(run.ranks) == {"test", "val"} and len(run.ranks["test"]) == len(splits["test"])
    assert run.test["t2v"]["R10"] == pytest.approx(100 * np.mean(run.ranks["test"] < 10))
    table = metrics_table([run])
    assert table.loc["no L_pr", ("t2v", "R10")] == run.test["t2v"]["R10"]
    assert list(table.columns.get_level_values("metric")) == ["R1", "R5", "R10", "MedR"] * 2


def test_the_same_seed_gives_the_same_weights_whatever_ran_before(splits):
    """CPU training is repeatable: a variant's run depends on its seed, not on the global random
    state that earlier runs left (the cause of SEDS numbers moving between runs before)."""
    short = SEDSTrainConfig(epochs=1, batch_size=8, lr=3e-3, seed=3)

    def weights(prior_draws: int) -> dict[str, torch.Tensor]:
        torch.rand(prior_draws)  # an earlier run's use of the global generator
        run = run_variant(SEDS_VARIANT, BASE, StandInText(), splits, short)
        return {k: v.clone() for k, v in run.model.state_dict().items()}

    first, second = weights(1), weights(1000)
    assert first.keys() == second.keys()
    for name, tensor in first.items():
        assert torch.equal(tensor, second[name]), name


def test_matched_similarity_is_the_mean_of_each_pairs_matrix(splits):
    torch.manual_seed(0)
    model = build_variant(SEDS_VARIANT, BASE, StandInText()).eval()
    matched = matched_similarity(model, splits["test"])
    assert list(matched.columns) == ["pose", "rgb", "fusion"]
    assert len(matched) == len(splits["test"])
    for index in (0, 3):
        matrices = pair_matrices(model, splits["test"], index)
        sample = splits["test"].samples[index]
        assert matrices["pose"].shape[0] == len(sample.clips)
        for stream, matrix in matrices.items():
            assert np.all(np.abs(matrix) <= 1 + 1e-5)  # cosines
            assert matched.loc[index, stream] == pytest.approx(matrix.mean(), abs=1e-5)


def test_learned_means_above_twice_chance():
    assert chance_rsum(400) == pytest.approx(4.0) and chance_rsum(4) == pytest.approx(225.0)

    def run(r1, r5, r10):
        return SimpleNamespace(test={"t2v": {"R1": r1, "R5": r5, "R10": r10}})

    strong, weak = run(2.0, 6.0, 10.0), run(0.25, 1.5, 2.5)
    assert rsum(strong) == 18.0 and learned(strong, 400) and not learned(weak, 400)

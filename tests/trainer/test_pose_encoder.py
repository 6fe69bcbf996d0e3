import json
from dataclasses import replace

import numpy as np
import pytest
import torch

from slr_lib.config import ParamsError
from slr_lib.model.seds import MODEL_SIZES
from slr_lib.trainer.pose_encoder import (
    PoseClassifier,
    PoseEncoderConfig,
    load_pose_encoder,
    run_stage,
    sign_windows,
)

pytestmark = pytest.mark.usefixtures("one_thread")

SECTION = PoseEncoderConfig(
    pretrain_dir="", model_size="tiny", epochs=2, batch_size=16, lr=0.003, held_out=0.2, seed=0
)


@pytest.fixture(scope="module")
def stage(generated, tmp_path_factory):
    folder, main, pretrain = generated
    out = tmp_path_factory.mktemp("pose_gcn")
    meta = run_stage(replace(SECTION, pretrain_dir=str(folder / "pretrain")), out)
    return meta, out, pretrain


def test_windows_are_encoder_input_around_the_related_languages_signs(generated):
    pretrain = generated[2]
    windows, classes = sign_windows(pretrain)
    assert set(classes) == set(pretrain.signs["gloss"])
    assert windows.frames.shape[1:] == (16, 49 * 3) and len(windows) == len(pretrain.signs)


def test_the_stage_writes_weights_of_the_seds_model_size(stage):
    meta, out, pretrain = stage
    gcn_dims, state = load_pose_encoder(out)
    assert gcn_dims == MODEL_SIZES["tiny"]["gcn_dims"] == tuple(meta["gcn_dims"])
    assert meta["pretrain_classes"] == pretrain.signs["gloss"].nunique()
    assert (
        0 <= meta["held_out_accuracy"] <= 1 and json.loads((out / "meta.json").read_text()) == meta
    )
    assert all(isinstance(v, torch.Tensor) for v in state.values())


def test_pretraining_learns_separable_signs():
    """Two made-up signs (hands still vs. moving) are told apart after a short training."""
    from slr_lib.data_loader.sign_windows import WindowSet
    from slr_lib.trainer.pose_encoder import accuracy, pretrain_pose_encoder

    rng = np.random.default_rng(0)
    frames = rng.normal(0, 0.05, (80, 16, 49, 3)).astype(np.float32)
    labels = np.arange(80) % 2
    frames[labels == 1, :, :21, 0] += np.linspace(-1, 1, 16)[None, :, None]
    windows = WindowSet(frames.reshape(80, 16, -1), np.full(80, 16), labels)
    config = replace(SECTION, epochs=15, lr=0.01)
    model, history = pretrain_pose_encoder(windows, 2, config)
    assert isinstance(model, PoseClassifier)
    assert accuracy(model, windows, np.arange(80)) > 0.9 and len(history) == 15


def test_a_missing_encoder_names_the_stage(tmp_path):
    with pytest.raises(FileNotFoundError, match="pose_encoder stage"):
        load_pose_encoder(tmp_path)


@pytest.mark.parametrize(("knob", "value"), [("held_out", 1.0), ("model_size", "huge")])
def test_config_rejects_bad_values(knob, value):
    with pytest.raises(ParamsError, match=knob):
        PoseEncoderConfig.from_values({**SECTION.to_dict(), knob: value})

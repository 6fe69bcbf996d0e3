import json

import numpy as np
import pytest

from slr_lib.data.features import read_ce_features
from slr_lib.model.checkpoints import load_sign_model
from slr_lib.model.sign_recognition import WINDOW
from slr_lib.trainer.rgb_encoder import RGBEncoderConfig, run_stage

pytestmark = pytest.mark.usefixtures("one_thread")


def tiny_section(folder) -> RGBEncoderConfig:
    """A one-epoch pre-training of a tiny encoder on the generated corpora in `folder`."""
    return RGBEncoderConfig(
        pretrain_dir=str(folder / "pretrain"), corpus_dir=str(folder / "main"),
        epochs=1, batch_size=16, lr=0.01, lr_drop=0.8, width=8, embed_dim=12,
        stride=4, image_size=16, pooled=4, seed=0,
    )  # fmt: skip


@pytest.fixture(scope="module")
def stage(generated, tmp_path_factory):
    folder, main, pretrain = generated
    out = tmp_path_factory.mktemp("rgb_signs")
    return run_stage(tiny_section(folder), out), out, main, pretrain


def test_the_encoder_is_pretrained_on_the_related_language_only(stage):
    meta, out, _, pretrain = stage
    encoder = load_sign_model(out / "encoder.pt")
    assert set(encoder.classes) == set(pretrain.signs["gloss"])
    assert meta["pretrain_windows"] == encoder.annotations > 0
    assert json.loads((out / "meta.json").read_text()) == meta


def test_every_main_video_gets_clips_every_stride_frames(stage):
    meta, out, main, _ = stage
    features = read_ce_features(out / "main_videos.pkl")
    assert set(features) == set(main.videos["video_id"])
    assert (meta["window"], meta["stride"], meta["view"]) == (WINDOW, 4, "rgb")
    for video in main.videos.itertuples():
        clips = features[video.video_id]
        windows = max(video.n_frames - WINDOW + 1, 1)
        assert clips.shape == (len(range(0, windows, 4)), 12) and np.isfinite(clips).all()

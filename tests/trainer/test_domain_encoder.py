import numpy as np
import pandas as pd
import pytest

from slr_lib.data.features import read_ce_features
from slr_lib.model.checkpoints import load_sign_model
from slr_lib.trainer import rgb_encoder
from slr_lib.trainer.domain_encoder import DomainEncoderConfig, read_pseudo_labels, run_stage
from tests.trainer.test_rgb_encoder import tiny_section

pytestmark = pytest.mark.usefixtures("one_thread")


def spottings(main, split: str) -> pd.DataFrame:
    """Point spottings at the middle of the split's annotated signs (stand-in pseudo-labels)."""
    videos = set(main.videos.loc[main.videos["split"] == split, "video_id"])
    signs = main.signs[main.signs["video_id"].isin(videos)]
    return pd.DataFrame(
        {
            "video_id": signs["video_id"],
            "frame": (signs["start_frame"] + signs["end_frame"]) // 2,
            "gloss": signs["gloss"],
            "source": "dictionary",
        }
    )


@pytest.fixture(scope="module")
def stage(generated, tmp_path_factory):
    folder, main, _ = generated
    encoder_dir = tmp_path_factory.mktemp("rgb_signs")
    rgb_encoder.run_stage(tiny_section(folder), encoder_dir)
    labels = tmp_path_factory.mktemp("labels") / "D1.parquet"
    spottings(main, "train").to_parquet(labels)
    section = DomainEncoderConfig(
        encoder_dir=str(encoder_dir), corpus_dir=str(folder / "main"), pseudo_labels=str(labels),
        epochs=1, batch_size=16, lr=0.01, lr_drop=0.8, seed=0,
    )  # fmt: skip
    out = tmp_path_factory.mktemp("rgb_domain")
    return run_stage(section, out), out, main, encoder_dir


def test_the_encoder_is_fine_tuned_on_the_pseudo_labels_glosses(stage):
    meta, out, main, encoder_dir = stage
    encoder = load_sign_model(out / "encoder.pt")
    train = spottings(main, "train")
    assert set(encoder.classes) == set(train["gloss"])
    assert (
        meta["domain_aware"] and meta["pseudo_label_windows"] == len(train) == encoder.annotations
    )


def test_clip_features_are_cut_as_the_pretrained_encoders(stage):
    meta, out, main, encoder_dir = stage
    before = read_ce_features(encoder_dir / "main_videos.pkl")
    after = read_ce_features(out / "main_videos.pkl")
    assert set(after) == set(main.videos["video_id"]) and meta["stride"] == 4
    for video_id, clips in after.items():
        assert clips.shape == before[video_id].shape and np.isfinite(clips).all()


def test_pseudo_labels_must_come_from_training_videos(stage, tmp_path):
    main = stage[2]
    path = tmp_path / "leak.parquet"
    spottings(main, "test").to_parquet(path)
    with pytest.raises(ValueError, match="training videos, found \\['test'\\]"):
        read_pseudo_labels(path, main)
    spottings(main, "train").drop(columns="source").to_parquet(path)
    with pytest.raises(ValueError, match="leak.parquet: pseudo-labels lack columns \\['source'\\]"):
        read_pseudo_labels(path, main)
    with pytest.raises(FileNotFoundError, match="spot_align"):
        read_pseudo_labels(tmp_path / "none.parquet", main)

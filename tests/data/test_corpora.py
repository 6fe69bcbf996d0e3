"""The `corpora` stage: one setting per role, simulated or real, and the real-tiny checks.

The real-tiny tests build How2Sign- and PHOENIX-2014T-format folders from the real files in
../shared/realdata (`tests/real_tiny.py`) and run the retrieval chapters' library path on them:
the `corpora` stage, the `features` stage, the sentence/clip pairs, CM training and its metrics.
"""

from __future__ import annotations

import numpy as np
import pytest

from slr_lib.config import ParamsError
from slr_lib.data.clip_features import FixedClipEncoder, write_features
from slr_lib.data.corpora import CorporaConfig, build_corpora
from slr_lib.data.corpus import Corpus
from slr_lib.data.features import read_ce_features
from slr_lib.data.simulate.params import CorpusParams
from slr_lib.experiments.crossmodal_setup import (
    Variant,
    embed_pairs,
    read_clips,
    train_over_seeds,
)
from slr_lib.trainer.crossmodal import TrainConfig
from tests.real_tiny import CICO_STRIDE, how2sign_folder, needs_realdata

TINY_CM = TrainConfig(clusters=4, out_dim=16, batch_size=8, epochs=1)


def test_the_default_roles_are_simulated():
    config = CorporaConfig.load("params.yaml")
    assert (config.main, config.pretrain, config.phoenix) == ("simulated",) * 3


@pytest.mark.parametrize(
    ("changes", "key"),
    [
        ({"main": "how2sign"}, "how2sign_tables"),
        ({"main": "how2sign", "how2sign_tables": "t"}, "how2sign_pose_dir"),
        (
            {
                "main": "how2sign",
                "how2sign_tables": "t",
                "how2sign_pose_dir": "p",
                "cico_features": "c",
            },
            "cico_annotations",
        ),  # fmt: skip
        (
            {
                "main": "how2sign",
                "how2sign_tables": "t",
                "how2sign_pose_dir": "p",
                "cico_features": "c",
                "cico_annotations": ["a"],
                "how2sign_keypoints_per": "video",
            },
            "how2sign_keypoints_per",
        ),  # fmt: skip
        (
            {
                "main": "how2sign",
                "how2sign_tables": "t",
                "how2sign_pose_dir": "p",
                "wlasl_json": "w",
            },
            "exemplar_pose_dir",
        ),  # fmt: skip
        ({"mouthing_spottings": "m.csv"}, "mouthing_spottings"),
        ({"phoenix": "phoenix2014t"}, "phoenix_tables"),
        ({"main": "bobsl"}, "main"),
    ],
)
def test_an_incomplete_role_is_refused_naming_the_key(changes, key):
    defaults = {
        k: list(v) if isinstance(v, tuple) else v for k, v in CorporaConfig().to_dict().items()
    }
    values = defaults | changes
    with pytest.raises(ParamsError, match=key):
        CorporaConfig.from_values(values)


def cm_metrics(corpus: Corpus, features_dir) -> dict[str, float]:
    """The retrieval chapters' library path on one corpus: pairs, CM training, test metrics."""
    data = embed_pairs(read_clips(corpus, features_dir), "word2vec", 16)
    runs = train_over_seeds([Variant("cm", data, TINY_CM)], [0], "model")
    assert runs.ranks["cm"].test.shape == (1, len(data.splits["test"]))
    return runs.metrics()["cm"]


@needs_realdata
def test_real_tiny_how2sign_runs_the_retrieval_path(tmp_path):
    real = how2sign_folder(tmp_path / "how2sign")
    config = CorporaConfig(
        main="how2sign",
        how2sign_tables=str(real.tables),
        how2sign_pose_dir=str(real.pose_dir),
        how2sign_keypoints_dir=str(real.keypoints_dir),
        cico_features=str(real.cico_features),
        cico_annotations=[str(real.cico_annotation)],
        cico_stride=CICO_STRIDE,
    )
    out = tmp_path / "corpora"
    build_corpora(config, CorpusParams(), out, tmp_path)
    main = Corpus.load(out / "main")
    assert main.name == "how2sign" and main.signs is None
    assert main.info["dropped_length_mismatch"] == 1
    kept = set(main.sentences["sentence_id"])
    assert real.short_clip not in kept
    assert kept == {n for names in real.splits.values() for n in names} - {real.short_clip}
    assert Corpus.load(out / "pretrain").signs is not None  # the simulated related language

    encoder = FixedClipEncoder()
    write_features(encoder, out, tmp_path / "features")
    rgb = read_ce_features(tmp_path / "features" / "rgb_fixed" / "main_videos.pkl")
    pose = read_ce_features(tmp_path / "features" / "pose_fixed" / "main_videos.pkl")
    assert set(rgb) == set(pose) == set(main.videos["video_id"])
    for video in main.videos.itertuples():  # the real features, on the encoder's windows
        assert len(rgb[video.video_id]) == len(encoder.window_starts(video.n_frames))
    for view in ("rgb_fixed", "pose_fixed"):
        metrics = cm_metrics(main, tmp_path / "features" / view)
        assert 0 <= metrics["R1_mean"] <= metrics["R10_mean"] <= 100
        assert 1 <= metrics["MedR_mean"] <= len(real.splits["test"])


def test_real_features_are_taken_at_the_encoders_windows():
    from slr_lib.data.clip_features import on_grid

    encoder = FixedClipEncoder(window=16, stride=4)
    real = np.arange(10)[:, None].astype(np.float32)  # one feature every 2 frames
    taken = on_grid(real, 2, encoder, n_frames=40)
    assert taken[:, 0].tolist() == [0, 2, 4, 6, 8, 9, 9]
    assert len(taken) == len(encoder.window_starts(40))

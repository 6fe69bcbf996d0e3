import numpy as np
import pytest

from slr_lib.data import layout
from slr_lib.data.clip_features import FixedClipEncoder, encode_corpus, pose_frames


def test_windows_and_shapes():
    encoder = FixedClipEncoder(window=16, stride=4, image_size=24, pooled=8, dim=32)
    assert encoder.window_starts(40).tolist() == [0, 4, 8, 12, 16, 20, 24]
    frames = np.random.default_rng(0).random((40, 24, 24)).astype(np.float32)
    assert encoder.encode(encoder.rgb_frames(frames)).shape == (7, 32)
    assert encoder.encode(frames[:5]).shape == (1, 32)  # short clips are padded to one window


def test_encoder_is_fixed_and_sees_motion():
    encoder = FixedClipEncoder(dim=64)
    still = np.full((16, 24, 24), 0.5, dtype=np.float32)
    moving = still.copy()
    moving[::2, 8:16, 8:16] = 1.0
    again = FixedClipEncoder(dim=64)
    np.testing.assert_array_equal(encoder.encode(moving), again.encode(moving))
    assert not np.allclose(encoder.encode(still), encoder.encode(moving))


def test_bad_pooling_is_rejected():
    with pytest.raises(ValueError, match="multiple"):
        FixedClipEncoder(image_size=24, pooled=7)


def test_pose_frames_ignore_lost_hands_and_framing(generated):
    main = generated[1]
    data, conf = (
        np.array(a[:30], dtype=np.float32) for a in main.video_pose(main.videos.iloc[0]["video_id"])
    )
    frames = pose_frames(data, conf)
    assert frames.shape == (30, 92)
    shifted = data.copy()
    shifted[..., 0] += 0.1  # the same signing, framed further right
    np.testing.assert_allclose(pose_frames(shifted, conf), frames, atol=2e-3)
    lost = conf.copy()
    lost[:, layout.RIGHT_HAND] = 0
    assert (pose_frames(data, lost)[:, 45:90] == 0).all()


@pytest.mark.parametrize("view", ["rgb", "pose"])
def test_every_video_and_exemplar_gets_features(generated, view):
    main = generated[1]
    features = encode_corpus(main, FixedClipEncoder(dim=16), view)
    assert set(features["videos"]) == set(main.videos["video_id"])
    assert set(features["exemplars"]) == set(main.exemplars["exemplar_id"])
    video = main.videos.iloc[0]
    expected = len(FixedClipEncoder().window_starts(int(video["n_frames"])))
    assert features["videos"][video["video_id"]].shape == (expected, 16)


def test_unknown_view(generated):
    with pytest.raises(ValueError, match="view must be one of"):
        encode_corpus(generated[1], FixedClipEncoder(), "depth")

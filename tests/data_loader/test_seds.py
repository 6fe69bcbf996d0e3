import numpy as np
import pandas as pd
import pytest

from slr_lib.data import layout
from slr_lib.data.corpus import Corpus, PoseArray
from slr_lib.data_loader.retrieval import clip_range
from slr_lib.data_loader.seds import build_seds_split, equal_interval
from tests.seds_stand_ins import made_up_rgb


def test_equal_interval_keeps_ends_and_caps_the_count():
    chosen = equal_interval(100, 64)
    assert len(chosen) == len(set(chosen)) == 64 and (chosen[0], chosen[-1]) == (0, 99)
    assert equal_interval(5, 64).tolist() == [0, 1, 2, 3, 4]
    with pytest.raises(ValueError):
        equal_interval(0)


def test_pose_windows_are_the_rgb_clips_frames(generated):
    corpus = generated[1]
    rgb = made_up_rgb(corpus)
    split = build_seds_split(corpus, "test", rgb, stride=4, max_clips=6)
    fps = corpus.videos.set_index("video_id")["fps"]
    for sample, row in zip(split.samples, corpus.split_sentences("test").itertuples(), strict=True):
        span = clip_range(
            row.start_sign, row.end_sign, fps[row.video_id], 16, 4, len(rgb[row.video_id])
        )
        assert 1 <= len(sample.clips) <= 6
        assert span.start <= sample.clips.min() and sample.clips.max() < span.stop
        np.testing.assert_array_equal(
            sample.frames[sample.windows], sample.clips[:, None] * 4 + np.arange(16)
        )
    batch = split.batch([0, 1, 2])
    lengths = [len(split.samples[i].clips) for i in range(3)]
    assert batch.clip_mask.sum(1).tolist() == lengths
    n_frames = sum(len(split.samples[i].frames) for i in range(3))
    assert batch.frames.shape == (n_frames, 49, 3) and batch.windows.shape[1:] == (max(lengths), 16)
    first, second = split.samples[0], split.samples[1]
    np.testing.assert_array_equal(
        batch.windows[1, : lengths[1]].numpy(), second.windows + len(first.frames)
    )
    np.testing.assert_allclose(
        batch.rgb[0, : lengths[0]].numpy(), rgb[split.samples[0].video_id][split.samples[0].clips]
    )


def one_short_video_corpus(n_frames: int) -> Corpus:
    """A corpus of one 10-frame video whose left hand is never detected."""
    rng = np.random.default_rng(0)
    data = rng.uniform(0.3, 0.7, (n_frames, layout.N_POINTS, 3)).astype(np.float32)
    conf = np.ones((n_frames, layout.N_POINTS), np.float32)
    data[:, layout.LEFT_HAND], conf[:, layout.LEFT_HAND] = 0.0, 0.0
    videos = pd.DataFrame(
        {"video_id": ["v"], "split": ["train"], "signer": ["s"], "topic": ["t"],
         "fps": [24.0], "n_frames": [n_frames], "pose_index": [0]}
    )  # fmt: skip
    sentences = pd.DataFrame(
        {"sentence_id": ["v_s0"], "video_id": ["v"], "split": ["train"], "text": ["hi"],
         "start_sign": [0.0], "end_sign": [0.4], "start_speech": [0.0], "end_speech": [0.4]}
    )  # fmt: skip
    return Corpus(
        "short", "ase", 24.0, videos, sentences, {"train": PoseArray.stack([(data, conf)])}
    )


def test_a_video_shorter_than_a_clip_repeats_its_last_frame():
    corpus = one_short_video_corpus(10)
    split = build_seds_split(corpus, "train", {"v": np.ones((1, 8))})
    (sample,) = split.samples
    assert sample.frames.tolist() == list(range(10))
    assert sample.windows.tolist() == [list(range(10)) + [9] * 6]
    batch = split.batch([0])
    assert batch.frames.shape == (10, 49, 3) and np.isfinite(batch.frames.numpy()).all()
    assert (batch.frames[:, :21] == 0).all()  # the missing hand: zeros, flag 0


def test_videos_without_rgb_features_are_reported():
    with pytest.raises(KeyError, match="no RGB clip features"):
        build_seds_split(one_short_video_corpus(10), "train", {})

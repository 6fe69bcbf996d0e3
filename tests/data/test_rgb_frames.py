"""Per-frame features of the RGB-like view."""

from __future__ import annotations

import numpy as np
import pytest

from slr_lib.data.appearance import render_view, signer_appearance
from slr_lib.data.clip_features import FixedClipEncoder
from slr_lib.data.rgb_frames import exemplar_rgb_frames, rgb_frames, video_rgb_frames


@pytest.fixture(scope="module")
def corpus(generated):
    return generated[1]


def test_frames_are_the_pooled_rendered_view(corpus):
    video = corpus.videos.iloc[0]
    data, conf = corpus.video_pose(video["video_id"])
    look = signer_appearance(corpus.info)[video["signer"]]
    frames = rgb_frames(data, conf, look, image_size=16, pooled=4)
    assert frames.shape == (len(data), 16) and frames.dtype == np.float32
    view = render_view(data, conf, look, 16)
    expected = FixedClipEncoder(image_size=16, pooled=4).rgb_frames(view)
    np.testing.assert_allclose(frames, expected, atol=1e-6)
    assert frames.min() >= 0 and frames.max() <= 1


def test_videos_and_exemplars_do_not_depend_on_what_else_is_asked(corpus):
    ids = corpus.videos["video_id"].tolist()[:3]
    together = video_rgb_frames(corpus, ids, image_size=8, pooled=4, seed=3)
    alone = video_rgb_frames(corpus, ids[2:], image_size=8, pooled=4, seed=3)
    np.testing.assert_array_equal(together[ids[2]], alone[ids[2]])
    assert len(together[ids[0]]) == corpus.videos.iloc[0]["n_frames"]
    other_seed = video_rgb_frames(corpus, ids[2:], image_size=8, pooled=4, seed=4)
    assert not np.array_equal(other_seed[ids[2]], alone[ids[2]])  # rendering noise is seeded
    exemplar_ids = corpus.exemplars["exemplar_id"].tolist()[:4]
    some = exemplar_rgb_frames(corpus, exemplar_ids, image_size=8, pooled=4)
    one = exemplar_rgb_frames(corpus, exemplar_ids[3:], image_size=8, pooled=4)
    assert list(some) == exemplar_ids
    np.testing.assert_array_equal(some[exemplar_ids[3]], one[exemplar_ids[3]])
    assert some[exemplar_ids[0]].shape == (corpus.exemplars.iloc[0]["n_frames"], 16)


def test_signer_appearance_shows(corpus):
    data, conf = corpus.video_pose(corpus.videos.iloc[0]["video_id"])
    light = rgb_frames(data[:20], conf[:20], (0.9, 0.8, 0.1), image_size=8, pooled=4)
    dark = rgb_frames(data[:20], conf[:20], (0.2, 0.3, 0.1), image_size=8, pooled=4)
    assert light.mean() > dark.mean()

import numpy as np
import pytest

from slr_lib.data_loader.retrieval import (
    RetrievalSplit,
    batches,
    build_split,
    clip_range,
    sentence_clips,
)


def test_clip_range_keeps_clips_inside_the_span():
    # 24 fps, window 16, stride 4: frames [48, 96) hold clips starting 48..80, i.e. 12..20
    assert clip_range(2.0, 4.0, 24, 16, 4, 100) == slice(12, 21)
    assert clip_range(2.0, 4.0, 24, 16, 4, 15) == slice(12, 15)  # clipped to the video


def test_short_span_takes_the_nearest_clip():
    span = clip_range(2.0, 2.2, 24, 16, 4, 100)
    assert span.stop - span.start == 1 and 9 <= span.start <= 12


def test_sentence_clips_follow_the_timing(generated):
    main = generated[1]
    features = {
        row.video_id: np.arange(row.n_frames // 4)[:, None].repeat(3, 1).astype(np.float32)
        for row in main.videos.itertuples()
    }
    sentences = main.split_sentences("test")
    sign = sentence_clips(main, sentences, features, 16, 4, "sign")
    speech = sentence_clips(main, sentences, features, 16, 4, "speech")
    assert len(sign) == len(sentences) and all(len(c) >= 1 for c in sign)
    first = sentences.iloc[0]
    assert sign[0][0, 0] == np.ceil(first["start_sign"] * main.fps / 4)
    assert any(not np.array_equal(a, b) for a, b in zip(sign, speech, strict=True))
    with pytest.raises(ValueError, match="timing"):
        sentence_clips(main, sentences, features, 16, 4, "gloss")
    with pytest.raises(KeyError, match="no clip features"):
        sentence_clips(main, sentences, {}, 16, 4)


def test_build_split_pairs_texts_with_clips(generated):
    main = generated[1]
    features = {
        row.video_id: np.ones((row.n_frames // 4, 5), np.float32)
        for row in main.videos.itertuples()
    }
    split = build_split(main, "val", features, lambda ts: [np.ones((2, 7))] * len(ts), 16, 4)
    assert len(split) == len(main.split_sentences("val"))
    assert split.feature_dim == 5 and split.word_dim == 7
    with pytest.raises(ValueError, match="no sentences"):
        build_split(main, "dev", features, lambda ts: [], 16, 4)


def test_split_lists_must_align_and_batches_cover_everything():
    with pytest.raises(ValueError, match="differ in length"):
        RetrievalSplit(["a"], ["t"], [], [])
    parts = batches(10, 4, np.random.default_rng(0))
    assert [len(p) for p in parts] == [4, 4, 2]
    assert sorted(np.concatenate(parts).tolist()) == list(range(10))

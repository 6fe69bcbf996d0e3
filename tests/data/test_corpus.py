import numpy as np
import pandas as pd
import pytest

from slr_lib.data.corpus import (
    EXEMPLAR_COLUMNS,
    SIGN_COLUMNS,
    Corpus,
    CorpusFormatError,
    PoseArray,
)
from slr_lib.data.layout import N_POINTS


def frames(n: int, value: float) -> tuple[np.ndarray, np.ndarray]:
    return np.full((n, N_POINTS, 3), value), np.ones((n, N_POINTS))


def tiny_corpus() -> Corpus:
    videos = pd.DataFrame(
        {"video_id": ["v0", "v1"], "split": ["train", "test"], "signer": ["a", "b"],
         "topic": ["t", "t"], "fps": [10.0, 10.0], "n_frames": [20, 10], "pose_index": [0, 0]}
    )  # fmt: skip
    sentences = pd.DataFrame(
        {"sentence_id": ["s0", "s1"], "video_id": ["v0", "v1"], "split": ["train", "test"],
         "text": ["hello there", "bye"], "start_sign": [0.5, 0.0], "end_sign": [1.0, 1.0],
         "start_speech": [0.2, 0.0], "end_speech": [0.9, 0.5]}
    )  # fmt: skip
    ramp = (np.arange(20)[:, None, None] * np.ones((1, N_POINTS, 3)), np.ones((20, N_POINTS)))
    return Corpus(
        name="t", language="ase", fps=10.0, videos=videos, sentences=sentences,
        poses={"train": PoseArray.stack([ramp]), "test": PoseArray.stack([frames(10, 1.0)])},
        exemplars=pd.DataFrame({c: [] for c in EXEMPLAR_COLUMNS}),
        signs=pd.DataFrame([("v0", "s0", "hello", 5, 8, True, "sign")], columns=SIGN_COLUMNS),
    )  # fmt: skip


def test_pose_array_addresses_items_and_clips_ranges():
    poses = PoseArray.stack([frames(3, 0.0), frames(5, 1.0)])
    assert len(poses) == 2 and poses.n_frames(1) == 5
    data, conf = poses.frames(1, 2, 99)
    assert data.shape == (3, N_POINTS, 3) and data.dtype == np.float16 and (data == 1).all()
    assert poses.frames(0, 5)[0].shape[0] == 0
    with pytest.raises(IndexError):
        poses.frames(2)


def test_pose_array_rejects_bad_offsets_and_shapes():
    data, conf = frames(4, 0.0)
    with pytest.raises(CorpusFormatError, match="offsets"):
        PoseArray(data, conf, np.array([0, 3]))
    with pytest.raises(CorpusFormatError, match="frames"):
        PoseArray(data[:, :10], conf[:, :10], np.array([0, 4]))


def test_sentences_are_cut_by_either_timing(tmp_path):
    corpus = Corpus.load(tiny_corpus().save(tmp_path / "c"))
    sentence = corpus.sentences.iloc[0]
    sign, _ = corpus.sentence_pose(sentence, "sign")
    speech, _ = corpus.sentence_pose(sentence, "speech")
    assert sign[:, 0, 0].tolist() == [5, 6, 7, 8, 9]
    assert speech[:, 0, 0].tolist() == [2, 3, 4, 5, 6, 7, 8]
    assert corpus.signs.iloc[0]["gloss"] == "hello"
    with pytest.raises(ValueError, match="timing"):
        corpus.sentence_pose(sentence, "subtitle")


def test_inconsistent_tables_are_rejected():
    good = tiny_corpus()
    with pytest.raises(CorpusFormatError, match="unknown videos"):
        Corpus(good.name, "ase", 10.0, good.videos.iloc[:1], good.sentences, good.poses)
    with pytest.raises(CorpusFormatError, match="lacks columns"):
        Corpus(
            good.name, "ase", 10.0, good.videos.drop(columns="signer"), good.sentences, good.poses
        )
    with pytest.raises(CorpusFormatError, match="no pose array"):
        Corpus(good.name, "ase", 10.0, good.videos, good.sentences, {"train": good.poses["train"]})


def test_loading_a_folder_that_is_not_a_corpus(tmp_path):
    with pytest.raises(CorpusFormatError, match="manifest.json"):
        Corpus.load(tmp_path)

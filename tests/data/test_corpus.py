import hashlib
import json
import os
import signal
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from slr_lib.atomic import Terminated
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


# Writing whole or not at all, and reading only what was written whole


def files_of(root):
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def other_corpus() -> Corpus:
    corpus = tiny_corpus()
    corpus.name = "other"
    corpus.poses = {"train": PoseArray.stack([frames(20, 3.0)]), "test": corpus.poses["test"]}
    return corpus


def test_manifest_lists_every_file_with_its_size_and_hash(tmp_path):
    root = tiny_corpus().save(tmp_path / "c")
    listed = json.loads((root / "manifest.json").read_text())["files"]
    on_disk = files_of(root)
    assert set(listed) == set(on_disk) - {"manifest.json"}
    assert "poses/train.data.npy" in listed and "signs.parquet" in listed
    for name, entry in listed.items():
        assert entry["bytes"] == len(on_disk[name])
        assert entry["sha256"] == hashlib.sha256(on_disk[name]).hexdigest()


def test_saving_again_replaces_the_whole_folder(tmp_path):
    root = tiny_corpus().save(tmp_path / "c")
    (root / "poses" / "val.data.npy").write_bytes(b"left over")
    other_corpus().save(root)
    loaded = Corpus.load(root)
    assert loaded.name == "other" and loaded.poses["train"].frames(0)[0][0, 0, 0] == 3
    assert not (root / "poses" / "val.data.npy").exists()
    assert [p.name for p in tmp_path.iterdir()] == ["c"]


@pytest.mark.parametrize("had_corpus", [True, False])
def test_a_save_that_fails_midway_leaves_the_old_corpus_and_no_partial_folder(
    tmp_path, monkeypatch, had_corpus
):
    root = tmp_path / "c"
    if had_corpus:
        tiny_corpus().save(root)
    before = files_of(root) if had_corpus else None

    def fail(self, directory, name):
        directory.mkdir(parents=True, exist_ok=True)
        (directory / f"{name}.data.npy").write_bytes(b"half")
        raise RuntimeError("disk full")

    monkeypatch.setattr(PoseArray, "save", fail)
    with pytest.raises(RuntimeError, match="disk full"):
        other_corpus().save(root)
    assert [p.name for p in tmp_path.iterdir()] == (["c"] if had_corpus else [])
    if had_corpus:
        assert files_of(root) == before
        assert Corpus.load(root).name == "t"


def test_sigterm_during_a_save_leaves_the_old_corpus_and_no_partial_folder(tmp_path, monkeypatch):
    root = tiny_corpus().save(tmp_path / "c")
    before = files_of(root)
    write = PoseArray.save

    def killed(self, directory, name):
        write(self, directory, name)
        os.kill(os.getpid(), signal.SIGTERM)

    monkeypatch.setattr(PoseArray, "save", killed)

    def ignore(*_):  # without the save's own handler, the save would complete
        pass

    previous = signal.signal(signal.SIGTERM, ignore)
    try:
        with pytest.raises(Terminated):
            other_corpus().save(root)
        assert signal.getsignal(signal.SIGTERM) is ignore
    finally:
        signal.signal(signal.SIGTERM, previous)
    assert [p.name for p in tmp_path.iterdir()] == ["c"]
    assert files_of(root) == before


def truncate(path):
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])


def flip_last_byte(path):
    data = bytearray(path.read_bytes())
    data[-1] ^= 0xFF
    path.write_bytes(bytes(data))


def flip_middle_byte(path):
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    path.write_bytes(bytes(data))


def manifest_without(key):
    def damage(path):
        manifest = json.loads(path.read_text())
        del manifest[key]
        path.write_text(json.dumps(manifest))

    return damage


@pytest.mark.parametrize(
    ("name", "damage", "message"),
    [
        ("poses/train.data.npy", truncate, r"was \d+ bytes, is \d+"),
        ("poses/test.offsets.npy", truncate, r"was \d+ bytes, is \d+"),
        ("sentences.parquet", truncate, r"was \d+ bytes, is \d+"),
        ("poses/train.data.npy", flip_middle_byte, "hash differs.*regenerate"),
        ("videos.parquet", flip_last_byte, "hash differs.*regenerate"),
        ("poses/train.conf.npy", Path.unlink, "listed in the manifest but missing"),
        ("poses/val.data.npy", lambda p: p.write_bytes(b"stray"), "not listed in"),
        ("old.parquet", lambda p: p.write_bytes(b"stray"), "not listed in"),
        ("manifest.json", truncate, "not valid JSON"),
        ("manifest.json", lambda p: p.write_bytes(b"\xff\xfe"), "not valid JSON"),
        ("manifest.json", lambda p: p.write_text("[1, 2]"), "expected an object"),
        ("manifest.json", manifest_without("files"), "lists no files.*regenerate"),
        ("manifest.json", manifest_without("fps"), r"missing keys \['fps'\]"),
    ],
)
def test_damaged_corpus_files_are_named(tmp_path, name, damage, message):
    root = tiny_corpus().save(tmp_path / "c")
    damage(root / name)
    with pytest.raises(CorpusFormatError, match=message) as error:
        Corpus.load(root)
    assert str(root / name) in str(error.value)


def test_without_verify_only_sizes_are_checked_and_reader_errors_name_the_file(tmp_path):
    root = tiny_corpus().save(tmp_path / "c")
    flip_middle_byte(root / "poses" / "train.data.npy")
    assert Corpus.load(root, verify=False).name == "t"
    flip_last_byte(root / "sentences.parquet")  # the parquet footer's magic bytes
    with pytest.raises(CorpusFormatError, match=r"sentences\.parquet: not a readable parquet"):
        Corpus.load(root, verify=False)


@pytest.mark.parametrize("part", ["data", "conf", "offsets"])
@pytest.mark.parametrize("damage", [truncate, lambda p: p.write_bytes(b"x" * p.stat().st_size)])
def test_unreadable_pose_files_are_named(tmp_path, part, damage):
    PoseArray.stack([frames(4, 0.0), frames(3, 1.0)]).save(tmp_path, "train")
    damage(tmp_path / f"train.{part}.npy")
    with pytest.raises(CorpusFormatError, match=rf"train\.{part}\.npy: not a readable \.npy"):
        PoseArray.load(tmp_path, "train")


def test_inconsistent_pose_files_are_named(tmp_path):
    PoseArray.stack([frames(4, 0.0)]).save(tmp_path, "train")
    np.save(tmp_path / "train.offsets.npy", np.array([0, 9]))
    with pytest.raises(CorpusFormatError, match=r"train\.\*\.npy: pose offsets"):
        PoseArray.load(tmp_path, "train")

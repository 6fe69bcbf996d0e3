"""A searchable collection: your own videos added, searched, saved whole or not at all."""

from __future__ import annotations

import pytest

from slr_lib.collection import CAVEAT, Collection, cli
from slr_lib.data.posefile import read_pose_file
from slr_lib.search import VideoIndex
from tests.collection_stand_in import stand_in_collection
from tests.conftest import NO_VIDEO_EXTRA, REAL_CLIPS, needs_real_clips

pytest.importorskip("mediapipe", reason=NO_VIDEO_EXTRA)


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    """A small collection saved to disk: an untrained CM model and three corpus-like entries."""
    folder = tmp_path_factory.mktemp("collection") / "base"
    return stand_in_collection().save(folder)


@needs_real_clips
def test_added_videos_are_found_first_by_their_own_embedding_and_survive_saving(base, tmp_path):
    collection = Collection.load(base)
    names = [collection.add_video(clip, progress=False) for clip in REAL_CLIPS]
    assert len(collection.index) == 3 + len(REAL_CLIPS)
    mine = tmp_path / "mine"
    collection.save(mine)
    loaded = Collection.load(mine)
    for name in names:
        pose_file = mine / "poses" / f"{name}.pose"
        assert pose_file.is_file()
        data, confidence, _ = read_pose_file(pose_file)
        found, _ = loaded.index.search(loaded.embed_keypoints(data, confidence), 1)
        assert found == [[name]]
        assert float(loaded.entries[name]["hands_found"]) >= 0.8
    hits = loaded.search("how do you hold the brush", k=10)
    assert {h["id"] for h in hits} == {"a", "b", "c", *names}
    assert [h["rank"] for h in hits] == list(range(1, len(hits) + 1))
    with pytest.raises(ValueError, match="already in the collection"):
        loaded.add_video(REAL_CLIPS[0], progress=False)


def test_a_failed_save_leaves_the_previous_collection(base, tmp_path, monkeypatch):
    target = tmp_path / "kept"
    Collection.load(base).save(target)
    before = (target / "entries.json").read_text()
    collection = Collection.load(target)
    collection.entries["d"] = {"text": "new", "source": "test split"}

    def broken(*_args, **_kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(VideoIndex, "save", broken)
    with pytest.raises(OSError, match="disk full"):
        collection.save(target)
    assert (target / "entries.json").read_text() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["kept"]  # no staging folder left


def test_queries_and_folders_that_cannot_be_searched(base, tmp_path):
    collection = Collection.load(base)
    with pytest.raises(ValueError, match="the query is empty"):
        collection.search("   ")
    assert len(collection.search("a sentence with 42 numbers, punctuation!?", k=2)) == 2
    with pytest.raises(FileNotFoundError, match="not a collection"):
        Collection.load(tmp_path)


def test_the_command_line_adds_searches_and_names_a_bad_file(base, tmp_path, capsys):
    notes = tmp_path / "notes.mp4"
    notes.write_text("not a video")
    mine = tmp_path / "mine"
    assert cli(["add", str(notes), "--collection", str(mine), "--start-from", str(base)]) == 1
    assert "notes.mp4: not a video" in capsys.readouterr().err
    assert not mine.exists()
    assert cli(["search", "where is the station", "-k", "2", "--collection", str(base)]) == 0
    out = capsys.readouterr().out
    assert out.count("sentence ") == 2 and CAVEAT in out

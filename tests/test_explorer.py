import ipywidgets as widgets
import numpy as np
import pytest

from slr_lib.data import layout
from slr_lib.explorer import RetrievalExplorer, pose_png_frames
from slr_lib.recognised_words import iou_similarity, query_words

PNG_MAGIC = b"\x89PNG"
TEXTS = ["The dog runs in the park", "Cook the pasta for ten minutes", "Paint the <wall> red"]
TOPICS = ["pets", "food", "home"]
WORDS = [frozenset({"dog", "run", "park"}), frozenset({"cook", "minute"}), frozenset({"paint"})]
CM = np.array([0.2, 0.1, 0.3])  # a fixed CM score that prefers the last video


def _score(query: str, method: str) -> np.ndarray:
    sr = iou_similarity([query_words(query)], WORDS)[0]
    return {"SR": sr, "CM": CM, "SR+CM": 0.5 * sr + 0.5 * CM}[method]


def _frames(i: int) -> list[bytes]:
    return [PNG_MAGIC + bytes([i, t]) for t in range(3)]


@pytest.fixture
def explorer() -> RetrievalExplorer:
    return RetrievalExplorer(_score, TEXTS, TOPICS, WORDS, _frames, k=2)


def test_search_ranks_and_highlights_shared_words(explorer):
    rows = explorer.search("My dogs were running", "SR")
    assert list(rows["video"]) == [0, 1] and list(rows["rank"]) == [1, 2]  # SR ties: stable
    assert rows.loc[0, "shared"] == {"dog", "run"}
    assert rows.loc[0, "similarity"] == pytest.approx(
        2 / 5
    )  # {my, dog, be, run} vs {dog, run, park}
    table = explorer.results.value
    assert "<mark>dog</mark>" in table and "<mark>park</mark>" not in table
    assert "pets" in table
    assert explorer.query.value == "My dogs were running" and explorer.method.value == "SR"
    assert explorer.search("My dogs were running", "CM")["video"].tolist() == [2, 0]
    assert "&lt;wall&gt;" in explorer.results.value  # subtitles are escaped


def test_animation_is_linked_in_the_browser(explorer):
    explorer.search("cook pasta", "SR+CM")
    assert explorer.link.source == (explorer.picker, "index")
    assert explorer.link.target == (explorer.players, "selected_index")
    assert len(explorer.players.children) == len(explorer.picker.options) == 2
    play, stack = explorer.players.children[0].children
    assert isinstance(play, widgets.Play) and isinstance(stack, widgets.Stack)
    assert play.max == 2 and all(isinstance(im, widgets.Image) for im in stack.children)
    assert stack.children[0].value == _frames(1)[0]  # the top result is video 1


def test_panel_reacts_to_typing(explorer):
    explorer.query.value = "paint it"
    assert "<mark>paint</mark>" in explorer.results.value
    explorer.method.value = "CM"
    assert explorer.picker.options[0][0].startswith("1. Paint")


def test_query_without_vocabulary_words_does_not_fail(explorer):
    rows = explorer.search("a purple giraffe", "SR+CM")
    assert rows["video"].tolist() == [2, 0]  # SR is zero: CM alone ranks
    assert "None of the query's words" in explorer.note.value
    assert explorer.search("", "SR").empty and explorer.players.children == ()
    assert explorer.search("?!", "CM").empty


def test_bad_input_is_refused(explorer):
    with pytest.raises(ValueError, match="method"):
        explorer.search("dog", "BM25")
    with pytest.raises(ValueError, match="one entry per video"):
        RetrievalExplorer(_score, TEXTS, TOPICS[:2], WORDS, _frames)
    bad = RetrievalExplorer(lambda q, m: np.zeros(2), TEXTS, TOPICS, WORDS, _frames)
    with pytest.raises(ValueError, match="expected \\(3,\\)"):
        bad.search("dog", "SR")


def test_pose_png_frames_draws_sampled_frames():
    rng = np.random.default_rng(0)
    data = rng.uniform(0.2, 0.8, size=(30, layout.N_POINTS, 3)).astype(np.float32)
    confidence = np.ones((30, layout.N_POINTS), dtype=np.float32)
    confidence[:, layout.LEFT_HAND] = 0.0
    pngs = pose_png_frames(data, confidence, n_frames=4, size=64)
    assert len(pngs) == 4 and all(p.startswith(PNG_MAGIC) for p in pngs)
    assert len(pose_png_frames(data[:2], confidence[:2], n_frames=12, size=64)) == 2
    with pytest.raises(ValueError, match="confidence"):
        pose_png_frames(data, confidence[:, :10])

"""Training windows around spottings, exemplars and true signs."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from slr_lib.data_loader.sign_windows import (
    WindowSet,
    annotation_windows,
    augment,
    centre_crops,
    class_index,
    random_crops,
)
from slr_lib.model.padding import pad_frames


def _video(n: int = 100) -> np.ndarray:
    """Frame t has every feature equal to t, so crops reveal where they came from."""
    return np.repeat(np.arange(n, dtype=np.float32)[:, None], 92, axis=1)


def _spottings(*rows) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["video_id", "frame", "gloss", "source"])


def test_windows_follow_the_paper_offsets():
    features = {"v": _video()}
    classes = class_index(["cat", "dog"])
    windows = annotation_windows(
        _spottings(("v", 50, "dog", "mouthing"), ("v", 50, "cat", "dictionary"),
                   ("v", 50, "eel", "mouthing")),
        features, classes,
    )  # fmt: skip
    assert list(windows.labels) == [classes["dog"], classes["cat"]]  # eel is not a class
    assert list(windows.lengths) == [20, 26]
    assert windows.frames[0, 0, 0] == 35 and windows.frames[0, 19, 0] == 54
    assert windows.frames[1, 0, 0] == 47 and windows.frames[1, 25, 0] == 72


def test_windows_at_the_video_edge_are_padded():
    windows = annotation_windows(
        _spottings(("v", 2, "dog", "dictionary")), {"v": _video(10)}, {"dog": 0}
    )
    assert windows.lengths[0] == 16
    assert windows.frames[0, -1, 0] == 9  # the last frame repeated


def test_unknown_sources_and_columns_are_errors():
    with pytest.raises(ValueError, match="unknown annotation sources"):
        annotation_windows(_spottings(("v", 5, "dog", "guess")), {"v": _video()}, {"dog": 0})
    with pytest.raises(ValueError, match="lack columns"):
        annotation_windows(pd.DataFrame({"video_id": ["v"]}), {"v": _video()}, {"dog": 0})


def test_crops_stay_inside_their_window():
    windows = annotation_windows(
        _spottings(*[("v", 50, "dog", "dictionary")] * 30), {"v": _video()}, {"dog": 0}
    )
    crops = random_crops(windows, np.arange(30), np.random.default_rng(0))
    assert crops.shape == (30, 16, 92)
    assert crops[..., 0].min() >= 47 and crops[..., 0].max() <= 72
    assert np.all(np.diff(crops[..., 0], axis=1) == 1)
    assert len({c[0, 0] for c in crops}) > 1
    assert centre_crops(windows)[0, 0, 0] == 47 + 5


def test_concat_pads_to_the_longest_and_empty_is_an_error():
    a = WindowSet(np.zeros((2, 16, 3), np.float32), np.array([16, 16]), np.array([0, 1]))
    b = WindowSet(np.ones((1, 20, 3), np.float32), np.array([20]), np.array([2]))
    both = WindowSet.concat([a, b])
    assert both.frames.shape == (3, 20, 3) and list(both.labels) == [0, 1, 2]
    with pytest.raises(ValueError, match="no training windows"):
        WindowSet.concat([])


def test_augment_keeps_shape_and_finiteness():
    batch = np.random.default_rng(0).normal(size=(8, 16, 92)).astype(np.float32)
    out = augment(batch, np.random.default_rng(1))
    assert out.shape == batch.shape and np.isfinite(out).all()
    assert not np.allclose(out, batch)
    assert pad_frames(np.zeros((0, 4), np.float32), 16).shape == (16, 4)

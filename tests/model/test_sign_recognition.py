"""The sign-recognition model, dense inference and model files."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from slr_lib.model.checkpoints import SignModel, load_sign_model, save_sign_model
from slr_lib.model.dense import dense_embeddings, dense_outputs, window_loop_embeddings
from slr_lib.model.sign_recognition import WINDOW, SignRecognizer


@pytest.fixture
def model() -> SignRecognizer:
    torch.manual_seed(0)
    return SignRecognizer(n_inputs=6, n_classes=4, width=8, embed_dim=5).eval()


def test_a_window_gives_one_embedding_and_logits(model):
    windows = torch.randn(3, WINDOW, 6)
    assert model.embed(windows).shape == (3, 1, 5)
    assert model(windows).shape == (3, 4)
    with pytest.raises(ValueError, match="at least 16"):
        model.embed(torch.randn(1, WINDOW - 1, 6))


def test_dense_inference_equals_the_window_loop_across_chunks(model):
    frames = np.random.default_rng(0).normal(size=(70, 6)).astype(np.float32)
    dense = dense_embeddings(model, frames, chunk=24)
    assert dense.shape == (70 - WINDOW + 1, 5)
    np.testing.assert_allclose(dense, window_loop_embeddings(model, frames), atol=1e-5)


def test_short_videos_are_padded_to_one_window(model):
    out = dense_outputs(model, np.ones((5, 6), np.float32))
    assert out.embeddings.shape == (1, 5)
    assert 0 <= out.labels[0] < 4 and 0 < out.probabilities[0] <= 1


def test_with_classes_keeps_the_trunk(model):
    other = model.with_classes(7).eval()
    x = torch.randn(2, WINDOW, 6)
    assert other(x).shape == (2, 7)
    torch.testing.assert_close(other.embed(x), model.embed(x))


def test_model_file_round_trip(tmp_path, model):
    path = save_sign_model(tmp_path / "m.pt", SignModel(model, ["a", "b", "c", "d"], 12))
    loaded = load_sign_model(path)
    assert loaded.classes == ["a", "b", "c", "d"] and loaded.annotations == 12
    x = torch.randn(2, WINDOW, 6)
    torch.testing.assert_close(loaded.model(x), model(x))
    with pytest.raises(FileNotFoundError):
        load_sign_model(tmp_path / "missing.pt")

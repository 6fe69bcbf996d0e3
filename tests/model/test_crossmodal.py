import numpy as np
import pytest
import torch

from slr_lib.losses import max_margin_ranking_loss
from slr_lib.metrics import t2v_metrics
from slr_lib.model import (
    CrossModalModel,
    SentenceEncoder,
    VideoEncoder,
    pad_sequences,
    temporal_pool,
)


def test_pad_sequences_mixes_numpy_and_torch_and_masks_padding():
    x, mask = pad_sequences([np.ones((2, 3)), torch.full((4, 3), 2.0, dtype=torch.float64)])
    assert x.dtype == torch.float32 and mask.dtype == torch.bool
    assert x.shape == (2, 4, 3)
    assert mask.tolist() == [[True, True, False, False], [True] * 4]
    assert torch.all(x[0, 2:] == 0) and torch.all(x[1] == 2)


@pytest.mark.parametrize(
    "arrays", [[], [np.ones(3)], [np.ones((2, 3)), np.ones((2, 4))]], ids=["empty", "1d", "dims"]
)
def test_pad_sequences_rejects_bad_input(arrays):
    with pytest.raises(ValueError):
        pad_sequences(arrays)


def test_temporal_pooling_ignores_padding():
    x = torch.tensor([[[1.0, -5.0], [3.0, -1.0], [100.0, 100.0]]])
    mask = torch.tensor([[True, True, False]])
    assert temporal_pool(x, mask, "avg").tolist() == [[2.0, -3.0]]
    assert temporal_pool(x, mask, "max").tolist() == [[3.0, -1.0]]


@pytest.mark.parametrize("pooling", ["avg", "max"])
def test_video_encoder_ignores_padding(pooling):
    torch.manual_seed(0)
    encoder = VideoEncoder(5, pooling=pooling, out_dim=8).eval()
    clips = [torch.randn(n, 5) for n in (3, 6)]
    x, mask = pad_sequences(clips)
    x[~mask] = 1e6  # huge padded values would dominate either pooling if they were read
    out = encoder(x, mask)
    assert out.shape == (2, 8)
    assert torch.allclose(out.norm(dim=1), torch.ones(2), atol=1e-5)
    assert torch.allclose(out[0], encoder(clips[0][None])[0], atol=1e-6)
    assert torch.allclose(out[1], encoder(clips[1][None])[0], atol=1e-6)


def test_avg_and_max_pooling_differ():
    torch.manual_seed(0)
    avg = VideoEncoder(5, pooling="avg", out_dim=8).eval()
    peak = VideoEncoder(5, pooling="max", out_dim=8).eval()
    peak.load_state_dict(avg.state_dict())
    x = torch.randn(2, 4, 5)
    assert not torch.allclose(avg(x), peak(x))


def test_unknown_pooling_lists_the_allowed_values():
    with pytest.raises(ValueError, match="avg, max"):
        VideoEncoder(5, pooling="attention")


def test_text_encoder_shape_and_norm():
    torch.manual_seed(0)
    encoder = SentenceEncoder(6, clusters=3, ghost_clusters=1, out_dim=16)
    x, mask = pad_sequences([torch.randn(n, 6) for n in (2, 5, 4)])
    out = encoder(x, mask)
    assert out.shape == (3, 16)
    assert torch.allclose(out.norm(dim=1), torch.ones(3), atol=1e-5)


def test_model_similarity_shape_range_and_encoders():
    torch.manual_seed(0)
    model = CrossModalModel(6, 5, pooling="max", clusters=3, out_dim=16)
    words, word_mask = pad_sequences([torch.randn(n, 6) for n in (2, 5, 4)])
    clips, clip_mask = pad_sequences([torch.randn(n, 5) for n in (3, 7, 1, 2)])
    sims = model(words, word_mask, clips, clip_mask)
    assert sims.shape == (3, 4)
    assert torch.all(sims.abs() <= 1 + 1e-5)
    text = model.encode_text(words, word_mask)
    video = model.encode_video(clips, clip_mask)
    assert torch.allclose(sims, text @ video.T, atol=1e-6)  # train-mode BN: same batches


def paired_data(n: int, gen: torch.Generator) -> tuple[list[torch.Tensor], list[torch.Tensor]]:
    """Sentences and videos that share a latent code, each with its own noise and length."""
    latent = torch.randn(n, 8, generator=gen)
    to_words = torch.randn(8, 12, generator=torch.Generator().manual_seed(100))
    to_clips = torch.randn(8, 10, generator=torch.Generator().manual_seed(101))
    sentences, videos = [], []
    for z in latent:
        n_words = int(torch.randint(3, 9, (1,), generator=gen))
        n_clips = int(torch.randint(4, 11, (1,), generator=gen))
        sentences.append(z @ to_words + 0.5 * torch.randn(n_words, 12, generator=gen))
        videos.append(z @ to_clips + 0.5 * torch.randn(n_clips, 10, generator=gen))
    return sentences, videos


def test_tiny_training_loop_learns_to_retrieve():
    gen = torch.Generator().manual_seed(0)
    train_words, train_clips = (pad_sequences(s) for s in paired_data(256, gen))
    test_words, test_clips = (pad_sequences(s) for s in paired_data(64, gen))
    torch.manual_seed(0)
    model = CrossModalModel(12, 10, pooling="avg", clusters=4, out_dim=32)

    def test_r1() -> float:
        model.eval()
        with torch.no_grad():
            sims = model(*test_words, *test_clips)
        model.train()
        return t2v_metrics(sims.numpy())["R1"]

    random_r1 = test_r1()
    optimiser = torch.optim.RAdam(model.parameters(), lr=1e-2, weight_decay=1e-5)
    losses = []
    for _step in range(50):
        batch = torch.randperm(256, generator=gen)[:64]
        sims = model(
            train_words[0][batch],
            train_words[1][batch],
            train_clips[0][batch],
            train_clips[1][batch],
        )
        loss = max_margin_ranking_loss(sims, margin=0.2)
        optimiser.zero_grad()
        loss.backward()
        optimiser.step()
        losses.append(loss.item())
    assert np.mean(losses[-5:]) < 0.5 * np.mean(losses[:5]), losses
    trained_r1 = test_r1()  # about 36 against chance 1.6 (64 test pairs)
    assert trained_r1 > random_r1 + 20, (random_r1, trained_r1)

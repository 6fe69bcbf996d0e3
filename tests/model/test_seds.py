import pytest
import torch

from slr_lib.model.seds import (
    MAX_WORDS,
    MODEL_SIZES,
    SEDS,
    SEDSConfig,
    cico_config,
    load_minilm_text_encoder,
)
from tests.seds_stand_ins import stand_in_text_encoder

LONG_CAPTION = " ".join(["the cat sat on a mat"] * 9)  # 54 words


def fake_batch() -> dict:
    torch.manual_seed(0)
    windows = torch.stack([torch.arange(16) + 2 * k for k in range(3)])
    return {
        "texts": ["a b c", LONG_CAPTION],
        "clip_mask": torch.tensor([[True, True, True], [True, True, False]]),
        "rgb": torch.randn(2, 3, 8),
        "frames": torch.randn(40, 49, 3),  # two samples' frames, packed
        "windows": torch.stack([windows, windows + 20]),
    }


def test_profiles_and_config_checks():
    full = SEDSConfig.of_size("full", rgb_dim=1024)
    assert (full.depth, full.width, full.embed_dim, full.max_clips) == (12, 768, 512, 64)
    assert set(MODEL_SIZES) == {"full", "small", "tiny"}
    with pytest.raises(ValueError, match="streams"):
        SEDSConfig(rgb_dim=8, streams=("depth",))
    with pytest.raises(ValueError, match="fusion"):
        SEDSConfig(rgb_dim=8, fusion="sum")


def test_seds_gives_unit_norm_streams_and_words():
    config = SEDSConfig.of_size("tiny", rgb_dim=8)
    model = SEDS(config, stand_in_text_encoder(config.embed_dim)).eval()
    out = model(**fake_batch())
    assert model.retrieval_stream == "fusion" and set(out.streams) == {"pose", "rgb", "fusion"}
    for clips in out.streams.values():
        assert clips.shape == (2, 3, config.embed_dim)
        torch.testing.assert_close(clips.norm(dim=-1), torch.ones(2, 3))
    assert out.words.shape[0] == 2 and out.word_mask.sum(1).tolist() == [3, MAX_WORDS]


def test_cico_is_the_rgb_stream_alone():
    config = cico_config(SEDSConfig.of_size("tiny", rgb_dim=8))
    model = SEDS(config, stand_in_text_encoder(config.embed_dim)).eval()
    batch = fake_batch()
    out = model(batch["texts"], batch["clip_mask"], rgb=batch["rgb"])
    assert model.retrieval_stream == "rgb" and set(out.streams) == {"rgb"}
    assert not any(
        name.startswith(("fusion", "streams.pose")) for name, _ in model.named_parameters()
    )


def test_text_encoder_truncates_and_represents_an_empty_caption():
    encoder = stand_in_text_encoder(6, max_words=32)
    words, mask = encoder([LONG_CAPTION, "", "one two"])
    assert words.shape == (3, 33, 6)  # 32 words and the [SEP] of the longest
    assert mask.sum(1).tolist() == [32, 1, 2]


def test_frozen_text_backbone_stays_frozen_and_in_evaluation_mode():
    encoder = stand_in_text_encoder(6, finetune=False).train()
    assert not encoder.backbone.training and encoder.project.training
    words, _ = encoder(["a b"])
    words.sum().backward()
    assert all(p.grad is None for p in encoder.backbone.parameters())
    assert encoder.project.weight.grad is not None


def test_frozen_text_cache_gives_what_the_backbone_gives():
    encoder = stand_in_text_encoder(6, finetune=False).eval()
    texts = [LONG_CAPTION, "", "one two", "one two three"]
    encoder(texts[2:])  # the cache now holds two of the captions
    cached, cached_mask = encoder(texts)
    hidden, mask = encoder._hidden(texts)
    direct = encoder.project(hidden)
    assert cached.shape == direct.shape and torch.equal(cached_mask, mask)
    assert torch.allclose(cached[mask], direct[mask], atol=1e-6)


@pytest.fixture(scope="module")
def minilm():
    return load_minilm_text_encoder(embed_dim=8)


def test_minilm_word_features_are_cut_to_32_word_pieces(minilm):
    words, mask = minilm([LONG_CAPTION, "hello world"])
    assert mask.sum(1).tolist() == [MAX_WORDS, 2]
    assert words.shape[-1] == 8 and torch.isfinite(words).all()
    assert not any(p.requires_grad for p in minilm.backbone.parameters())

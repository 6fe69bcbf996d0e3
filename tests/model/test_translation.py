"""The sign language translator: vocabulary, masking, causality and decoding."""

from __future__ import annotations

import pytest
import torch

from slr_lib.model.padding import pad_sequences
from slr_lib.model.translation import (
    BOS,
    EOS,
    PAD,
    SPECIALS,
    TRANSLATOR_SIZES,
    UNK,
    SignTranslator,
    Vocabulary,
    beam_decode,
    greedy_decode,
    length_penalty,
    teacher_forcing,
)


def model(vocab: int = 9, seed: int = 0) -> SignTranslator:
    torch.manual_seed(seed)
    return SignTranslator(feature_dim=6, vocab_size=vocab, size=TRANSLATOR_SIZES["tiny"]).eval()


def test_vocabulary_orders_words_by_count_and_reads_unknown_words():
    vocab = Vocabulary.build(["Rain and sun", "rain tomorrow", "rain and"], min_count=2)
    assert vocab.tokens == [*SPECIALS, "rain", "and"]
    assert vocab.encode("RAIN and snow") == [4, 5, UNK]
    assert vocab.decode([BOS, 4, UNK, 5, EOS, 4]) == "rain and"
    with pytest.raises(ValueError, match="starts with"):
        Vocabulary(["rain", *SPECIALS])


def test_teacher_forcing_shifts_by_one_word():
    inputs, outputs = teacher_forcing([[5, 6], [7]], torch.device("cpu"))
    assert inputs.tolist() == [[BOS, 5, 6], [BOS, 7, PAD]]
    assert outputs.tolist() == [[5, 6, EOS], [7, EOS, PAD]]


def test_padding_changes_nothing_at_real_positions():
    net = model()
    a, b = torch.randn(4, 6), torch.randn(7, 6)
    x, mask = pad_sequences([a, b])
    tokens = torch.tensor([[BOS, 5, 6], [BOS, 7, PAD]])
    for mode in (net.eval, net.train):
        mode()
        torch.manual_seed(1)
        before = net(x, mask, tokens)
        noisy = x.clone()
        noisy[0, 4:] = 100.0  # values at padded clips
        torch.manual_seed(1)
        after = net(noisy, mask, tokens)
        assert torch.allclose(before[0, :2], after[0, :2], atol=1e-5)


def test_the_decoder_does_not_look_ahead():
    net = model()
    x, mask = pad_sequences([torch.randn(5, 6)])
    first = net(x, mask, torch.tensor([[BOS, 4, 5, 6]]))
    second = net(x, mask, torch.tensor([[BOS, 4, 8, 8]]))
    assert torch.allclose(first[0, :2], second[0, :2], atol=1e-5)
    assert not torch.allclose(first[0, 2:], second[0, 2:])


def test_beam_of_one_is_greedy_and_lengths_are_bounded():
    net = model(seed=3)
    x, mask = pad_sequences([torch.randn(5, 6), torch.randn(3, 6), torch.randn(8, 6)])
    greedy = greedy_decode(net, x, mask, max_length=6)
    assert beam_decode(net, x, mask, beam_size=1, max_length=6) == greedy
    wide = beam_decode(net, x, mask, beam_size=4, max_length=6)
    assert all(len(s) <= 6 and EOS not in s and BOS not in s for s in [*greedy, *wide])
    with pytest.raises(ValueError, match="beam_size"):
        beam_decode(net, x, mask, beam_size=0)


def test_length_penalty_is_gnmts_and_off_below_zero():
    assert length_penalty(7, 1.0) == pytest.approx(2.0)
    assert length_penalty(7, -1.0) == 1.0


def test_a_width_that_heads_cannot_share_is_refused():
    with pytest.raises(ValueError, match="divisible"):
        SignTranslator(6, 9, TRANSLATOR_SIZES["tiny"].__class__(1, 3, 32, 64, 0.1))

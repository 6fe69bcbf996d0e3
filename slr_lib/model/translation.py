"""Sign language translation: the encoder-decoder transformer of Camgoz et al. (Sign Language
Transformers, CVPR 2020), from clip features to a sentence.

SPOT-ALIGN's supplement (App. E) trains it on How2Sign's I3D features "with all the
hyperparameters identical to the publicly available setting" to show that translation is too
weak on an open domain to retrieve by; its Table 7 retrieves PHOENIX-2014T by the translated
sentence. This module is that model, written from the paper's description:

- **Embeddings.** Each clip feature goes through a linear layer to the model width, batch
  normalisation over the real (unpadded) clips of the batch and a softsign; each input word
  through a word embedding, the same normalisation over real words and a softsign. Sinusoidal
  positions are added, then dropout.
- **Encoder and decoder.** `layers` pre-norm transformer layers each (self-attention and a
  feed-forward block, the decoder's self-attention causal and followed by attention over the
  encoded clips), a final layer norm, and a linear layer over the vocabulary.
- **Sizes** (`TRANSLATOR_SIZES`): the public setting (`slt`: 3 layers, 8 heads, width 512,
  feed-forward 2048, dropout 0.1), and smaller ones for a CPU (`small`, `tiny`).
- **Decoding** (`greedy_decode`, `beam_decode`): at most `max_length` words (30 in the public
  setting); beam search ranks finished sentences by log-probability divided by GNMT's length
  penalty ((5 + length) / 6) ** alpha, and alpha < 0 (the public setting's -1) means none.

Words are the lowercased whitespace tokens of a sentence (`Vocabulary`), the public setting's
word level: the sentences are expected to be tokenised already (PHOENIX-2014T's are).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import Tensor, nn

PAD, UNK, BOS, EOS = 0, 1, 2, 3
MAX_LENGTH = 30
"""Words a translation may have at most (the public setting's `max_output_length`)."""
SPECIALS = ("<pad>", "<unk>", "<s>", "</s>")


@dataclass(frozen=True)
class TranslatorSize:
    """Architecture of a translator."""

    layers: int
    heads: int
    width: int
    ff: int
    dropout: float


TRANSLATOR_SIZES: dict[str, TranslatorSize] = {
    "slt": TranslatorSize(layers=3, heads=8, width=512, ff=2048, dropout=0.1),
    "small": TranslatorSize(layers=2, heads=4, width=128, ff=256, dropout=0.1),
    "tiny": TranslatorSize(layers=1, heads=2, width=32, ff=64, dropout=0.1),
}
"""The public setting of Sign Language Transformers (`slt`) and CPU-sized ones."""


def words(sentence: str) -> list[str]:
    """The words of a sentence as the translator reads and writes them."""
    return sentence.lower().split()


class Vocabulary:
    """Word <-> index, the four special tokens first; words seen fewer than `min_count` times
    in the training sentences are unknown."""

    def __init__(self, tokens: Sequence[str]) -> None:
        if tuple(tokens[: len(SPECIALS)]) != SPECIALS:
            raise ValueError(f"a vocabulary starts with {SPECIALS}, got {tuple(tokens[:4])}")
        self.tokens = list(tokens)
        self.index = {token: i for i, token in enumerate(self.tokens)}
        if len(self.index) != len(self.tokens):
            raise ValueError("a vocabulary's tokens must be unique")

    @classmethod
    def build(cls, sentences: Iterable[str], min_count: int = 1) -> Vocabulary:
        """The words of `sentences` (most frequent first, then alphabetical)."""
        counts = Counter(w for s in sentences for w in words(s))
        kept = sorted(
            (w for w, n in counts.items() if n >= min_count), key=lambda w: (-counts[w], w)
        )
        return cls([*SPECIALS, *(w for w in kept if w not in SPECIALS)])

    def __len__(self) -> int:
        return len(self.tokens)

    def encode(self, sentence: str) -> list[int]:
        """Word indices of `sentence`, unknown words as UNK, without BOS or EOS."""
        return [self.index.get(w, UNK) for w in words(sentence)]

    def decode(self, indices: Iterable[int]) -> str:
        """The sentence of `indices`, up to the first EOS, special tokens left out."""
        out = []
        for i in indices:
            if i == EOS:
                break
            if i >= len(SPECIALS):
                out.append(self.tokens[i])
        return " ".join(out)


def sinusoids(length: int, width: int, device: torch.device) -> Tensor:
    """(length, width) sinusoidal position encodings (Vaswani et al.)."""
    position = torch.arange(length, device=device, dtype=torch.float32)[:, None]
    rate = torch.exp(
        torch.arange(0, width, 2, device=device, dtype=torch.float32) * (-math.log(10000.0) / width)
    )
    table = torch.zeros(length, width, device=device)
    table[:, 0::2] = torch.sin(position * rate)
    table[:, 1::2] = torch.cos(position * rate[: width // 2])
    return table


class MaskedNormSoftsign(nn.Module):
    """Batch normalisation over the real positions of a (B, T, width) batch, then softsign."""

    def __init__(self, width: int) -> None:
        super().__init__()
        self.norm = nn.BatchNorm1d(width)

    def forward(self, x: Tensor, mask: Tensor) -> Tensor:
        out = torch.zeros_like(x)
        out[mask] = self.norm(x[mask])
        return F.softsign(out)


class SignTranslator(nn.Module):
    """Clip features (B, T, feature_dim) with their mask -> next-word logits."""

    def __init__(self, feature_dim: int, vocab_size: int, size: TranslatorSize) -> None:
        super().__init__()
        if size.width % size.heads or size.width % 2:
            raise ValueError(f"width {size.width} must be even and divisible by heads {size.heads}")
        self.size = size
        self.sign_embedding = nn.Linear(feature_dim, size.width)
        self.sign_norm = MaskedNormSoftsign(size.width)
        self.word_embedding = nn.Embedding(vocab_size, size.width, padding_idx=PAD)
        self.word_norm = MaskedNormSoftsign(size.width)
        self.dropout = nn.Dropout(size.dropout)
        layer = {"d_model": size.width, "nhead": size.heads, "dim_feedforward": size.ff,
                 "dropout": size.dropout, "batch_first": True, "norm_first": True}  # fmt: skip
        self.encoder = nn.TransformerEncoder(
            nn.TransformerEncoderLayer(**layer), size.layers, norm=nn.LayerNorm(size.width),
            enable_nested_tensor=False,
        )  # fmt: skip
        self.decoder = nn.TransformerDecoder(
            nn.TransformerDecoderLayer(**layer), size.layers, norm=nn.LayerNorm(size.width)
        )
        self.output = nn.Linear(size.width, vocab_size)

    def _positioned(self, x: Tensor) -> Tensor:
        return self.dropout(x + sinusoids(x.shape[1], x.shape[2], x.device))

    def encode(self, features: Tensor, mask: Tensor) -> Tensor:
        """(B, T, width) encoded clips; `mask` (B, T) is True at real clips."""
        x = self.sign_norm(self.sign_embedding(features), mask)
        return self.encoder(self._positioned(x), src_key_padding_mask=~mask)

    def decode(self, memory: Tensor, memory_mask: Tensor, tokens: Tensor) -> Tensor:
        """(B, L, vocab) logits of the word after each of `tokens` (B, L), which start with BOS
        and are padded with PAD."""
        real = tokens != PAD
        y = self._positioned(self.word_norm(self.word_embedding(tokens), real))
        length = tokens.shape[1]
        causal = torch.ones(length, length, dtype=torch.bool, device=y.device).triu(1)
        hidden = self.decoder(
            y, memory, tgt_mask=causal, tgt_is_causal=True, tgt_key_padding_mask=~real,
            memory_key_padding_mask=~memory_mask,
        )  # fmt: skip
        return self.output(hidden)

    def forward(self, features: Tensor, mask: Tensor, tokens: Tensor) -> Tensor:
        return self.decode(self.encode(features, mask), mask, tokens)


def teacher_forcing(
    targets: Sequence[Sequence[int]], device: torch.device
) -> tuple[Tensor, Tensor]:
    """Decoder inputs (BOS + words) and targets (words + EOS), PAD-padded, for a batch."""
    length = max(len(t) for t in targets) + 1
    inputs = torch.full((len(targets), length), PAD, dtype=torch.long, device=device)
    outputs = torch.full_like(inputs, PAD)
    for row, target in enumerate(targets):
        inputs[row, : len(target) + 1] = torch.tensor([BOS, *target])
        outputs[row, : len(target) + 1] = torch.tensor([*target, EOS])
    return inputs, outputs


@torch.no_grad()
def greedy_decode(
    model: SignTranslator, features: Tensor, mask: Tensor, max_length: int = MAX_LENGTH
) -> list[list[int]]:
    """The most likely next word at each step, for a batch; each sentence without BOS/EOS."""
    model.eval()
    memory = model.encode(features, mask)
    tokens = torch.full((features.shape[0], 1), BOS, dtype=torch.long, device=features.device)
    done = torch.zeros(features.shape[0], dtype=torch.bool, device=features.device)
    for _ in range(max_length):
        step = model.decode(memory, mask, tokens)[:, -1].argmax(dim=-1)
        step = torch.where(done, torch.full_like(step, PAD), step)
        tokens = torch.cat([tokens, step[:, None]], dim=1)
        done |= step == EOS
        if bool(done.all()):
            break
    return [_strip(row) for row in tokens[:, 1:].tolist()]


def _strip(row: Sequence[int]) -> list[int]:
    out = []
    for token in row:
        if token in (EOS, PAD):
            break
        out.append(token)
    return out


def length_penalty(length: int, alpha: float) -> float:
    """GNMT's ((5 + length) / 6) ** alpha; 1 (none) for alpha < 0."""
    return ((5.0 + length) / 6.0) ** alpha if alpha >= 0 else 1.0


@torch.no_grad()
def beam_decode(
    model: SignTranslator,
    features: Tensor,
    mask: Tensor,
    beam_size: int = 5,
    alpha: float = -1.0,
    max_length: int = MAX_LENGTH,
) -> list[list[int]]:
    """Beam search, one sentence at a time; the best finished sentence by log-probability over
    the length penalty (an unfinished one when none finishes within `max_length`)."""
    if beam_size < 1:
        raise ValueError(f"beam_size must be at least 1, got {beam_size}")
    model.eval()
    return [
        _beam_one(model, features[i : i + 1], mask[i : i + 1], beam_size, alpha, max_length)
        for i in range(features.shape[0])
    ]


def _beam_one(
    model: SignTranslator, features: Tensor, mask: Tensor, beam: int, alpha: float, max_length: int
) -> list[int]:
    memory = model.encode(features, mask)
    live = [([BOS], 0.0)]
    finished: list[tuple[list[int], float]] = []
    for _ in range(max_length):
        tokens = torch.tensor([seq for seq, _ in live], device=features.device)
        n = len(live)
        logp = model.decode(memory.expand(n, -1, -1), mask.expand(n, -1), tokens)[:, -1]
        total = torch.tensor([s for _, s in live], device=features.device)[:, None]
        total = (total + logp.log_softmax(dim=-1)).flatten()
        best = total.topk(min(beam, total.numel()))
        live = []
        for score, flat in zip(best.values.tolist(), best.indices.tolist(), strict=True):
            row, word = divmod(flat, logp.shape[-1])
            sequence = [*tokens[row].tolist(), word]
            if word == EOS:
                finished.append((sequence[1:-1], score))
            else:
                live.append((sequence, score))
        if len(finished) >= beam or not live:
            break
    candidates = finished or [(seq[1:], score) for seq, score in live]
    return max(candidates, key=lambda c: c[1] / length_penalty(len(c[0]) + 1, alpha))[0]

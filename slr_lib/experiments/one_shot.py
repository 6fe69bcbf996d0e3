"""ECCV 2022 OSLWL one-shot sign spotting: challenge F1, streams, Top-K transferring, windows."""

from __future__ import annotations

from dataclasses import dataclass

from slr_lib.config import SectionConfig, knob
from slr_lib.spotting.streams import STREAMS


@dataclass(frozen=True)
class Config(SectionConfig):
    """The `one_shot` section."""

    SECTION = "one_shot"

    corpus_dir: str = knob()
    spotalign_dir: str = knob()
    encoder: str = knob()
    spotting_steps: list[str] = knob(min_items=1)
    n_gallery: int = knob(ge=2)
    n_queries: int = knob(ge=1)
    n_val_queries: int = knob(ge=1)
    min_clips: int = knob(ge=1)
    benchmark_seed: int = knob(ge=0)
    exclude_gallery: bool = knob()
    streams: list[str] = knob(choices=STREAMS, min_items=1)
    window: int = knob(ge=1)
    windows: list[int] = knob(ge=1, min_items=1)
    top_k: int = knob(ge=1)
    top_k_rounds: int = knob(ge=0)
    epochs: int = knob(ge=1)
    batch_size: int = knob(ge=2)
    per_class: int = knob(ge=2)
    margin: float = knob(ge=0)
    triplet_weight: float = knob(ge=0)
    lr: float = knob(gt=0)
    finetune_lr: float = knob(gt=0)
    lr_drop: float = knob(ge=0, le=1)
    width: int = knob(ge=1)
    embed_dim: int = knob(ge=1)
    image_size: int = knob(ge=1)
    pooled: int = knob(ge=1)
    seed: int = knob(ge=0)
    bootstrap_resamples: int = knob(ge=1)

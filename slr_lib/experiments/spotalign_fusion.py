"""SPOT-ALIGN Tables 4 and 6, Figs. 5 and A.2: SR threshold, SR + CM fusion, the explorer."""

from __future__ import annotations

from dataclasses import dataclass

from slr_lib.config import SectionConfig, knob
from slr_lib.experiments.crossmodal_setup import EMBEDDING_NAMES


@dataclass(frozen=True)
class Config(SectionConfig):
    """The `spotalign_fusion` section (CM training on the SPOT-ALIGN embeddings, SR, fusion)."""

    SECTION = "spotalign_fusion"

    corpus_dir: str = knob()
    spotalign_dir: str = knob()
    clusters: int = knob(ge=1)
    out_dim: int = knob(ge=1)
    margin: float = knob(ge=0)
    lr: float = knob(gt=0)
    weight_decay: float = knob(ge=0)
    batch_size: int = knob(ge=2)
    epochs: int = knob(ge=1)
    seeds: list[int] = knob(ge=0, min_items=1)
    word2vec_dim: int = knob(ge=1)
    embedding: str = knob(choices=EMBEDDING_NAMES)
    sr_threshold: float = knob(ge=0, le=1)
    thresholds: list[float] = knob(ge=0, le=1, min_items=1)
    fusion_weight: float = knob(ge=0, le=1)
    n_examples: int = knob(ge=1)
    top_k: int = knob(ge=1)
    explorer_query: str = knob()

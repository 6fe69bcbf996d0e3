"""What the cross-modal (CM) chapters share: training knobs and the sentence/clip pairs."""

from __future__ import annotations

from dataclasses import dataclass

from slr_lib.config import SectionConfig, knob
from slr_lib.text_embeddings.factory import EMBEDDERS


@dataclass(frozen=True)
class CrossModalTraining(SectionConfig):
    """CM embedding training (SPOT-ALIGN supplement B.4): the `crossmodal_training` block."""

    SECTION = "crossmodal_training"

    corpus_dir: str = knob()
    features_dir: str = knob()
    clusters: int = knob(ge=1)
    out_dim: int = knob(ge=1)
    margin: float = knob(ge=0)
    lr: float = knob(gt=0)
    weight_decay: float = knob(ge=0)
    batch_size: int = knob(ge=2)
    epochs: int = knob(ge=1)
    seeds: list[int] = knob(ge=0, min_items=1)
    word2vec_dim: int = knob(ge=1)


EMBEDDING_NAMES = tuple(e for e in EMBEDDERS if e != "file")

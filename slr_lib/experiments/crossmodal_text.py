"""SPOT-ALIGN Table 3: text embeddings for the CM model."""

from __future__ import annotations

from dataclasses import dataclass

from slr_lib.config import knob
from slr_lib.experiments.crossmodal_setup import EMBEDDING_NAMES, CrossModalTraining
from slr_lib.model.crossmodal import POOLING_MODES


@dataclass(frozen=True)
class Config(CrossModalTraining):
    """The `crossmodal_text` section: CM training plus the text embeddings compared."""

    SECTION = "crossmodal_text"

    pooling: str = knob(choices=POOLING_MODES)
    embeddings: list[str] = knob(choices=EMBEDDING_NAMES, min_items=1)

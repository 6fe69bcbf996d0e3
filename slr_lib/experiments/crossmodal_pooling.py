"""SPOT-ALIGN Table 2: average vs max pooling of the sign-video embeddings over time."""

from __future__ import annotations

from dataclasses import dataclass

from slr_lib.config import knob
from slr_lib.experiments.crossmodal_setup import EMBEDDING_NAMES, CrossModalTraining
from slr_lib.model.crossmodal import POOLING_MODES


@dataclass(frozen=True)
class Config(CrossModalTraining):
    """The `crossmodal_pooling` section: CM training plus the poolings compared."""

    SECTION = "crossmodal_pooling"

    embedding: str = knob(choices=EMBEDDING_NAMES)
    poolings: list[str] = knob(choices=POOLING_MODES, min_items=1)

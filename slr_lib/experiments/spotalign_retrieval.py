"""SPOT-ALIGN Table 1, Table A.1 (retrieval), Table 5: sign-video embeddings for SR and CM."""

from __future__ import annotations

from dataclasses import dataclass

from slr_lib.config import knob
from slr_lib.experiments.crossmodal_setup import EMBEDDING_NAMES, CrossModalTraining


@dataclass(frozen=True)
class Config(CrossModalTraining):
    """The `spotalign_retrieval` section: CM training plus the SPOT-ALIGN inputs."""

    SECTION = "spotalign_retrieval"

    spotalign_dir: str = knob()
    ablation_seeds: list[int] = knob(ge=0, min_items=1)
    sr_threshold: float = knob(ge=0, le=1)
    embedding: str = knob(choices=EMBEDDING_NAMES)

"""Neural models of the book: NetVLAD, gated embeddings and the SPOT-ALIGN cross-modal model."""

from slr_lib.model.crossmodal import (
    POOLING_MODES,
    CrossModalModel,
    SentenceEncoder,
    VideoEncoder,
    similarity,
    temporal_pool,
)
from slr_lib.model.gated import ContextGating, GatedEmbeddingUnit
from slr_lib.model.netvlad import NetVLAD
from slr_lib.model.padding import check_mask, pad_sequences

__all__ = [
    "POOLING_MODES",
    "ContextGating",
    "CrossModalModel",
    "GatedEmbeddingUnit",
    "NetVLAD",
    "SentenceEncoder",
    "VideoEncoder",
    "check_mask",
    "pad_sequences",
    "similarity",
    "temporal_pool",
]

"""The data chapter: the simulated corpus the other chapters use, beside real statistics."""

from __future__ import annotations

from dataclasses import dataclass

from slr_lib.config import SectionConfig, knob

SPLITS = ("train", "val", "test")


@dataclass(frozen=True)
class Config(SectionConfig):
    """Where the corpora and features are, and what the figures show (`data` section)."""

    SECTION = "data"

    corpus_dir: str = knob()
    pretrain_dir: str = knob()
    features_dir: str = knob()
    example_split: str = knob(choices=SPLITS)
    filmstrip_frames: int = knob(ge=1)

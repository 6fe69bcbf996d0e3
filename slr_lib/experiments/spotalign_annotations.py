"""SPOT-ALIGN Figs. 3 and 4, Table A.1: the automatic annotations, their yield and precision."""

from __future__ import annotations

from dataclasses import dataclass

from slr_lib.config import SectionConfig, knob


@dataclass(frozen=True)
class Config(SectionConfig):
    """The `spotalign_annotations` section."""

    SECTION = "spotalign_annotations"

    corpus_dir: str = knob()
    spotalign_dir: str = knob()
    dictionary_threshold: float = knob(ge=0, le=1)
    timeline_videos: int = knob(ge=1)

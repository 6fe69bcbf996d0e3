"""SEDS Tables 5 and 6, Figs. 5 and 6: fusion modules, the Pose-RGB objective, alpha and beta."""

from __future__ import annotations

from dataclasses import dataclass

from slr_lib.config import knob
from slr_lib.experiments.seds_setup import SEDSTraining
from slr_lib.model.stream_fusion import FUSIONS


@dataclass(frozen=True)
class Config(SEDSTraining):
    """The `seds_ablations` section: SEDS training plus the swept fusions, alphas and betas."""

    SECTION = "seds_ablations"

    fusions: list[str] = knob(choices=FUSIONS, min_items=1)
    alphas: list[float] = knob(ge=0, min_items=1)
    betas: list[float] = knob(ge=0, min_items=1)
    heatmap_pair: int = knob(ge=0)

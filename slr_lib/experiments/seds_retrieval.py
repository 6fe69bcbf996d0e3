"""SEDS Tables 1 and 4, Fig. 7: SEDS against CiCo and SPOT-ALIGN, pose vs RGB encoders."""

from __future__ import annotations

from dataclasses import dataclass

from slr_lib.config import knob
from slr_lib.experiments.seds_setup import SEDSTraining


@dataclass(frozen=True)
class Config(SEDSTraining):
    """The `seds_retrieval` section: SEDS training plus the SPOT-ALIGN results compared."""

    SECTION = "seds_retrieval"

    spotalign_results: str = knob()
    n_examples: int = knob(ge=1)

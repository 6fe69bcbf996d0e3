"""What the SEDS chapters share: training knobs of SEDS and its CiCo baseline."""

from __future__ import annotations

from dataclasses import dataclass

from slr_lib.config import SectionConfig, knob
from slr_lib.model.seds import MODEL_SIZES


@dataclass(frozen=True)
class SEDSTraining(SectionConfig):
    """SEDS training (SEDS Sec. 4.1, CPU deviations in params.yaml): the `seds_training` block."""

    SECTION = "seds_training"

    corpus_dir: str = knob()
    rgb_features_dir: str = knob()
    model_size: str = knob(choices=tuple(MODEL_SIZES))
    max_clips: int = knob(ge=1)
    finetune_text: bool = knob()
    epochs: int = knob(ge=1)
    batch_size: int = knob(ge=2)
    lr: float = knob(gt=0)
    lr_text: float = knob(gt=0)
    warmup: float = knob(ge=0, le=1)
    alpha: float = knob(ge=0)
    beta: float = knob(ge=0)
    seed: int = knob(ge=0)

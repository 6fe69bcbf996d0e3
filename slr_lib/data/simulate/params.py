"""The knobs of the simulated corpus (the `corpus` section of params.yaml), documented."""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any


@dataclass(frozen=True)
class CorpusParams:
    """Every knob of the simulated corpus (the `corpus` section of params.yaml, resolved)."""

    seed: int = 0
    fps: float = 24.0
    n_train: int = 160
    n_val: int = 40
    n_test: int = 40
    sentences_per_video: int = 13
    min_words: int = 3
    max_words: int = 40
    lexicon_size: int = 150
    sign_language: str = "ase"
    n_signers: int = 4
    left_handed_share: float = 0.15
    signer_variability: float = 1.0
    mouthing_share: float = 0.4
    mouthing_consistency: float = 0.8
    mouth_gesture_share: float = 0.3
    fingerspell_share: float = 0.3
    time_first: float = 0.8
    topic_first: float = 0.3
    wh_last: float = 0.7
    negation_last: float = 0.6
    transition_frames: int = 5
    hold_frames: int = 4
    letter_frames: int = 5
    coarticulation: float = 1.5
    pause_share: float = 0.15
    jitter: float = 0.002
    hand_jitter: float = 0.004
    drop_rate: float = 0.01
    rest_drop: float = 0.6
    speech_lead_mean_s: float = 0.8
    speech_lead_sd_s: float = 0.7
    speech_zero_share: float = 0.25
    speech_duration_sd_s: float = 0.6
    wlasl_coverage: float = 0.7
    msasl_coverage: float = 0.55
    wlasl_exemplars: float = 2.0
    msasl_exemplars: float = 2.5
    n_dictionary_signers: int = 6
    domain_gap: float = 0.5
    pretrain_sentences: int = 120
    pretrain_lexicon_size: int = 150
    pretrain_shared_share: float = 0.5
    pretrain_sign_language: str = "gsg"

    @classmethod
    def from_params(cls, section: dict[str, Any]) -> CorpusParams:
        """Build from a resolved params section, ignoring keys that are not corpus knobs."""
        names = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in section.items() if k in names})


def schema() -> dict[str, type | tuple[type, ...]]:
    """Each knob's accepted types, for validating params.yaml."""
    kinds: dict[str, type | tuple[type, ...]] = {"int": int, "float": (int, float), "str": str}
    return {f.name: kinds[str(f.type)] for f in fields(CorpusParams)}

"""The knobs of the simulated corpus (the `corpus` section of params.yaml), documented."""

from __future__ import annotations

from dataclasses import dataclass

from slr_lib.config import ParamsError, SectionConfig, knob
from slr_lib.data.posefile import fingerspelling_languages


@dataclass(frozen=True)
class CorpusParams(SectionConfig):
    """Every knob of the simulated corpus (the `corpus` section of params.yaml, resolved).

    The defaults are the tiny profile's values, for tests that build a corpus directly.
    """

    SECTION = "corpus"

    seed: int = knob(0, ge=0)
    fps: float = knob(24.0, gt=0)
    n_train: int = knob(160, ge=1)
    n_val: int = knob(40, ge=1)
    n_test: int = knob(40, ge=1)
    sentences_per_video: int = knob(13, ge=1)
    min_words: int = knob(3, ge=1)
    max_words: int = knob(40, ge=1)
    lexicon_size: int = knob(150, ge=1)
    sign_language: str = knob("ase", choices=fingerspelling_languages)
    n_signers: int = knob(4, ge=1)
    left_handed_share: float = knob(0.15, ge=0, le=1)
    signer_variability: float = knob(1.0, ge=0)
    mouthing_share: float = knob(0.4, ge=0, le=1)
    mouthing_consistency: float = knob(0.8, ge=0, le=1)
    mouth_gesture_share: float = knob(0.3, ge=0, le=1)
    fingerspell_share: float = knob(0.3, ge=0, le=1)
    time_first: float = knob(0.8, ge=0, le=1)
    topic_first: float = knob(0.3, ge=0, le=1)
    wh_last: float = knob(0.7, ge=0, le=1)
    negation_last: float = knob(0.6, ge=0, le=1)
    transition_frames: int = knob(5, ge=0)
    hold_frames: int = knob(4, ge=0)
    letter_frames: int = knob(5, ge=1)
    coarticulation: float = knob(1.5, ge=0)
    pause_share: float = knob(0.15, ge=0, le=1)
    jitter: float = knob(0.002, ge=0)
    hand_jitter: float = knob(0.004, ge=0)
    drop_rate: float = knob(0.01, ge=0, le=1)
    rest_drop: float = knob(0.6, ge=0, le=1)
    speech_lead_mean_s: float = knob(0.8)
    speech_lead_sd_s: float = knob(0.7, ge=0)
    speech_zero_share: float = knob(0.25, ge=0, le=1)
    speech_duration_sd_s: float = knob(0.6, ge=0)
    wlasl_coverage: float = knob(0.7, ge=0, le=1)
    msasl_coverage: float = knob(0.55, ge=0, le=1)
    wlasl_exemplars: float = knob(2.0, gt=0)
    msasl_exemplars: float = knob(2.5, gt=0)
    n_dictionary_signers: int = knob(6, ge=1)
    domain_gap: float = knob(0.5, ge=0, le=1)
    pretrain_sentences: int = knob(120, ge=1)
    pretrain_lexicon_size: int = knob(150, ge=1)
    pretrain_shared_share: float = knob(0.5, ge=0, le=1)
    pretrain_sign_language: str = knob("gsg", choices=fingerspelling_languages)

    def check(self, where: str) -> None:
        """Sentence lengths in order."""
        if self.min_words > self.max_words:
            raise ParamsError(
                f"params key '{where}.min_words' ({self.min_words}) exceeds "
                f"'{where}.max_words' ({self.max_words})"
            )

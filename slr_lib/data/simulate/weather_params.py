"""The knobs of the simulated PHOENIX-like corpus (the `phoenix_corpus` section of params.yaml):
its size, its signers, and how a signer turns a German weather sentence into DGS-like glosses
(`slr_lib.data.simulate.weather`). The signing itself (motion, noise, timing) is rendered with
the `corpus` section's knobs, as the How2Sign-like corpus is.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from slr_lib.config import SectionConfig, knob
from slr_lib.data.posefile import fingerspelling_languages
from slr_lib.data.simulate.params import RealFigure
from slr_lib.data.simulate.weather import SigningParams


@dataclass(frozen=True)
class WeatherCorpusParams(SectionConfig):
    """Every knob of the PHOENIX-like corpus (defaults: the tiny profile's values)."""

    SECTION = "phoenix_corpus"

    seed: int = knob(0, ge=0)
    fps: float = knob(25.0, gt=0)
    n_train: int = knob(120, ge=1)
    n_val: int = knob(30, ge=1)
    n_test: int = knob(40, ge=1)
    sentences_per_forecast: int = knob(7, ge=1)
    lexicon_size: int = knob(200, ge=1)
    sign_language: str = knob("gsg", choices=fingerspelling_languages)
    n_signers: int = knob(9, ge=1)
    unsigned_share: float = knob(0.3, ge=0, le=1)
    paraphrase_share: float = knob(0.3, ge=0, le=1)
    repeat_share: float = knob(0.1, ge=0, le=1)
    added_share: float = knob(0.2, ge=0, le=1)
    added_context_share: float = knob(0.5, ge=0, le=1)
    time_first: float = knob(0.8, ge=0, le=1)
    place_first: float = knob(0.6, ge=0, le=1)
    verb_last: float = knob(0.5, ge=0, le=1)

    def signing(self) -> SigningParams:
        """The signer's knobs."""
        return SigningParams(
            unsigned_share=self.unsigned_share, paraphrase_share=self.paraphrase_share,
            repeat_share=self.repeat_share, added_share=self.added_share,
            added_context_share=self.added_context_share, time_first=self.time_first,
            place_first=self.place_first, verb_last=self.verb_last,
        )  # fmt: skip

    def forecast_length(self, rng: np.random.Generator) -> int:
        """Sentences of one forecast: uniform within half of `sentences_per_forecast` either way."""
        half = self.sentences_per_forecast // 2
        low = max(1, self.sentences_per_forecast - half)
        return int(rng.integers(low, self.sentences_per_forecast + half + 1))


_PHOENIX = (
    "PHOENIX-2014T train annotations, 7,096 real gloss/translation pairs "
    "(../shared/realdata/phoenix/; DESIGN.md 3.3), measured by slr_lib.data.calibration"
)
_FITTED_HOW = (
    "fitted once, jointly with the other fitted knobs, by scripts/calibrate_weather.py "
    "(2,000 sentences drawn as the `small` corpus draws them), then left alone"
)
FITTED: dict[str, str] = {
    "paraphrase_share": "gloss_match_share.mean",
    "unsigned_share": "content_word_share.mean",
    "time_first": "reordered_share",
    "verb_last": "reordered_share",
    "added_share": "glosses_per_word",
}
"""The signing knobs fitted to real figures, and the figure each one mainly moves."""

CALIBRATED: dict[str, RealFigure] = {
    **{
        name: RealFigure(figure, value, _PHOENIX, _FITTED_HOW)
        for (name, figure), value in zip(
            FITTED.items(), (0.592, 0.498, 0.431, 0.431, 0.584), strict=True
        )
    },
    "fps": RealFigure("fps", 25.0, "PHOENIX-2014T (Camgoz et al. 2018)", "taken from the dataset"),
    "n_signers": RealFigure(
        "signers", 9.0, "PHOENIX-2014T (Camgoz et al. 2018)", "taken from the dataset"
    ),
}  # fmt: skip
"""Knobs of `WeatherCorpusParams` whose value comes from a real figure; every other one is set,
not calibrated (`repeat_share`, `added_context_share`, `place_first`, the
forecast length, the lexicon size)."""

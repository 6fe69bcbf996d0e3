"""Fit the weather corpus's signing knobs once against real PHOENIX-2014T figures (how the
values marked CALIBRATED in params.yaml's `phoenix_corpus` section were found).

Sentences are drawn as the `small` corpus draws them; a signer signs them with a lexicon that
holds every gloss (the corpus's lexicon drops rare glosses, which changes the figures little);
the figures are measured by `slr_lib.data.calibration`, the same code that measures the real
annotations. Coordinate descent over the fitted knobs, each on a 0.05 grid, minimises the
squared relative error to the real figures. Run it only to re-derive the stored values:

    .venv/bin/python scripts/calibrate_weather.py [--sentences 2000] [--rounds 2]
"""

from __future__ import annotations

import argparse
from dataclasses import replace

import numpy as np

from slr_lib.data import calibration
from slr_lib.data.simulate import weather
from slr_lib.data.simulate.weather_params import FITTED, WeatherCorpusParams

GRID = np.round(np.arange(0.0, 0.951, 0.05), 2)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sentences", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    params = WeatherCorpusParams.load("params.yaml", "small")
    rng = np.random.default_rng(params.seed)
    sentences: list[weather.Sentence] = []
    while len(sentences) < args.sentences:
        sentences += weather.forecast(rng, params.forecast_length(rng))
    lexicon = weather.all_glosses(sentences)
    real = calibration.flatten(calibration.real_phoenix("../shared/realdata").figures)
    targets = {figure: real[figure] for figure in set(FITTED.values())}

    def loss(signing: weather.SigningParams) -> tuple[float, dict[str, float]]:
        sign_rng, pairs, context = np.random.default_rng(1), [], []
        for sentence in sentences:
            units = weather.sign_sentence(sentence.words, lexicon, signing, sign_rng, context)
            context = [u.gloss for u in units] or context
            pairs.append(([u.gloss for u in units], sentence.text))
        got = calibration.flatten(calibration.figures(pairs, "de"))
        return sum(((got[f] - t) / t) ** 2 for f, t in targets.items()), got

    signing = params.signing()
    best, got = loss(signing)
    for _ in range(args.rounds):
        for knob in FITTED:
            for value in GRID:
                trial = replace(signing, **{knob: float(value)})
                value_loss, value_got = loss(trial)
                if value_loss < best:
                    best, got, signing = value_loss, value_got, trial
            print(f"{knob}: {getattr(signing, knob):.2f} (loss {best:.4f})", flush=True)
    for knob, figure in FITTED.items():
        print(
            f"{knob} = {getattr(signing, knob):.2f}: {figure} {got[figure]:.3f} "
            f"(real {targets[figure]:.3f})"
        )


if __name__ == "__main__":
    main()

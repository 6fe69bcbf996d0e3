"""Dictionary exemplars (the WLASL and MS-ASL roles) in a domain measured on real dictionaries.

An isolated dictionary clip differs from the same sign inside continuous signing in length
(the hands rise from rest, sign slowly, hold and fall back), framing and signer. The figures
below were measured on real files before any chapter ran, and are not changed afterwards;
`python -m slr_lib.data.simulate.dictionaries --corpus DIR` measures them again (real beside
simulated). Real files: `../shared/realdata/` (see its README).

Calibrated (real figure, source):
- `wlasl_clip_ratio` 4.73 and `msasl_clip_ratio` 4.78: a dictionary's median clip length over
  the median sign of continuous signing. Clips: 1,574 trimmed WLASL instances (median 2.08 s),
  4,172 MS-ASL test clips (2.10 s); continuous signs: the 2,111 signs of the ECCV 2022 Sign
  Spotting Challenge's MSSL training ground truth (0.44 s).
- `wlasl_clip_spread` 0.27 and `msasl_clip_spread` 0.45: the clips' log-sd (from their 10th and
  90th percentiles).
- `exemplar_sign_slowdown` 1.44: how much slower a sign's own movement is in a citation form.
  Published figure (no real file times it): Wilbur & Nolen (1986), "The duration of syllables
  in American Sign Language", Language and Speech 29(3): 360.7 ms per syllable in their least
  natural elicited sample against 249.7 ms in conversation.
- `exemplar_framing_scale` 1.37: shoulder width in a dictionary clip over continuous signing;
  two real isolated-sign MediaPipe files (one signer: 0.344 of the frame width) against
  How2Sign-format OpenPose frames (0.251 of a 1280-pixel frame). One signer on each side.
- `exemplar_framing_spread` 0.22 and `exemplar_centre_spread` 0.052: across the 20 signers of
  MS-ASL test, the spread of each signer's median person box (log width; horizontal centre).

Set, not calibrated (no real figure): `exemplar_amplitude` 1.2 and `exemplar_variant_strength`
0.175 (the values used before the calibration), `exemplar_rest_share` 0.5 (how a clip's extra
frames split between still rest and slower rise and fall), and the constants below.

The continuous-signing durations are Spanish Sign Language (LSE, the challenge's MSSL track):
no real sign-level ASL timings are at hand. `domain_gap` scales every part between none (0) and
the measured gap (1). The knobs are declared in `CorpusParams` (params.yaml's `corpus`).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from pathlib import Path
from statistics import NormalDist
from typing import Any

import numpy as np
import pandas as pd

from slr_lib.data.simulate.body import NoiseParams, compose
from slr_lib.data.simulate.lexicon import Sign
from slr_lib.data.simulate.motion import Style, Timeline, rest_frame, sign_segment, smooth
from slr_lib.data.simulate.signers import Signer, make_signers

MIN_REST_FRAMES = 2  # an isolated clip starts and ends with the hands still at rest
SIGNER_VARIABILITY = 0.5  # dictionary signers' body and style spread (set, not calibrated)
NOISE_SHARE = 0.5  # dictionary video is cleaner: this share of the corpus's detector noise (set)
_Z90 = NormalDist().inv_cdf(0.9)  # the standard normal's 90th percentile


@dataclass(frozen=True)
class ExemplarDomain:
    """The dictionary domain's knobs, as declared in `CorpusParams` (the module docstring gives
    each value's source)."""

    wlasl_clip_ratio: float
    msasl_clip_ratio: float
    wlasl_clip_spread: float
    msasl_clip_spread: float
    exemplar_sign_slowdown: float
    exemplar_framing_scale: float
    exemplar_framing_spread: float
    exemplar_centre_spread: float
    exemplar_amplitude: float
    exemplar_variant_strength: float
    exemplar_rest_share: float

    @classmethod
    def from_params(cls, params: Any) -> ExemplarDomain:
        """The knobs of `params` (a `CorpusParams`)."""
        return cls(**{f.name: getattr(params, f.name) for f in fields(cls)})

    def clip(self, dictionary: str) -> tuple[float, float]:
        """A dictionary's median clip length (in continuous-sign lengths) and its log-sd."""
        return getattr(self, f"{dictionary}_clip_ratio"), getattr(self, f"{dictionary}_clip_spread")


@dataclass(frozen=True)
class ExemplarTiming:
    """The frames of one exemplar: still rest, rise, the sign, hold, fall, still rest."""

    lead: int
    rise: int
    sign: int
    hold: int
    fall: int
    trail: int

    @property
    def total(self) -> int:
        """The clip's length in frames."""
        return self.lead + self.rise + self.sign + self.hold + self.fall + self.trail


def reference_frames(lexicon: Mapping[str, Sign]) -> float:
    """The median length of a sign in continuous signing, in frames: the lexicon's median
    citation duration, which corpus signers produce at their own speed (median 1)."""
    return float(np.median([sign.duration for sign in lexicon.values()]))


def variant_strength(gap: float, domain: ExemplarDomain) -> float:
    """The chance per phonological parameter that an exemplar shows a variant form."""
    return gap * domain.exemplar_variant_strength


def dictionary_signers(
    n: int, rng: np.random.Generator, left_handed_share: float, gap: float, domain: ExemplarDomain
) -> list[Signer]:
    """`n` signers of the dictionaries: other people, framed closer and less uniformly.

    Their framings (log shoulder width, horizontal centre) take the `n` quantiles of the measured
    spread in random order, so that even a few signers have the measured median and spread.
    """
    signers = make_signers(
        n, rng, "ds", left_handed_share, SIGNER_VARIABILITY, domain.exemplar_framing_scale**gap
    )
    width_z, centre_z = spread_quantiles(n, rng), spread_quantiles(n, rng)
    out = []
    for signer, wz, cz in zip(signers, width_z, centre_z, strict=True):
        width = signer.shoulder_width * float(np.exp(wz * gap * domain.exemplar_framing_spread))
        centre_x = signer.centre[0] + float(cz * gap * domain.exemplar_centre_spread)
        out.append(replace(signer, shoulder_width=width, centre=(centre_x, signer.centre[1])))
    return out


def spread_quantiles(n: int, rng: np.random.Generator) -> np.ndarray:
    """The standard normal's `n` quantiles at (i + 0.5) / n, in random order."""
    normal = NormalDist()
    return rng.permutation([normal.inv_cdf((i + 0.5) / n) for i in range(n)])


def exemplar_timing(
    sign_frames: int,
    dictionary: str,
    reference: float,
    gap: float,
    domain: ExemplarDomain,
    transition_frames: int,
    hold_frames: int,
    rng: np.random.Generator,
) -> ExemplarTiming:
    """Frames around a sign of `sign_frames` so that the clip's length follows the dictionary's.

    With no gap the sign sits between short rests and ordinary transitions; with the full gap
    the clip's length is drawn from the dictionary's measured distribution (relative to
    `reference`), its extra frames split between slower rise and fall and still rest.
    """
    ratio, spread = domain.clip(dictionary)
    target = reference * ratio * float(np.exp(rng.normal(0, spread)))
    minimal = sign_frames + hold_frames + 2 * (transition_frames + MIN_REST_FRAMES)
    extra = gap * max(0.0, target - minimal)
    moving = int(round(extra * (1 - domain.exemplar_rest_share) / 2))
    still = int(round(extra)) - 2 * moving
    lead = int(rng.integers(0, max(0, still) + 1))
    return ExemplarTiming(
        lead=MIN_REST_FRAMES + lead,
        rise=transition_frames + moving,
        sign=sign_frames,
        hold=hold_frames,
        fall=transition_frames + moving,
        trail=MIN_REST_FRAMES + max(0, still) - lead,
    )


def render_exemplar(
    sign: Sign,
    signer: Signer,
    dictionary: str,
    reference: float,
    shapes: dict[str, np.ndarray],
    params: Any,
    rest_mouth: np.ndarray,
    rng: np.random.Generator,
) -> tuple[np.ndarray, np.ndarray]:
    """One isolated sign by a dictionary signer: keypoints (T, 87, 3) and confidence (T, 87).

    `params` is a `CorpusParams`; `rest_mouth` the mouth shape held throughout (no mouthing).
    Points the framing puts outside the image are not detected.
    """
    gap = params.domain_gap
    domain = ExemplarDomain.from_params(params)
    style = Style(
        amplitude=1 + gap * (domain.exemplar_amplitude - 1),
        speed=signer.speed / domain.exemplar_sign_slowdown**gap,
    )
    segment = sign_segment(sign, shapes, style, rng)
    timing = exemplar_timing(
        len(segment["pos_d"]), dictionary, reference, gap, domain, params.transition_frames,
        params.hold_frames, rng,
    )  # fmt: skip
    rest = rest_frame(shapes)
    timeline = Timeline()
    timeline.add_still(rest, timing.lead)
    timeline.move_to({k: v[0] for k, v in segment.items()}, timing.rise)
    timeline.add(segment)
    timeline.hold(timing.hold)
    timeline.move_to(rest, timing.fall)
    timeline.add_still(rest, timing.trail)
    tracks = {k: smooth(v, params.coarticulation) for k, v in timeline.tracks().items()}
    mouth = np.tile(np.asarray(rest_mouth, dtype=np.float64), (timeline.n_frames, 1))
    noise = NoiseParams(
        params.jitter * NOISE_SHARE, params.hand_jitter * NOISE_SHARE,
        params.drop_rate * NOISE_SHARE, rest_drop=params.rest_drop,
    )  # fmt: skip
    data, confidence = compose(tracks, mouth, signer, noise, rng, params.fps)
    outside = ((data[..., :2] < 0) | (data[..., :2] > 1)).any(axis=-1)
    data[outside] = 0.0
    confidence[outside] = 0.0
    return data, confidence


# Measuring: the real figures behind the knobs, and the same figures on a simulated corpus.


def log_spread(values: pd.Series | np.ndarray) -> float:
    """A robust log-sd: the spread of log values between the 10th and 90th percentiles."""
    low, high = np.percentile(np.asarray(values, dtype=float), [10, 90])
    return float(np.log(high / low) / (2 * _Z90))


def measure_real(realdata: str | Path) -> dict[str, float]:
    """The dictionary-domain figures of the real files in `realdata` (`../shared/realdata`)."""
    from slr_lib.data.layout import body_index
    from slr_lib.data.lexicons import (
        instance_seconds,
        read_msasl,
        read_msasl_boxes,
        read_wlasl,
    )
    from slr_lib.data.openpose import read_openpose_folder
    from slr_lib.data.posefile import read_pose_file
    from slr_lib.data.spotting_pickle import read_spotting_pickle, spotting_arrays

    root = Path(realdata)
    lexicons = root / "lexicons"
    spans = spotting_arrays(read_spotting_pickle(root / "spotting" / "MSSL_TRAIN_SET_GT.pkl"))
    continuous = (spans.ends - spans.starts) / 1000.0
    clips = {
        "wlasl": instance_seconds(read_wlasl(lexicons / "WLASL_v0.3.json")).dropna(),
        "msasl": instance_seconds(read_msasl(lexicons / "MSASL_test.json")).dropna(),
    }
    left, right = body_index("LEFT_SHOULDER"), body_index("RIGHT_SHOULDER")

    def shoulder_share(data: np.ndarray, conf: np.ndarray) -> float:
        seen = (conf[:, left] > 0) & (conf[:, right] > 0)
        return float(np.median(np.abs(data[seen, left, 0] - data[seen, right, 0])))

    isolated = [read_pose_file(p)[:2] for p in sorted((root / "pose").glob("colin-*.pose"))]
    dictionary_share = float(np.median([shoulder_share(d, c) for d, c in isolated]))
    continuous_share = shoulder_share(*read_openpose_folder(root / "openpose", 1280, 720))
    boxes = read_msasl_boxes(lexicons / "MSASL_test.json")
    per_signer = (
        boxes.assign(
            log_width=np.log(boxes["x1"] - boxes["x0"]), centre=(boxes["x0"] + boxes["x1"]) / 2
        )
        .groupby("signer")[["log_width", "centre"]]
        .median()
    )
    figures = {
        "continuous_sign_s": float(np.median(continuous)),
        "continuous_sign_spread": log_spread(continuous),
        "continuous_signs": float(len(continuous)),
    }
    for name, seconds in clips.items():
        figures |= {
            f"{name}_clip_s": float(seconds.median()),
            f"{name}_clip_ratio": float(seconds.median()) / figures["continuous_sign_s"],
            f"{name}_clip_spread": log_spread(seconds),
            f"{name}_clips": float(len(seconds)),
        }
    return figures | {
        "dictionary_shoulder_share": dictionary_share,
        "continuous_shoulder_share": continuous_share,
        "exemplar_framing_scale": dictionary_share / continuous_share,
        "exemplar_framing_spread": float(per_signer["log_width"].std()),
        "exemplar_centre_spread": float(per_signer["centre"].std()),
        "dictionary_signers": float(len(per_signer)),
    }


def measure_simulated(corpus: Any) -> dict[str, float]:
    """The same figures on a simulated corpus (a `Corpus` with signs and exemplars)."""
    from slr_lib.data.layout import body_index

    signs = corpus.signs[corpus.signs["kind"] == "sign"]
    continuous = (signs["end_frame"] - signs["start_frame"]) / corpus.fps
    left, right = body_index("LEFT_SHOULDER"), body_index("RIGHT_SHOULDER")

    def framing(poses: Any, items: pd.Series) -> pd.DataFrame:
        rows = []
        for signer, index in items.items():
            data, conf = poses.frames(int(index))
            data, conf = np.asarray(data, dtype=float), np.asarray(conf, dtype=float)
            seen = (conf[:, left] > 0) & (conf[:, right] > 0)
            width = np.abs(data[seen, left, 0] - data[seen, right, 0])
            centre = (data[seen, left, 0] + data[seen, right, 0]) / 2
            rows.append((signer, float(np.median(width)), float(np.median(centre))))
        return pd.DataFrame(rows, columns=["signer", "width", "centre"])

    exemplars = (
        framing(corpus.exemplar_poses, corpus.exemplars.set_index("signer")["pose_index"])
        .groupby("signer")[["width", "centre"]]
        .median()
    )
    train = corpus.videos[corpus.videos["split"] == "train"]
    videos = framing(corpus.poses["train"], train.set_index("signer")["pose_index"])
    figures = {
        "continuous_sign_s": float(np.median(continuous)),
        "continuous_sign_spread": log_spread(continuous),
        "continuous_signs": float(len(continuous)),
    }
    for name, group in corpus.exemplars.groupby("dictionary"):
        seconds = group["n_frames"] / group["fps"]
        figures |= {
            f"{name}_clip_s": float(seconds.median()),
            f"{name}_clip_ratio": float(seconds.median()) / figures["continuous_sign_s"],
            f"{name}_clip_spread": log_spread(seconds),
            f"{name}_clips": float(len(seconds)),
        }
    dictionary_share = float(exemplars["width"].median())
    continuous_share = float(videos["width"].median())
    return figures | {
        "dictionary_shoulder_share": dictionary_share,
        "continuous_shoulder_share": continuous_share,
        "exemplar_framing_scale": dictionary_share / continuous_share,
        "exemplar_framing_spread": float(np.log(exemplars["width"]).std()),
        "exemplar_centre_spread": float(exemplars["centre"].std()),
        "dictionary_signers": float(len(exemplars)),
    }


def comparison(real: Mapping[str, float], simulated: Mapping[str, float]) -> pd.DataFrame:
    """Real and simulated figures side by side, one row per figure."""
    return pd.DataFrame({"real": pd.Series(real), "simulated": pd.Series(simulated)})


def main(argv: list[str] | None = None) -> int:
    """Print the dictionary-domain figures of the real files beside a simulated corpus's."""
    from slr_lib.data.corpus import Corpus

    parser = argparse.ArgumentParser(prog="python -m slr_lib.data.simulate.dictionaries")
    parser.add_argument("--realdata", type=Path, default=Path("../shared/realdata"))
    parser.add_argument("--corpus", type=Path, help="a simulated corpus folder (its `main`)")
    args = parser.parse_args(argv)
    real = measure_real(args.realdata)
    simulated = measure_simulated(Corpus.load(args.corpus)) if args.corpus else {}
    with pd.option_context("display.float_format", "{:.3f}".format):
        print(comparison(real, simulated).to_string())
    return 0


if __name__ == "__main__":
    sys.exit(main())

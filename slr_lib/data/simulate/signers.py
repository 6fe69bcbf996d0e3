"""Signers: body, framing, speed, handedness, style, appearance and mouth."""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

# How signers' mouths differ (set, not calibrated: no real figure is at hand). A lip reader
# trained on some signers must generalise to others. The spreads are multiplied by the corpus's
# `signer_variability`, like every other signer property.
MOUTH_GEOMETRY_SD = 0.15  # log-normal spread of lip size, lip thickness, jaw and rounding gains
MOUTH_ARTICULATION_MEAN = 0.8  # share of the way from rest to each viseme's target shape
MOUTH_ARTICULATION_SD = 0.15  # its spread across signers (clipped to [0.3, 1])
PARTIAL_MOUTHING_SHARE = 0.3  # mean share of a signer's mouthings that stop part-way
PARTIAL_MOUTHING_SD = 0.15  # its spread across signers (clipped to [0, 0.9])
PARTIAL_MOUTHING_KEEP = 0.5  # mean share of a word's visemes a partial mouthing articulates


@dataclass(frozen=True)
class MouthVariation:
    """How signers' mouths vary (the values of the module's defaults, or the corpus's knobs)."""

    geometry_sd: float = MOUTH_GEOMETRY_SD
    articulation_mean: float = MOUTH_ARTICULATION_MEAN
    articulation_sd: float = MOUTH_ARTICULATION_SD
    partial_share: float = PARTIAL_MOUTHING_SHARE
    partial_sd: float = PARTIAL_MOUTHING_SD
    partial_keep: float = PARTIAL_MOUTHING_KEEP


@dataclass(frozen=True)
class MouthStyle:
    """One signer's mouth: lip geometry (factors on the typical mouth), how fully they articulate,
    and how often and how much of a word they mouth when a mouthing stops part-way."""

    width: float = 1.0  # mouth width
    lip_thickness: float = 1.0  # the lips' extent above and below the corner line at rest
    jaw_gain: float = 1.0  # lower-lip drop per unit of jaw opening
    spread_gain: float = 1.0  # width change per unit of lip spreading or rounding
    round_gain: float = 1.0  # upper-lip lift per unit of rounding
    fullness: float = 1.0  # exponent of the lip contour (> 1: flatter towards the corners)
    articulation: float = 1.0  # share of the way from rest to each viseme's target shape
    partial_share: float = 0.0  # chance a mouthing stops part-way through the word
    partial_keep: float = 1.0  # mean share of the word's visemes mouthed when it does


@dataclass(frozen=True)
class Signer:
    """One signer's constant properties (coordinates in normalised image units)."""

    signer_id: str
    centre: tuple[float, float]  # the neck in the frame
    shoulder_width: float
    speed: float  # > 1 signs faster (shorter signs)
    left_handed: bool
    amplitude: float  # scales movement size
    hold_tendency: float  # probability of holding a sign's last frame
    coarticulation: float  # scales temporal blending between signs
    mouthing: float  # scales the share of mouthed signs
    appearance: tuple[float, float, float]  # skin, clothing, background intensities in [0, 1]
    sway_phase: float
    mouth: MouthStyle = MouthStyle()


def make_mouth(
    rng: np.random.Generator, variation: MouthVariation, variability: float = 1.0
) -> MouthStyle:
    """One signer's mouth, spread around the typical one by `variation` times `variability`."""
    v = variability
    gains = np.exp(rng.normal(0, variation.geometry_sd * v, size=6))
    articulation = rng.normal(variation.articulation_mean, variation.articulation_sd * v)
    partial = rng.normal(variation.partial_share, variation.partial_sd * v)
    return MouthStyle(
        width=float(gains[0]),
        lip_thickness=float(gains[1]),
        jaw_gain=float(gains[2]),
        spread_gain=float(gains[3]),
        round_gain=float(gains[4]),
        fullness=float(gains[5]),
        articulation=float(np.clip(articulation, 0.3, 1.0)),
        partial_share=float(np.clip(partial, 0.0, 0.9)),
        partial_keep=float(np.clip(variation.partial_keep, 0.1, 1.0)),
    )


def make_signers(
    n: int,
    rng: np.random.Generator,
    prefix: str,
    left_handed_share: float = 0.15,
    variability: float = 1.0,
    framing_scale: float = 1.0,
    mouth: MouthVariation | None = None,
) -> list[Signer]:
    """`n` signers whose properties spread around typical values by `variability`.

    Mouths are drawn from a stream spawned from `rng`, so adding them left every other property
    (and every later draw from `rng`) as it was.
    """
    v = variability
    signers = []
    for i in range(n):
        signers.append(
            Signer(
                signer_id=f"{prefix}{i:02d}",
                centre=(
                    0.5 + float(rng.normal(0, 0.025 * v)),
                    0.42 + float(rng.normal(0, 0.02 * v)),
                ),
                shoulder_width=0.24 * framing_scale * float(np.exp(rng.normal(0, 0.08 * v))),
                speed=float(np.exp(rng.normal(0, 0.15 * v))),
                left_handed=bool(rng.random() < left_handed_share),
                amplitude=float(np.exp(rng.normal(0, 0.2 * v))),
                hold_tendency=float(np.clip(rng.normal(0.25, 0.1 * v), 0, 0.8)),
                coarticulation=float(np.exp(rng.normal(0, 0.25 * v))),
                mouthing=float(np.clip(rng.normal(1.0, 0.2 * v), 0.3, 1.6)),
                appearance=tuple(float(x) for x in rng.uniform(0.2, 0.9, size=3)),
                sway_phase=float(rng.uniform(0, 2 * np.pi)),
            )
        )
    mouth_rng = rng.spawn(1)[0]
    variation = mouth or MouthVariation()
    return [replace(s, mouth=make_mouth(mouth_rng, variation, v)) for s in signers]

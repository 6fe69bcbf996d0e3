"""Signers: body, framing, speed, handedness, style and appearance."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


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


def make_signers(
    n: int,
    rng: np.random.Generator,
    prefix: str,
    left_handed_share: float = 0.15,
    variability: float = 1.0,
    framing_scale: float = 1.0,
) -> list[Signer]:
    """`n` signers whose properties spread around typical values by `variability`."""
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
    return signers

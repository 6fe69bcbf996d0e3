"""Signs of the simulated languages: phonological parameters, variants, related lexicons.

A sign is described the way sign phonology describes one: a handshape (a real hand
configuration, see `handshapes`), a location relative to the body, a movement, an orientation,
one or two hands, and a duration. Locations are (x, y, z) offsets from the neck in shoulder
widths, x towards the dominant side, y downwards, z towards the camera.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

LOCATIONS: dict[str, tuple[float, float, float]] = {
    "neutral": (0.30, 0.55, 0.55),
    "high_neutral": (0.30, 0.05, 0.55),
    "low_neutral": (0.30, 0.95, 0.45),
    "chest": (0.05, 0.35, 0.25),
    "stomach": (0.05, 0.80, 0.30),
    "shoulder": (0.45, 0.05, 0.20),
    "opposite_shoulder": (-0.40, 0.05, 0.25),
    "chin": (0.00, -0.40, 0.30),
    "mouth": (0.00, -0.48, 0.30),
    "nose": (0.00, -0.58, 0.30),
    "cheek": (0.17, -0.52, 0.25),
    "forehead": (0.00, -0.80, 0.30),
    "temple": (0.22, -0.72, 0.20),
}
MOVEMENTS = ("hold", "tap", "line", "arc", "circle", "zigzag", "twist", "wiggle")
TWO_HANDED = ("none", "symmetric", "alternating", "base")
TWO_HANDED_WEIGHTS = (0.55, 0.2, 0.1, 0.15)


@dataclass(frozen=True)
class Sign:
    """The phonological parameters of one sign."""

    gloss: str
    handshape: str
    handshape_end: str
    location: str
    movement: str
    direction: float  # radians, in the image plane
    amplitude: float  # shoulder widths
    repetitions: int
    orientation: float  # radians, rotation of the hand in the image plane
    two_handed: str
    base_handshape: str
    duration: int  # frames at 24 fps, before the signer's speed
    mouthed: bool  # whether the sign is usually accompanied by mouthing


def make_sign(
    gloss: str,
    rng: np.random.Generator,
    handshapes: list[str],
    mouthing_share: float,
    handshape_change_share: float = 0.2,
) -> Sign:
    """A sign with parameters drawn at random."""
    handshape = str(rng.choice(handshapes))
    changes = rng.random() < handshape_change_share
    return Sign(
        gloss=gloss,
        handshape=handshape,
        handshape_end=str(rng.choice(handshapes)) if changes else handshape,
        location=str(rng.choice(list(LOCATIONS))),
        movement=str(rng.choice(MOVEMENTS)),
        direction=float(rng.uniform(0, 2 * np.pi)),
        amplitude=float(rng.uniform(0.08, 0.3)),
        repetitions=int(rng.choice([1, 1, 2, 3])),
        orientation=float(rng.normal(0, 0.5)),
        two_handed=str(rng.choice(TWO_HANDED, p=TWO_HANDED_WEIGHTS)),
        base_handshape=str(rng.choice(handshapes)),
        duration=int(rng.integers(9, 19)),
        mouthed=bool(rng.random() < mouthing_share),
    )


def build_lexicon(
    glosses: list[str],
    rng: np.random.Generator,
    handshapes: list[str],
    mouthing_share: float,
    min_distance: int = 2,
) -> dict[str, Sign]:
    """A sign per gloss, redrawn until it differs from all earlier signs in enough parameters."""
    lexicon: dict[str, Sign] = {}
    seen: set[tuple] = set()
    for gloss in glosses:
        for _ in range(50):
            sign = make_sign(gloss, rng, handshapes, mouthing_share)
            key = _form(sign)
            if all(_distance(key, other) >= min_distance for other in _near(seen, key)):
                break
        seen.add(_form(sign))
        lexicon[gloss] = sign
    return lexicon


def variant(sign: Sign, rng: np.random.Generator, strength: float, handshapes: list[str]) -> Sign:
    """The same sign with each parameter changed with probability `strength` (dialect, register)."""
    changes: dict = {}
    if rng.random() < strength:
        changes["location"] = str(rng.choice(list(LOCATIONS)))
    if rng.random() < strength:
        changes["movement"] = str(rng.choice(MOVEMENTS))
    if rng.random() < strength:
        changes["handshape"] = changes["handshape_end"] = str(rng.choice(handshapes))
    if rng.random() < strength:
        changes["orientation"] = sign.orientation + float(rng.normal(0, 0.8))
    changes["amplitude"] = sign.amplitude * float(np.exp(rng.normal(0, 0.3 * strength)))
    return replace(sign, **changes)


def related_lexicon(
    base: dict[str, Sign],
    glosses: list[str],
    rng: np.random.Generator,
    handshapes: list[str],
    shared_share: float,
    mouthing_share: float,
) -> dict[str, Sign]:
    """The lexicon of a related language: a share of signs inherited (as variants), the rest new.

    Glosses are the related language's own; an inherited sign takes the form of a sign of
    `base` that has the same gloss when there is one, else of a random sign of `base`.
    """
    base_signs = list(base.values())
    lexicon = build_lexicon(glosses, rng, handshapes, mouthing_share)
    for gloss in glosses:
        if rng.random() < shared_share:
            source = base.get(gloss) or base_signs[int(rng.integers(len(base_signs)))]
            lexicon[gloss] = replace(variant(source, rng, 0.2, handshapes), gloss=gloss)
    return lexicon


def _form(sign: Sign) -> tuple:
    return (sign.handshape, sign.location, sign.movement, sign.two_handed, sign.handshape_end)


def _distance(a: tuple, b: tuple) -> int:
    return sum(x != y for x, y in zip(a, b, strict=True))


def _near(seen: set[tuple], key: tuple) -> list[tuple]:
    return [other for other in seen if other[0] == key[0] or other[1] == key[1]]

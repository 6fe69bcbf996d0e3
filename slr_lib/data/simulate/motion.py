"""Hand trajectories: sign movements, transitions, holds and rests as per-frame tracks.

Tracks are in body coordinates (shoulder widths from the neck, x towards the dominant side,
y down, z towards the camera). `Timeline` accumulates them frame by frame for a whole video.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from slr_lib.data.simulate.lexicon import LOCATIONS, Sign

KEYS = ("pos_d", "shape_d", "rot_d", "pos_n", "shape_n", "rot_n")
REST_DOMINANT = np.array([0.35, 1.15, 0.1])
REST_OTHER = np.array([-0.35, 1.15, 0.1])
REST_ROTATION = np.pi  # a hanging hand: fingers down
BASE_HAND = np.array([-0.05, 0.65, 0.5])
ON_BASE = np.array([0.05, 0.5, 0.55])
FINGERSPELLING_PLACE = np.array([0.35, 0.05, 0.5])
MIRROR = np.array([-1.0, 1.0, 1.0])
REST_SHAPE = "rest"  # the key of the relaxed hand in a handshape dictionary


class Timeline:
    """Per-frame hand tracks of one video, built by appending segments."""

    def __init__(self) -> None:
        self._parts: dict[str, list[np.ndarray]] = {key: [] for key in KEYS}
        self.n_frames = 0

    def add(self, segment: dict[str, np.ndarray]) -> None:
        """Append a segment: one array per key, all with the same number of frames."""
        lengths = {len(segment[key]) for key in KEYS}
        if len(lengths) != 1:
            raise ValueError(f"segment tracks differ in length: {lengths}")
        for key in KEYS:
            self._parts[key].append(np.asarray(segment[key], dtype=np.float64))
        self.n_frames += lengths.pop()

    def add_still(self, frame: dict[str, np.ndarray], n: int) -> None:
        """Append `n` copies of one frame (a rest, before or after signing)."""
        self.add({key: np.repeat(np.asarray(frame[key])[None], n, axis=0) for key in KEYS})

    def last(self) -> dict[str, np.ndarray]:
        """The last frame of every track."""
        return {key: self._parts[key][-1][-1] for key in KEYS}

    def move_to(self, target: dict[str, np.ndarray], n: int) -> None:
        """Append `n` frames easing from the last frame to `target` (a transition)."""
        if n <= 0:
            return
        start = self.last()
        u = _ease(np.arange(1, n + 1) / (n + 1))
        self.add({key: _lerp(start[key], target[key], u) for key in KEYS})

    def hold(self, n: int) -> None:
        """Append `n` copies of the last frame."""
        if n > 0:
            self.add_still(self.last(), n)

    def tracks(self) -> dict[str, np.ndarray]:
        """The whole timeline, one array per key."""
        return {key: np.concatenate(parts) for key, parts in self._parts.items()}


@dataclass(frozen=True)
class Style:
    """How one production differs from the citation form: size, speed, framing of the sign."""

    amplitude: float = 1.0
    speed: float = 1.0


def rest_frame(shapes: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Both hands lowered and relaxed."""
    relaxed = shapes[REST_SHAPE]
    return {
        "pos_d": REST_DOMINANT, "shape_d": relaxed, "rot_d": np.array(REST_ROTATION),
        "pos_n": REST_OTHER, "shape_n": relaxed, "rot_n": np.array(REST_ROTATION),
    }  # fmt: skip


def sign_segment(
    sign: Sign, shapes: dict[str, np.ndarray], style: Style, rng: np.random.Generator
) -> dict[str, np.ndarray]:
    """The frames of one sign's movement phase."""
    n = max(4, int(round(sign.duration / style.speed * np.exp(rng.normal(0, 0.1)))))
    u = np.linspace(0.0, 1.0, n)
    offsets, twist = movement(sign, u, sign.amplitude * style.amplitude)
    location = ON_BASE if sign.two_handed == "base" else np.array(LOCATIONS[sign.location])
    pos_d = location + offsets
    shape_d = _lerp(
        shapes[sign.handshape], shapes[sign.handshape_end], _ease(np.clip(2 * u - 0.5, 0, 1))
    )
    rot_d = sign.orientation + twist
    if sign.two_handed == "symmetric":
        pos_n, shape_n, rot_n = pos_d * MIRROR, shape_d, rot_d
    elif sign.two_handed == "alternating":
        shifted, shifted_twist = movement(sign, (u + 0.5) % 1.0, sign.amplitude * style.amplitude)
        pos_n, shape_n, rot_n = (
            (location + shifted) * MIRROR,
            shape_d,
            sign.orientation + shifted_twist,
        )
    elif sign.two_handed == "base":
        pos_n = np.repeat(BASE_HAND[None], n, axis=0)
        shape_n = np.repeat(shapes[sign.base_handshape][None], n, axis=0)
        rot_n = np.full(n, -np.pi / 2)
    else:
        rest = rest_frame(shapes)
        pos_n = np.repeat(rest["pos_n"][None], n, axis=0)
        shape_n = np.repeat(rest["shape_n"][None], n, axis=0)
        rot_n = np.full(n, REST_ROTATION)
    return {
        "pos_d": pos_d,
        "shape_d": shape_d,
        "rot_d": rot_d,
        "pos_n": pos_n,
        "shape_n": shape_n,
        "rot_n": rot_n,
    }


def fingerspelling_segment(
    letters: str, shapes: dict[str, np.ndarray], letter_frames: int, style: Style
) -> dict[str, np.ndarray]:
    """The frames of a fingerspelled word: real letter handshapes drifting sideways."""
    per_letter = max(2, int(round(letter_frames / style.speed)))
    shape_d = np.concatenate([np.repeat(shapes[ch][None], per_letter, axis=0) for ch in letters])
    n = len(shape_d)
    drift = np.linspace(0.0, 0.04 * len(letters), n)
    pos_d = FINGERSPELLING_PLACE + np.stack([drift, np.zeros(n), np.zeros(n)], axis=1)
    rest = rest_frame(shapes)
    return {
        "pos_d": pos_d, "shape_d": shape_d, "rot_d": np.zeros(n),
        "pos_n": np.repeat(rest["pos_n"][None], n, axis=0),
        "shape_n": np.repeat(rest["shape_n"][None], n, axis=0),
        "rot_n": np.full(n, REST_ROTATION),
    }  # fmt: skip


def movement(sign: Sign, u: np.ndarray, amplitude: float) -> tuple[np.ndarray, np.ndarray]:
    """Offsets (n, 3) from the sign's location and in-plane twist (n,) at times `u` in [0, 1]."""
    reps = sign.repetitions
    along = np.array([np.cos(sign.direction), np.sin(sign.direction), 0.0])
    across = np.array([-np.sin(sign.direction), np.cos(sign.direction), 0.0])
    wave = np.abs(((u * reps) % 1.0) * 2 - 1)  # triangle wave for repeated movements
    twist = np.zeros_like(u)
    if sign.movement == "hold":
        offsets = np.outer(0.05 * amplitude * u, along)
    elif sign.movement == "tap":
        offsets = np.outer(amplitude * 0.4 * (1 - wave), np.array([0.0, 0.3, -1.0]))
    elif sign.movement == "line":
        offsets = np.outer(amplitude * ((1 - wave) if reps > 1 else u - 0.5), along)
    elif sign.movement == "arc":
        offsets = np.outer(amplitude * (u - 0.5), along) + np.outer(
            0.4 * amplitude * np.sin(np.pi * u), across
        )
    elif sign.movement == "circle":
        angle = 2 * np.pi * reps * u
        offsets = (
            0.5 * amplitude * (np.outer(np.cos(angle) - 1, along) + np.outer(np.sin(angle), across))
        )
    elif sign.movement == "zigzag":
        offsets = np.outer(amplitude * (u - 0.5), along) + np.outer(
            0.2 * amplitude * np.sin(6 * np.pi * u), across
        )
    elif sign.movement == "twist":
        offsets = np.zeros((len(u), 3))
        twist = 1.2 * np.sin(np.pi * reps * u)
    elif sign.movement == "wiggle":
        offsets = np.outer(0.12 * amplitude * np.sin(8 * np.pi * u), across)
        twist = 0.3 * np.sin(8 * np.pi * u)
    else:
        raise ValueError(f"unknown movement {sign.movement!r}")
    return offsets, twist


def smooth(x: np.ndarray, sigma: float) -> np.ndarray:
    """Gaussian smoothing along the first axis (edges repeated): coarticulation between units."""
    if sigma <= 0 or len(x) < 2:
        return x
    radius = int(np.ceil(3 * sigma))
    taps = np.exp(-0.5 * (np.arange(-radius, radius + 1) / sigma) ** 2)
    taps /= taps.sum()
    padded = np.concatenate(
        [np.repeat(x[:1], radius, axis=0), x, np.repeat(x[-1:], radius, axis=0)]
    )
    out = np.zeros_like(x, dtype=np.float64)
    for i, weight in enumerate(taps):
        out += weight * padded[i : i + len(x)]
    return out


def _ease(u: np.ndarray) -> np.ndarray:
    return 0.5 - 0.5 * np.cos(np.pi * np.asarray(u))


def _lerp(a: np.ndarray, b: np.ndarray, u: np.ndarray) -> np.ndarray:
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    shape = (len(u),) + (1,) * a.ndim
    return a[None] + (b - a)[None] * u.reshape(shape)

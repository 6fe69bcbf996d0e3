"""From hand tracks, mouth shapes and a signer to MediaPipe-layout keypoints with detector noise."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from slr_lib.data import layout
from slr_lib.data.layout import BODY_POINTS, N_POINTS
from slr_lib.data.simulate.motion import smooth
from slr_lib.data.simulate.signers import MouthStyle, Signer

# Fixed body points in anatomical coordinates: shoulder widths from the neck, x towards the
# signer's right, y down. Wrists and hand points of the body model come from the hand tracks.
_FACE_AND_TRUNK = {
    "NOSE": (0.0, -0.55), "LEFT_EYE_INNER": (-0.05, -0.63), "LEFT_EYE": (-0.09, -0.63),
    "LEFT_EYE_OUTER": (-0.13, -0.63), "RIGHT_EYE_INNER": (0.05, -0.63), "RIGHT_EYE": (0.09, -0.63),
    "RIGHT_EYE_OUTER": (0.13, -0.63), "LEFT_EAR": (-0.2, -0.58), "RIGHT_EAR": (0.2, -0.58),
    "MOUTH_LEFT": (-0.06, -0.44), "MOUTH_RIGHT": (0.06, -0.44), "LEFT_SHOULDER": (-0.5, 0.0),
    "RIGHT_SHOULDER": (0.5, 0.0), "LEFT_HIP": (-0.35, 1.45), "RIGHT_HIP": (0.35, 1.45),
}  # fmt: skip
_HEAD_POINTS = [p for p in _FACE_AND_TRUNK if "SHOULDER" not in p and "HIP" not in p]
_UPPER_ARM, _FOREARM = 0.62, 0.6
_MOUTH_CENTRE = np.array([0.0, -0.43])

# The renderer's articulatory target of each viseme class of `slr_lib.text.VISEMES`:
# (jaw_open, lip_width, lip_rounding), each in [0, 1]. Only the simulator draws with these; the
# lip reader learns what mouths look like from the pre-training corpus.
VISEME_SHAPES: dict[str, tuple[float, float, float]] = {
    "rest": (0.1, 0.4, 0.1),
    "bilabial": (0.05, 0.45, 0.1),
    "labiodental": (0.15, 0.5, 0.05),
    "dental": (0.25, 0.5, 0.05),
    "alveolar": (0.25, 0.5, 0.1),
    "postalveolar": (0.2, 0.3, 0.6),
    "velar": (0.35, 0.45, 0.1),
    "r": (0.25, 0.3, 0.5),
    "w": (0.2, 0.15, 0.9),
    "open": (0.9, 0.55, 0.1),
    "mid": (0.5, 0.7, 0.05),
    "close_front": (0.15, 0.9, 0.0),
    "round": (0.55, 0.2, 0.8),
}
# The typical mouth, in shoulder widths: half its width at rest, how much spreading and rounding
# change it, the lips' extent above and below the corner line at rest, the lower-lip drop per unit
# of jaw opening, and the upper-lip lift per unit of rounding.
LIP_HALF_WIDTH = 0.07
LIP_SPREAD = 0.4
LIP_REST_EXTENT = 0.012
LIP_JAW_DROP = 0.09
LIP_ROUND_LIFT = 0.02
MOUTH_SMOOTHING = 1.0  # frames (Gaussian sigma): the mouth moves smoothly between visemes
PARTIAL_KEEP_SPREAD = 0.2  # a partial mouthing keeps the signer's share of visemes, +/- this

MouthEvent = tuple[int, int, list[str], float]  # frames [start, end), visemes, strength


@dataclass(frozen=True)
class NoiseParams:
    """Detector noise: jitter (normalised image units) and lost hand detections."""

    jitter: float = 0.002
    hand_jitter: float = 0.004
    drop_rate: float = 0.01  # per-frame chance that a hand detection run is lost
    drop_per_speed: float = 0.5  # extra chance per shoulder width per frame of hand speed
    drop_run: int = 3  # frames a lost detection lasts
    rest_drop: float = 0.6  # chance that a resting (lowered) hand is not detected
    hand_scale: float = 0.2  # wrist-to-knuckle length in shoulder widths


def compose(
    tracks: dict[str, np.ndarray],
    mouth: np.ndarray,
    signer: Signer,
    noise: NoiseParams,
    rng: np.random.Generator,
    fps: float,
) -> tuple[np.ndarray, np.ndarray]:
    """Keypoints (T, 87, 3) and confidence (T, 87) of a signer performing the tracks."""
    n = len(tracks["pos_d"])
    hand_sign = -1.0 if signer.left_handed else 1.0  # dominant side in anatomical x
    head = _head_motion(n, signer, fps)
    anat = np.zeros((n, N_POINTS, 3))
    for name, (x, y) in _FACE_AND_TRUNK.items():
        anat[:, layout.body_index(name), :2] = (x, y)
    for name in _HEAD_POINTS:
        anat[:, layout.body_index(name), :2] += head
    hands = {}
    to_anatomical = np.array([hand_sign, 1.0, 1.0])  # tracks' x points to the dominant side
    for prefix, side in (("d", hand_sign), ("n", -hand_sign)):
        wrist = tracks[f"pos_{prefix}"] * to_anatomical
        hands[side] = _hand_points(
            wrist, tracks[f"shape_{prefix}"], tracks[f"rot_{prefix}"], side, noise
        )
    for side, slot, body in ((1.0, layout.RIGHT_HAND, "RIGHT"), (-1.0, layout.LEFT_HAND, "LEFT")):
        points = hands[side]
        anat[:, slot] = points
        anat[:, layout.body_index(f"{body}_WRIST")] = points[:, 0]
        anat[:, layout.body_index(f"{body}_THUMB")] = points[:, 4]
        anat[:, layout.body_index(f"{body}_INDEX")] = points[:, 5]
        anat[:, layout.body_index(f"{body}_PINKY")] = points[:, 17]
        shoulder = anat[:, layout.body_index(f"{body}_SHOULDER")]
        anat[:, layout.body_index(f"{body}_ELBOW")] = _elbow(shoulder, points[:, 0], side)
    anat[:, layout.MOUTH] = mouth_points(mouth, head, signer.mouth)
    data = _to_image(anat, signer)
    confidence = _confidence(n, rng)
    _add_noise(data, confidence, anat, noise, rng)
    return data, confidence


def mouth_shapes(
    n_frames: int, events: list[MouthEvent], signer: Signer, rng: np.random.Generator
) -> np.ndarray:
    """The mouth's (jaw_open, lip_width, lip_rounding) per frame (n_frames, 3).

    Each event spreads its visemes evenly over its frames and moves the mouth `strength` times the
    signer's articulation of the way from rest to each target. With the signer's chance a mouthing
    stops part-way: only its first visemes are articulated, over as large a share of the event's
    frames, and the mouth is back at rest for the rest of it. Draws come from a stream spawned
    from `rng`, which is left as it was.
    """
    style, draws = signer.mouth, rng.spawn(1)[0]
    rest = np.asarray(VISEME_SHAPES["rest"], dtype=np.float64)
    track = np.tile(rest, (n_frames, 1))
    for start, end, sequence, strength in events:
        end = min(end, n_frames)
        length = end - start
        if length <= 0 or not sequence:
            continue
        keep = len(sequence)
        if len(sequence) > 1 and draws.random() < style.partial_share:
            share = draws.uniform(
                style.partial_keep - PARTIAL_KEEP_SPREAD, style.partial_keep + PARTIAL_KEEP_SPREAD
            )
            keep = int(np.clip(round(share * len(sequence)), 1, len(sequence) - 1))
        frames = max(1, round(length * keep / len(sequence)))
        which = np.minimum(np.arange(frames) * keep // frames, keep - 1)
        targets = np.array([VISEME_SHAPES[v] for v in sequence[:keep]])[which]
        weight = strength * style.articulation
        track[start : start + frames] += weight * (targets - track[start : start + frames])
    return smooth(track, MOUTH_SMOOTHING)


def mouth_points(
    shapes: np.ndarray, head: np.ndarray, style: MouthStyle | None = None
) -> np.ndarray:
    """The 20 outer-lip points (T, 20, 3) for (jaw_open, lip_width, lip_rounding) per frame,
    drawn with one signer's lip geometry (`style`; None: the typical mouth)."""
    style = style or MouthStyle()
    jaw, width, rounding = shapes[:, 0:1], shapes[:, 1:2], shapes[:, 2:3]
    spread = LIP_SPREAD * style.spread_gain
    half_width = LIP_HALF_WIDTH * style.width * (1 + spread * (width - 0.5) - spread * rounding)
    rest_extent = LIP_REST_EXTENT * style.lip_thickness
    upper = rest_extent + LIP_ROUND_LIFT * style.round_gain * rounding
    lower = rest_extent + LIP_JAW_DROP * style.jaw_gain * jaw
    i = np.arange(10) / 10.0
    lower_x = -half_width + 2 * half_width * i  # left corner, lower lip to the right corner
    upper_x = half_width - 2 * half_width * i  # right corner, upper lip back to the left
    xs = np.concatenate([lower_x, upper_x], axis=1)
    contour = np.sin(np.pi * i) ** style.fullness
    ys = np.concatenate([lower * contour, -upper * contour], axis=1)
    points = np.zeros((len(shapes), 20, 3))
    points[..., 0] = xs + _MOUTH_CENTRE[0] + head[:, :1]
    points[..., 1] = ys + _MOUTH_CENTRE[1] + head[:, 1:2]
    return points


def _hand_points(
    wrist: np.ndarray, shape: np.ndarray, rotation: np.ndarray, side: float, noise: NoiseParams
) -> np.ndarray:
    """(T, 21, 3) hand points: a normalised configuration rotated, mirrored and placed."""
    cos, sin = np.cos(rotation)[:, None], np.sin(rotation)[:, None]
    x, y = shape[..., 0], shape[..., 1]
    rotated_x = cos * x - sin * y
    rotated_y = sin * x + cos * y
    # Real templates are right hands seen from the camera; anatomical x points the other way.
    local = np.stack([-side * rotated_x, rotated_y, shape[..., 2]], axis=-1) * noise.hand_scale
    return wrist[:, None, :] + local


def _elbow(shoulder: np.ndarray, wrist: np.ndarray, side: float) -> np.ndarray:
    """Two-link arm: the elbow below the shoulder-wrist line, out to the arm's side."""
    delta = wrist[:, :2] - shoulder[:, :2]
    dist = np.clip(np.linalg.norm(delta, axis=1, keepdims=True), 1e-6, _UPPER_ARM + _FOREARM - 1e-3)
    along = (_UPPER_ARM**2 - _FOREARM**2 + dist**2) / (2 * dist)
    height = np.sqrt(np.clip(_UPPER_ARM**2 - along**2, 0, None))
    unit = delta / dist
    normal = np.stack([-unit[:, 1], unit[:, 0]], axis=1)
    flip = np.where((normal[:, 0:1] * side + normal[:, 1:2]) < 0, -1.0, 1.0)
    elbow = np.zeros_like(shoulder)
    elbow[:, :2] = shoulder[:, :2] + along * unit + flip * height * normal
    elbow[:, 2] = 0.5 * wrist[:, 2]
    return elbow


def _head_motion(n: int, signer: Signer, fps: float) -> np.ndarray:
    t = np.arange(n) / fps
    return 0.02 * np.stack(
        [np.sin(2 * np.pi * t / 3.1 + signer.sway_phase), 0.5 * np.sin(2 * np.pi * t / 1.7)], axis=1
    )


def _to_image(anat: np.ndarray, signer: Signer) -> np.ndarray:
    """Anatomical coordinates to normalised image coordinates (the signer faces the camera)."""
    scale = signer.shoulder_width
    data = np.empty_like(anat)
    data[..., 0] = signer.centre[0] - scale * anat[..., 0]
    data[..., 1] = signer.centre[1] + scale * anat[..., 1]
    data[..., 2] = -scale * anat[..., 2]
    return data


def _confidence(n: int, rng: np.random.Generator) -> np.ndarray:
    conf = np.clip(rng.normal(0.97, 0.02, size=(n, N_POINTS)), 0, 1)
    for name in ("LEFT_HIP", "RIGHT_HIP"):
        conf[:, layout.body_index(name)] *= 0.6
    conf[:, layout.LEFT_HAND] = 1.0
    conf[:, layout.RIGHT_HAND] = 1.0
    return conf


def _add_noise(
    data: np.ndarray,
    conf: np.ndarray,
    anat: np.ndarray,
    noise: NoiseParams,
    rng: np.random.Generator,
) -> None:
    """Jitter every point and lose hand detections during fast motion and at rest, in place."""
    n = len(data)
    data += rng.normal(0, noise.jitter, size=data.shape)
    for slot in (layout.LEFT_HAND, layout.RIGHT_HAND):
        data[:, slot] += rng.normal(0, noise.hand_jitter - noise.jitter, size=data[:, slot].shape)
        wrist = anat[:, slot.start, :2]
        speed = np.linalg.norm(np.diff(wrist, axis=0, prepend=wrist[:1]), axis=1)
        p_start = noise.drop_rate + noise.drop_per_speed * speed
        starts = rng.random(n) < p_start
        lost = np.convolve(starts.astype(float), np.ones(noise.drop_run), mode="full")[:n] > 0
        resting = wrist[:, 1] > 0.95
        lost |= resting & (rng.random() < noise.rest_drop)
        data[lost, slot] = 0.0
        conf[lost, slot] = 0.0
    body_wrists = [
        layout.body_index(n)
        for n in BODY_POINTS
        if n.endswith(("WRIST", "PINKY", "INDEX", "THUMB"))
    ]
    conf[:, body_wrists] *= 0.9

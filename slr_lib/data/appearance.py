"""The RGB-like view of a simulated video: a whole-body, low-detail picture of the signer.

It stands where the papers have RGB video (and I3D features of it): it shows the whole body
and the signer's appearance (skin, clothing, background), but hands only as blobs whose size
and spread hint at the handshape, never the finger detail the pose view has. Frames are drawn
from the keypoints; a hand the detector lost is drawn where it was last seen, since a camera
does not lose hands.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from slr_lib.data import layout
from slr_lib.data.layout import body_index

_FINGERTIPS = (4, 8, 12, 16, 20)
VIEW_WINDOW = (0.2, 0.15, 0.6)  # the upper body, framed as in How2Sign's videos


def signer_appearance(info: dict, key: str = "signers") -> dict[str, tuple[float, float, float]]:
    """Signer id -> (skin, clothing, background) intensities, from a simulated corpus's info."""
    table = pd.DataFrame(info[key])
    return {row.signer_id: tuple(row.appearance) for row in table.itertuples()}


def render_view(
    data: np.ndarray,
    confidence: np.ndarray,
    appearance: tuple[float, float, float],
    size: int = 24,
    rng: np.random.Generator | None = None,
    window: tuple[float, float, float] = VIEW_WINDOW,
) -> np.ndarray:
    """Frames (T, size, size) in [0, 1] of the signer drawn as soft blobs over the background.

    `window` is the camera's field of view in normalised image coordinates: (left, top, side).
    """
    data = np.asarray(data, dtype=np.float32)[..., :2]
    confidence = np.asarray(confidence, dtype=np.float32)
    skin, clothing, background = appearance
    left, top, side = window
    axis = (np.arange(size, dtype=np.float32) + 0.5) / size * side
    data = data - np.array([left, top], dtype=np.float32)
    image = np.full((len(data), size, size), background, dtype=np.float32)
    for centre, radius, colour in _blobs(data, confidence, skin, clothing):
        # a Gaussian blob is separable: one profile per image axis, then their outer product
        scale = (-0.5 / radius**2)[:, None].astype(np.float32)
        along_x = np.exp(scale * (axis[None] - centre[:, :1]) ** 2)
        along_y = np.exp(scale * (axis[None] - centre[:, 1:]) ** 2)
        image += along_y[:, :, None] * along_x[:, None, :] * (colour - image)
    if rng is not None:
        image += rng.normal(0, 0.02, size=image.shape).astype(np.float32)
    return np.clip(image, 0, 1)


def _blobs(data: np.ndarray, confidence: np.ndarray, skin: float, clothing: float):
    """(centre (T, 2), radius (T,), intensity) of each body part, back to front."""
    point = {name: data[:, body_index(name)] for name in layout.BODY_POINTS}
    shoulders = (point["LEFT_SHOULDER"] + point["RIGHT_SHOULDER"]) / 2
    hips = (point["LEFT_HIP"] + point["RIGHT_HIP"]) / 2
    width = np.linalg.norm(point["LEFT_SHOULDER"] - point["RIGHT_SHOULDER"], axis=1) + 1e-3
    for u in (0.2, 0.55, 0.9):
        yield shoulders + u * (hips - shoulders), 0.35 * width, clothing
    for side in ("LEFT", "RIGHT"):
        shoulder, elbow = point[f"{side}_SHOULDER"], point[f"{side}_ELBOW"]
        wrist = _held(
            data[:, getattr(layout, f"{side}_HAND").start],
            confidence[:, getattr(layout, f"{side}_HAND").start],
        )
        for a, b in ((shoulder, elbow), (elbow, wrist)):
            for u in (0.25, 0.75):
                yield a + u * (b - a), 0.1 * width, clothing
    yield point["NOSE"], 0.22 * width, skin
    for side in ("LEFT", "RIGHT"):
        hand = getattr(layout, f"{side}_HAND")
        centre = _held(data[:, hand].mean(axis=1), confidence[:, hand].min(axis=1))
        tips = _held(
            data[:, hand][:, list(_FINGERTIPS)].mean(axis=1), confidence[:, hand].min(axis=1)
        )
        spread = _held(
            data[:, hand].std(axis=1).mean(axis=1, keepdims=True), confidence[:, hand].min(axis=1)
        )[:, 0]
        yield centre, 0.06 * width + 0.5 * spread, skin
        yield tips, 0.04 * width + 0.2 * spread, skin


def _held(values: np.ndarray, confidence: np.ndarray) -> np.ndarray:
    """Values where detected, else the last detected value (the first detected one at the start)."""
    seen = confidence > 0
    if not seen.any():
        return values
    index = np.where(seen, np.arange(len(values)), 0)
    np.maximum.accumulate(index, out=index)
    first = int(np.argmax(seen))
    index[:first] = first
    return values[index]

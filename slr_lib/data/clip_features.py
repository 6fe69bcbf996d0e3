"""Frozen clip features over 16-frame windows (the I3D role), from two views of a video.

Until the book's sign-recognition encoder exists (the SPOT-ALIGN chapters train one and replace
these), clips are encoded by a documented **fixed** encoder. Each frame is first described by a
view's frame features:

- `rgb`: the RGB-like view (see `appearance`) average-pooled to a `pooled` x `pooled` grid:
  appearance and coarse motion of the whole body, no finger detail;
- `pose`: the keypoints, normalised to the signer's shoulders: each hand's wrist position and its
  21 points relative to the wrist (zeros and a flag when the detector lost the hand), and the
  mouth's opening and width.

Over each window of `window` frames the per-feature mean, standard deviation and mean absolute
frame difference are concatenated and mapped to `dim` dimensions by a random Gaussian projection
drawn once from `seed`. Nothing is learnt.
"""

from __future__ import annotations

import json
import sys
from dataclasses import asdict, dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
from tqdm.auto import tqdm

from slr_lib.config import SectionConfig, knob
from slr_lib.data import layout
from slr_lib.data.appearance import render_view, signer_appearance
from slr_lib.data.corpus import Corpus
from slr_lib.data.features import read_ce_features, write_ce_features
from slr_lib.data.roles import real_rgb_features, renders_rgb
from slr_lib.logging_setup import get_logger

log = get_logger(__name__)
VIEWS = ("rgb", "pose")


@dataclass(frozen=True)
class FixedClipEncoder(SectionConfig):
    """The fixed window encoder described in this module's docstring (the `features` section)."""

    SECTION = "features"

    window: int = knob(16, ge=1)
    stride: int = knob(4, ge=1)
    image_size: int = knob(24, ge=1)
    pooled: int = knob(8, ge=1)
    dim: int = knob(256, ge=1)
    seed: int = knob(0, ge=0)

    def __post_init__(self) -> None:
        if self.image_size % self.pooled:
            raise ValueError("image_size must be a multiple of pooled")

    def window_starts(self, n_frames: int) -> np.ndarray:
        """First frame of each window: every `stride` frames, at least one window."""
        return np.arange(0, max(1, n_frames - self.window + 1), self.stride)

    def encode(self, frames: np.ndarray) -> np.ndarray:
        """(n_windows, dim) features of per-frame features (T, F); short clips are padded."""
        frames = np.asarray(frames, dtype=np.float32).reshape(len(frames), -1)
        if len(frames) < self.window:
            pad = np.repeat(frames[-1:], self.window - len(frames), axis=0)
            frames = np.concatenate([frames, pad])
        starts = self.window_starts(len(frames))
        windows = frames[starts[:, None] + np.arange(self.window)[None]]  # (n, window, F)
        motion = np.abs(np.diff(windows, axis=1)).mean(axis=1)
        stats = np.concatenate([windows.mean(axis=1), windows.std(axis=1), motion], axis=1)
        return stats @ _projection(stats.shape[1], self.dim, self.seed)

    def rgb_frames(self, view: np.ndarray) -> np.ndarray:
        """(T, pooled**2) frame features of RGB-like frames (T, image_size, image_size)."""
        k = self.image_size // self.pooled
        pooled = view.reshape(len(view), self.pooled, k, self.pooled, k).mean(axis=(2, 4))
        return pooled.reshape(len(view), -1)


@lru_cache(maxsize=8)
def _projection(n_in: int, dim: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return (rng.standard_normal((n_in, dim)) / np.sqrt(n_in)).astype(np.float32)


def pose_frames(data: np.ndarray, confidence: np.ndarray) -> np.ndarray:
    """(T, 92) frame features of keypoints, in shoulder widths from the shoulders' midpoint."""
    data = np.asarray(data, dtype=np.float32)[..., :2]
    conf = np.asarray(confidence, dtype=np.float32)
    left = data[:, layout.body_index("LEFT_SHOULDER")]
    right = data[:, layout.body_index("RIGHT_SHOULDER")]
    centre = (left + right) / 2
    width = np.linalg.norm(left - right, axis=1, keepdims=True)
    width = np.where(width > 1e-3, width, np.median(width) + 1e-3)
    parts = []
    for hand in (layout.LEFT_HAND, layout.RIGHT_HAND):
        points = data[:, hand]
        seen = (conf[:, hand].min(axis=1) > 0)[:, None]
        wrist = (points[:, 0] - centre) / width
        shape = (points - points[:, :1]) / width[:, :, None]
        parts += [np.where(seen, wrist, 0), np.where(seen, shape.reshape(len(data), -1), 0), seen]
    mouth = data[:, layout.MOUTH]
    opening = (mouth[:, 5, 1] - mouth[:, 15, 1])[:, None] / width
    spread = (mouth[:, 10, 0] - mouth[:, 0, 0])[:, None] / width
    return np.concatenate([*parts, opening, spread], axis=1).astype(np.float32)


def encode_corpus(
    corpus: Corpus, encoder: FixedClipEncoder, view: str, seed: int = 0
) -> dict[str, dict[str, np.ndarray]]:
    """Features of every source video and exemplar: {"videos": {...}, "exemplars": {...}}."""
    if view not in VIEWS:
        raise ValueError(f"view must be one of {VIEWS}, got {view!r}")
    rng = np.random.default_rng(seed)
    out: dict[str, dict[str, np.ndarray]] = {"videos": {}, "exemplars": {}}
    items = [
        ("videos", row.video_id, row.signer, corpus.poses[row.split], row.pose_index, "signers")
        for row in corpus.videos.itertuples()
    ] + [
        ("exemplars", row.exemplar_id, row.signer, corpus.exemplar_poses, row.pose_index,
         "dictionary_signers")
        for row in corpus.exemplars.itertuples()
    ]  # fmt: skip
    looks = (
        {key: signer_appearance(corpus.info, key) for key in {i[-1] for i in items}}
        if view == "rgb"
        else {}
    )
    for kind, item_id, signer, poses, index, signers in tqdm(
        items, desc=f"{view} clip features {corpus.name}"
    ):
        data, conf = poses.frames(int(index))
        if view == "rgb":
            frames = encoder.rgb_frames(
                render_view(data, conf, looks[signers][signer], encoder.image_size, rng)
            )
        else:
            frames = pose_frames(data, conf)
        out[kind][item_id] = encoder.encode(frames).astype(np.float16)
    return out


def write_meta(folder: Path, encoder: FixedClipEncoder, view: str) -> None:
    """Record how the clips were cut and encoded, beside the features (`meta.json`)."""
    folder.mkdir(parents=True, exist_ok=True)
    meta = {"encoder": "fixed", "view": view, **asdict(encoder)}
    (folder / "meta.json").write_text(json.dumps(meta, indent=2, sort_keys=True) + "\n")


def read_meta(folder: str | Path) -> dict:
    """The clip window and stride (and encoder settings) of a features folder."""
    path = Path(folder) / "meta.json"
    if not path.is_file():
        raise FileNotFoundError(f"{path} is missing: the folder does not say how clips were cut")
    return json.loads(path.read_text())


def on_grid(
    features: np.ndarray, source_stride: int, encoder: FixedClipEncoder, n_frames: int
) -> np.ndarray:
    """Real clip features (one per `source_stride` frames) taken at the encoder's windows:
    each window gets the feature that starts nearest its first frame."""
    starts = encoder.window_starts(n_frames)
    nearest = np.rint(starts / source_stride).astype(np.int64)
    return features[np.clip(nearest, 0, len(features) - 1)]


def real_rgb_view(corpus: Corpus, corpus_dir: Path, encoder: FixedClipEncoder) -> dict | None:
    """A real corpus's RGB view: its own clip features (`slr_lib.data.roles`) on the encoder's
    windows, or None where the user gave none."""
    folder = real_rgb_features(corpus_dir)
    if folder is None:
        return None
    features, stride = (
        read_ce_features(folder / "main_videos.pkl"),
        int(read_meta(folder)["stride"]),
    )
    lengths = corpus.videos.set_index("video_id")["n_frames"]
    videos = {v: on_grid(f, stride, encoder, int(lengths[v])) for v, f in features.items()}
    return {"videos": videos, "exemplars": {}}


def view_features(
    corpus: Corpus, corpus_dir: Path, encoder: FixedClipEncoder, view: str
) -> dict | None:
    """One view's clip features of a corpus, or None where the view cannot be made."""
    if view == "rgb" and not renders_rgb(corpus):
        return real_rgb_view(corpus, corpus_dir, encoder)
    return encode_corpus(corpus, encoder, view, encoder.seed)


def write_features(encoder: FixedClipEncoder, corpora: Path, out: Path) -> None:
    """Both views' fixed clip features of the corpora `main` and `pretrain` under `corpora`.

    A real corpus has no RGB-like view to draw: its RGB view is the user's own clip features
    where the `corpora` stage wrote them (`real_rgb_view`); without them the view is left out,
    with a warning, and the chapters that need it say so.
    """
    for view in VIEWS:
        folder = out / f"{view}_fixed"
        write_meta(folder, encoder, view)
        for name in ("main", "pretrain"):
            features = view_features(Corpus.load(corpora / name), corpora / name, encoder, view)
            if features is None:
                log.warning(
                    "corpus %s has no %s view: no simulated signers, no real features", name, view
                )
                continue
            for kind, table in features.items():
                if table:
                    write_ce_features(folder / f"{name}_{kind}.pkl", table)
    log.info("wrote clip features to %s", out)


def main(argv: list[str] | None = None) -> int:
    """Write both views' fixed clip features of the simulated corpora (CE-layout pickles)."""
    from slr_lib.pipeline.stage_cli import stage_main

    return stage_main(
        FixedClipEncoder, lambda enc, args: write_features(enc, args.corpora, args.out),
        prog="slr-clip-features", description=main.__doc__, out="data/features",
        folders={"--corpora": "data/corpora"}, argv=argv,
    )  # fmt: skip


if __name__ == "__main__":
    sys.exit(main())

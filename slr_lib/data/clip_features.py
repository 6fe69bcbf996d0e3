"""Frozen clip features of the RGB-like view over 16-frame windows (the I3D role).

Until the book's sign-recognition encoder exists (the SPOT-ALIGN chapters train one and replace
this), clips are encoded by a documented **fixed** encoder: each window of `window` frames is
average-pooled to a `pooled` x `pooled` grid; the per-pixel mean, standard deviation and mean
absolute frame difference over the window are concatenated and mapped to `dim` dimensions by a
random Gaussian projection drawn once from `seed`. Nothing is learnt, so the features keep the
appearance and coarse motion of the view and nothing more.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import numpy as np
from tqdm.auto import tqdm

from slr_lib.data.appearance import render_view, signer_appearance
from slr_lib.data.features import write_ce_features
from slr_lib.data.model import Corpus
from slr_lib.logging_setup import get_logger

log = get_logger(__name__)


@dataclass(frozen=True)
class FixedClipEncoder:
    """The fixed window encoder described in this module's docstring."""

    window: int = 16
    stride: int = 4
    image_size: int = 24
    pooled: int = 8
    dim: int = 256
    seed: int = 0

    def __post_init__(self) -> None:
        if self.image_size % self.pooled:
            raise ValueError("image_size must be a multiple of pooled")

    @cached_property
    def projection(self) -> np.ndarray:
        """The fixed (3 * pooled**2, dim) projection, drawn from `seed`."""
        rng = np.random.default_rng(self.seed)
        n_in = 3 * self.pooled * self.pooled
        return (rng.standard_normal((n_in, self.dim)) / np.sqrt(n_in)).astype(np.float32)

    def window_starts(self, n_frames: int) -> np.ndarray:
        """First frame of each window: every `stride` frames, at least one window."""
        return np.arange(0, max(1, n_frames - self.window + 1), self.stride)

    def encode(self, frames: np.ndarray) -> np.ndarray:
        """(n_windows, dim) features of (T, size, size) frames; short clips are padded."""
        if len(frames) < self.window:
            pad = np.repeat(frames[-1:], self.window - len(frames), axis=0)
            frames = np.concatenate([frames, pad])
        k = self.image_size // self.pooled
        pooled = frames.reshape(len(frames), self.pooled, k, self.pooled, k).mean(axis=(2, 4))
        flat = pooled.reshape(len(frames), -1)
        starts = self.window_starts(len(frames))
        windows = flat[starts[:, None] + np.arange(self.window)[None]]  # (n, window, pixels)
        motion = np.abs(np.diff(windows, axis=1)).mean(axis=1)
        stats = np.concatenate([windows.mean(axis=1), windows.std(axis=1), motion], axis=1)
        return stats @ self.projection


def encode_corpus(
    corpus: Corpus, encoder: FixedClipEncoder, seed: int = 0
) -> dict[str, dict[str, np.ndarray]]:
    """Features of every source video and every exemplar: {"videos": {...}, "exemplars": {...}}."""
    rng = np.random.default_rng(seed)
    out: dict[str, dict[str, np.ndarray]] = {"videos": {}, "exemplars": {}}
    looks = signer_appearance(corpus.info)
    for row in tqdm(
        corpus.videos.itertuples(), total=len(corpus.videos), desc=f"clip features {corpus.name}"
    ):
        data, conf = corpus.poses[row.split].frames(int(row.pose_index))
        view = render_view(data, conf, looks[row.signer], encoder.image_size, rng)
        out["videos"][row.video_id] = encoder.encode(view).astype(np.float16)
    if len(corpus.exemplars):
        looks = signer_appearance(corpus.info, "dictionary_signers")
        for row in tqdm(
            corpus.exemplars.itertuples(),
            total=len(corpus.exemplars),
            desc="clip features exemplars",
        ):
            data, conf = corpus.exemplar_poses.frames(int(row.pose_index))
            view = render_view(data, conf, looks[row.signer], encoder.image_size, rng)
            out["exemplars"][row.exemplar_id] = encoder.encode(view).astype(np.float16)
    return out


def main(argv: list[str] | None = None) -> int:
    """Write the fixed encoder's clip features of the simulated corpora (CE-layout pickles)."""
    from slr_lib.config import PROFILES, ParamsError, load_params

    parser = argparse.ArgumentParser(prog="slr-clip-features", description=main.__doc__)
    parser.add_argument("--params", type=Path, default=Path("params.yaml"))
    parser.add_argument("--profile", choices=PROFILES)
    parser.add_argument("--corpora", type=Path, default=Path("data/simulated"))
    parser.add_argument("--out", type=Path, default=Path("data/features/rgb_fixed"))
    args = parser.parse_args(argv)
    try:
        section = load_params(args.params, args.profile)["features"]
    except ParamsError as err:
        log.error("invalid params: %s", err)
        return 2
    encoder = FixedClipEncoder(**{k: section[k] for k in FixedClipEncoder.__dataclass_fields__})
    for name in ("main", "pretrain"):
        features = encode_corpus(Corpus.load(args.corpora / name), encoder, encoder.seed)
        for kind, table in features.items():
            if table:
                write_ce_features(args.out / f"{name}_{kind}.pkl", table)
    log.info("wrote clip features to %s", args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())

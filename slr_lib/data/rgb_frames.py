"""Per-frame features of the RGB-like view: the rendered frames average-pooled to a small grid.

The same frame description as the `rgb` view of `slr_lib.data.clip_features` (the signer drawn by
`slr_lib.data.appearance.render_view` in their own appearance, pooled by
`FixedClipEncoder.rgb_frames`), but kept per frame, so that a trained encoder, not the fixed
window statistics, turns them into window features. Rendering noise is drawn from `seed`, one
generator per item (seeded by the seed and the item's position), so an item's features do not
depend on which other items are asked for at the same time.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from tqdm.auto import tqdm

from slr_lib.data.appearance import render_view, signer_appearance
from slr_lib.data.clip_features import FixedClipEncoder
from slr_lib.data.corpus import Corpus


def rgb_frames(
    data: np.ndarray,
    confidence: np.ndarray,
    appearance: tuple[float, float, float],
    image_size: int = 24,
    pooled: int = 8,
    rng: np.random.Generator | None = None,
) -> np.ndarray:
    """(T, pooled**2) float32 features of keypoint frames drawn as the RGB-like view."""
    encoder = FixedClipEncoder(image_size=image_size, pooled=pooled)
    view = render_view(data, confidence, appearance, image_size, rng)
    return encoder.rgb_frames(view).astype(np.float32)


def video_rgb_frames(
    corpus: Corpus,
    video_ids: Sequence[str] | None = None,
    image_size: int = 24,
    pooled: int = 8,
    seed: int = 0,
) -> dict[str, np.ndarray]:
    """RGB-like frame features of source videos (all by default), by video id."""
    videos = corpus.videos.set_index("video_id")
    ids = videos.index.tolist() if video_ids is None else list(video_ids)
    looks = signer_appearance(corpus.info, "signers")
    position = {v: i for i, v in enumerate(videos.index)}
    return {
        v: rgb_frames(
            *corpus.video_pose(v), looks[videos.at[v, "signer"]], image_size, pooled,
            np.random.default_rng([seed, 0, position[v]]),
        )
        for v in tqdm(ids, desc=f"RGB-like frames {corpus.name}", leave=False)
    }  # fmt: skip


def exemplar_rgb_frames(
    corpus: Corpus,
    exemplar_ids: Sequence[str] | None = None,
    image_size: int = 24,
    pooled: int = 8,
    seed: int = 0,
) -> dict[str, np.ndarray]:
    """RGB-like frame features of dictionary exemplars (all by default), by exemplar id."""
    table = corpus.exemplars.reset_index(drop=True)
    if exemplar_ids is not None:
        table = table[table["exemplar_id"].isin(set(exemplar_ids))]
    looks = signer_appearance(corpus.info, "dictionary_signers")
    return {
        row["exemplar_id"]: rgb_frames(
            *corpus.exemplar_pose(row), looks[row["signer"]], image_size, pooled,
            np.random.default_rng([seed, 1, int(index)]),
        )
        for index, row in tqdm(table.iterrows(), total=len(table), desc="RGB-like exemplars",
                               leave=False)
    }  # fmt: skip

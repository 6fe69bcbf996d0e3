"""Scoring spottings against the simulated corpus's hidden ground truth (evaluation only).

A spotting is a point; its training window (`sign_windows.OFFSETS`) is where the model will look.
A spotting is correct when the centre of that window lies within a ground-truth sign of the same
gloss in the same subtitle, give or take `tolerance` frames. The papers could only estimate this
precision by hand on a sample; the simulation records every sign.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from slr_lib.data_loader.sign_windows import OFFSETS, WindowSet, truth_windows


def window_centres(spottings: pd.DataFrame) -> np.ndarray:
    """Centre frame of each spotting's training window."""
    shift = spottings["source"].map({s: (a + b) / 2 for s, (a, b) in OFFSETS.items()})
    return spottings["frame"].to_numpy(float) + shift.to_numpy(float)


def correct_spottings(
    spottings: pd.DataFrame, signs: pd.DataFrame, tolerance: int = 4
) -> np.ndarray:
    """Whether each spotting falls on a true sign of its gloss in its subtitle."""
    if spottings.empty:
        return np.zeros(0, dtype=bool)
    table = spottings[["sentence_id", "gloss"]].assign(
        centre=window_centres(spottings), row=np.arange(len(spottings))
    )
    pairs = table.merge(signs[["sentence_id", "gloss", "start_frame", "end_frame"]],
                        on=["sentence_id", "gloss"])  # fmt: skip
    hit = (pairs["centre"] >= pairs["start_frame"] - tolerance) & (
        pairs["centre"] <= pairs["end_frame"] + tolerance
    )
    out = np.zeros(len(spottings), dtype=bool)
    out[pairs.loc[hit, "row"].to_numpy()] = True
    return out


def spotting_summary(spottings: pd.DataFrame, signs: pd.DataFrame | None) -> dict[str, float]:
    """Yield, vocabulary and (with ground truth) precision of a set of spottings."""
    out = {"annotations": float(len(spottings)), "glosses": float(spottings["gloss"].nunique())}
    if signs is not None and len(spottings):
        out["precision"] = float(100 * correct_spottings(spottings, signs).mean())
    return out


def verified_signs(
    signs: pd.DataFrame,
    features: Mapping[str, np.ndarray],
    classes: Mapping[str, int],
    video_split: Mapping[str, str],
    split: str = "test",
) -> WindowSet:
    """Ground-truth signs of `split` in the vocabulary, as windows centred on each sign.

    The analogue of SPOT-ALIGN's 2,212 manually verified test signs (Fig. 4, right).
    """
    return truth_windows(signs[signs["video_id"].map(video_split).eq(split)], features, classes)

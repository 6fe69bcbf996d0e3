"""Late fusion of sign-recognition (SR) and cross-modal (CM) similarities (paper Sec. 4.2 (vi)).

The paper averages the two similarity matrices with equal weights. The two scores live on
different scales, though: CM similarities are cosines in [-1, 1] whose spread depends on the
embedding, while SR similarities are IoUs of word sets in [0, 1], mostly small and heavily
tied. Equal weights therefore do not mean equal influence, which is why `tune_fusion_weight`
offers a weight chosen on the validation split by the model-selection criterion.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from slr_lib.metrics import t2v_metrics

SELECTION_METRIC = "geometric_mean_R1_R5_R10"
DEFAULT_GRID = tuple(np.linspace(0.0, 1.0, 11))


def late_fusion(sr: np.ndarray, cm: np.ndarray, weight: float = 0.5) -> np.ndarray:
    """`weight * sr + (1 - weight) * cm` for two similarity arrays of the same shape.

    A query whose SR similarities are all equal (e.g. all zero) is ranked by CM alone
    whenever `weight < 1`, since adding a constant keeps the order.
    """
    sr = np.asarray(sr, dtype=np.float64)
    cm = np.asarray(cm, dtype=np.float64)
    if sr.shape != cm.shape:
        raise ValueError(f"SR and CM similarities differ in shape: {sr.shape} vs {cm.shape}")
    if not 0.0 <= weight <= 1.0:
        raise ValueError(f"weight must lie in [0, 1], got {weight}")
    return weight * sr + (1.0 - weight) * cm


def tune_fusion_weight(
    sr_val: np.ndarray,
    cm_val: np.ndarray,
    grid: Sequence[float] | np.ndarray = DEFAULT_GRID,
    caption_video: Sequence[int] | np.ndarray | None = None,
) -> tuple[float, pd.DataFrame]:
    """The SR weight with the best geometric mean of T2V R@1, R@5, R@10 on val, and the table.

    The table has one row of T2V metrics per weight of `grid` (default 0, 0.1, ..., 1). Among
    equally good weights the one closest to 0.5 (the paper's equal weighting) wins.
    """
    grid = np.asarray(grid, dtype=np.float64)
    if grid.ndim != 1 or grid.size == 0:
        raise ValueError("grid must be a non-empty 1-D sequence of weights")
    rows = [t2v_metrics(late_fusion(sr_val, cm_val, w), caption_video) for w in grid]
    table = pd.DataFrame(rows, index=pd.Index(grid, name="weight"))
    scores = table[SELECTION_METRIC].to_numpy()
    best = np.flatnonzero(scores == scores.max())
    best_weight = float(grid[best[np.argmin(np.abs(grid[best] - 0.5))]])
    return best_weight, table

"""Training objectives for the cross-modal (CM) embedding.

The max-margin ranking loss of SPOT-ALIGN (main paper, Eq. 1, after Socher et al.) on a square
similarity matrix whose diagonal holds the matching text/video pairs of a mini-batch.
"""

from __future__ import annotations

import torch
from torch import Tensor

NORMALISATIONS = ("pairs", "batch")


def max_margin_ranking_loss(
    sims: Tensor, margin: float = 0.2, normalisation: str = "pairs"
) -> Tensor:
    """Bidirectional hinge ranking loss of a (B, B) similarity matrix, positives on the diagonal.

    The summands are exactly those of Eq. 1: for every ordered pair i != j,
    ``[m + s_ij - s_ii]_+`` (pair i against the wrong column j) plus ``[m + s_ji - s_ii]_+``
    (pair i against the wrong row j). Rows may be text and columns video or the reverse: the
    loss is unchanged by transposing ``sims``.

    ``normalisation`` says what the sum is divided by:

    - ``"pairs"`` (default, the book's convention and that of the Collaborative Experts code the
      paper builds on): the mean over the 2B(B-1) hinge terms;
    - ``"batch"``: 1/B, Eq. 1 as printed; this equals ``"pairs"`` times 2(B-1).
    """
    if sims.ndim != 2 or sims.shape[0] != sims.shape[1]:
        raise ValueError(f"sims must be a square (B, B) matrix, got shape {tuple(sims.shape)}")
    batch = sims.shape[0]
    if batch < 2:
        raise ValueError("the ranking loss needs at least 2 pairs (B >= 2) to have negatives")
    if normalisation not in NORMALISATIONS:
        raise ValueError(
            f"unknown normalisation {normalisation!r}; allowed: {', '.join(NORMALISATIONS)}"
        )
    positives = sims.diagonal()
    off_diagonal = ~torch.eye(batch, dtype=torch.bool, device=sims.device)
    # Entry (i, j) of each matrix is the hinge of pair i against negative j.
    against_columns = torch.relu(margin + sims - positives[:, None])
    against_rows = torch.relu(margin + sims.T - positives[:, None])
    total = (against_columns + against_rows)[off_diagonal].sum()
    divisor = 2 * batch * (batch - 1) if normalisation == "pairs" else batch
    return total / divisor

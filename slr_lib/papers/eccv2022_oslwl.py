"""ECCV 2022 Sign Spotting Challenge fact sheet, track OSLWL (2nd place): Table I and Fig. 1.

The fact sheet prints one table, the leaderboard result. Its design choices (16-frame window,
Top-K transferring with K = 5 once, fusion of three streams) are stated in the text without
ablation numbers, so they are not tables here; the one_shot chapter tests them as claims.
"""

from __future__ import annotations

from slr_lib.papers.table import PaperTable

PAPER = "ECCV 2022 OSLWL"

FIG_1 = PaperTable(
    paper=PAPER,
    id="Fig. 1",
    caption="Inference pipeline: 2D-pose, 3D-pose and RGB features of gallery and query clips, "
    "fused and compared by cosine similarity over a sliding window.",
    note="Method diagram; the one_shot chapter implements the pipeline it sketches.",
)

TABLE_I = PaperTable(
    paper=PAPER,
    id="Table I",
    caption="The team's leaderboard result in the test phase: rank and average F1.",
    columns=("Rank position", "avg F1"),
    rows=(("Proposed approach", ("2", "0.559295")),),
    chapter="one_shot",
    results_key="test",
    status="partly",
    note=(
        "The table has a single unlabelled row. The chapter computes the challenge F1 of the "
        "same pipeline on the simulated corpus (metrics 'test', entry 'fusion_all_topk'); the "
        "rank has no counterpart. The leaderboard F1 is copied under 'leaderboard_f1'."
    ),
)

TABLES: tuple[PaperTable, ...] = (FIG_1, TABLE_I)

"""The `profile_sizing` stage: the sweep that finds how many seeds a verdict's interval needs.

It trains one CM configuration, the cross-modal chapters' model (the final SPOT-ALIGN sign-video
embedding, the section's text embedding), over every seed of the section, and writes the sweep
of `slr_lib.sizing` against the target half-width declared in the section (R@10 points).
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from slr_lib.atomic import replacing_folder
from slr_lib.config import ParamsError, knob
from slr_lib.data.roles import corpus_label
from slr_lib.experiments.crossmodal_setup import (
    EMBEDDING_NAMES,
    CrossModalTraining,
    Variant,
    embed_pairs,
    section_clips,
    train_config,
    train_over_seeds,
)
from slr_lib.logging_setup import get_logger
from slr_lib.pipeline.stage_cli import stage_main
from slr_lib.sizing import SWEEP, Sweep, sweep_rows
from slr_lib.verdicts import MIN_SEEDS

log = get_logger(__name__)


@dataclass(frozen=True)
class ProfileSizingConfig(CrossModalTraining):
    """The `profile_sizing` section: the CM chapters' training, its text embedding, the target."""

    SECTION = "profile_sizing"

    embedding: str = knob(choices=EMBEDDING_NAMES)
    target_half_width: float = knob(gt=0)  # R@10 points, declared before the sweep

    def check(self, where: str) -> None:
        """The sweep starts at the verdict policy's minimum of seeds."""
        if len(set(self.seeds)) < MIN_SEEDS:
            raise ParamsError(
                f"params key '{where}.seeds' {self.seeds}: the sweep needs at least {MIN_SEEDS} "
                "distinct seeds (the verdict policy's minimum)"
            )


def run(config: ProfileSizingConfig) -> Sweep:
    """Train the CM chapters' model over every seed of the section and sweep the seed count."""
    clips = section_clips(config)
    data = embed_pairs(clips, config.embedding, config.word2vec_dim)
    name = f"CM on {clips.meta['model']}, {config.embedding} text"
    variant = Variant(name, data, train_config(config))
    ranks = np.asarray(train_over_seeds([variant], config.seeds, "model").ranks[name].test)
    return Sweep(
        config.target_half_width,
        name,
        corpus_label(config.corpus_dir),
        int(ranks.shape[1]),
        sweep_rows(ranks),
    )


def sweep_and_write(config: ProfileSizingConfig, out: Path) -> None:
    """Run the sweep and write `SWEEP` into `out`, whole or not at all."""
    sweep = run(config)
    with replacing_folder(out) as tmp:
        sweep.write(tmp / SWEEP)
    log.info("fewest seeds within +/- %.1f R@10: %s", sweep.target_half_width, sweep.seeds_needed)


def main(argv: list[str] | None = None) -> int:
    """Sweep the seed count of the CM chapters' model (`profile_sizing` section) into `--out`."""
    return stage_main(
        ProfileSizingConfig,
        lambda config, args: sweep_and_write(config, args.out),
        prog="python -m slr_lib.experiments.profile_sizing",
        description=main.__doc__ or "",
        out="data/sizing",
        argv=argv,
    )


if __name__ == "__main__":
    sys.exit(main())

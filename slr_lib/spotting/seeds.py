"""The `recogniser_seeds` stage: the `spot_align` stage's models again, with other training seeds.

The SPOT-ALIGN claims on sign recognisers (SR retrieval, Table 4's threshold, the loop's yields
and recognition, Table A.1's initialisation) compare trained models, so the verdict policy wants
several seeds of each. The `spot_align` stage trains seed `spot_align.seed`; this stage trains
every model of the main loop and of the initialisation study once more per seed of its section,
into `seed_K/` under its folder:

- `summary.json` and `spottings/` as the `spot_align` stage writes them;
- `models/NAME.pt` and `recognition/NAME.npz`: every model's weights and its recognised signs
  on the val and test videos (the SR input). Clip features for the CM chapters are not
  exported: they read the main stage's.

The speech-aligned chain (Table 5, a CM claim whose seeds are the CM trainings') is left out.
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import dataclass, replace
from pathlib import Path

from slr_lib.config import ParamsError, knob
from slr_lib.logging_setup import get_logger
from slr_lib.spotting.spot_align import EmptySpottingError
from slr_lib.spotting.stage import (
    SpotAlignStageConfig,
    export_model,
    train_models,
    write_summary,
    write_unavailable,
)
from slr_lib.trainer.parallel import map_runs

log = get_logger(__name__)


@dataclass(frozen=True)
class RecogniserSeedsConfig(SpotAlignStageConfig):
    """The `recogniser_seeds` section: the `spot_align` settings and the extra seeds."""

    SECTION = "recogniser_seeds"

    seeds: list[int] = knob(ge=0, min_items=1)

    def check(self, where: str) -> None:
        """The extra seeds must differ from the main stage's `seed`."""
        if self.seed in self.seeds:
            raise ParamsError(
                f"params key '{where}.seeds' {self.seeds} repeats '{where}.seed' {self.seed} "
                "(the spot_align stage's): list only the other seeds"
            )


def seed_folder(out: str | Path, seed: int) -> Path:
    """Where seed `seed`'s models and spottings go under the stage's folder."""
    return Path(out) / f"seed_{seed}"


def run_seed(section: RecogniserSeedsConfig, seed: int, out: Path) -> None:
    """Train the models with `seed`; save every model's weights and SR input."""
    folder = seed_folder(out, seed)
    folder.mkdir(parents=True, exist_ok=True)
    try:
        trained = train_models(replace(section, seed=seed, speech_study=False), folder)
    except EmptySpottingError as err:
        write_unavailable(folder, str(err))
        return
    t = time.perf_counter()
    for name, model in trained.models.items():
        export_model(folder, name, model, trained.main, trained.features, section.feature_stride,
                     with_recognition=name != "bobsl", with_clips=False)  # fmt: skip
    trained.timer("dense inference and export", t)
    summary = write_summary(folder, trained)
    log.info("seed %d done in %.0f s", seed, sum(summary["seconds"].values()))


def _run(section: RecogniserSeedsConfig, args: argparse.Namespace) -> None:
    """Every seed, side by side in worker processes (`slr_lib.trainer.parallel`)."""
    seeds = section.seeds
    map_runs(lambda i: run_seed(section, seeds[i], args.out), len(seeds))


def main(argv: list[str] | None = None) -> int:
    """Run the `recogniser_seeds` stage with the params file's `recogniser_seeds` section."""
    from slr_lib.pipeline.stage_cli import stage_main

    return stage_main(
        RecogniserSeedsConfig, _run, prog="slr-recogniser-seeds", description=main.__doc__,
        out="data/recogniser_seeds", argv=argv,
    )  # fmt: skip


if __name__ == "__main__":
    sys.exit(main())

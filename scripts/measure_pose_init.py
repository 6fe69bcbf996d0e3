"""Which parts of the pre-trained pose encoder the pose-only model should start from.

Run from the project root after `dvc repro pose_encoder` (and the stages before it), on one
thread as the pipeline runs:
    OMP_NUM_THREADS=1 python scripts/measure_pose_init.py [--parts hands hands,body,temporal]
For each comma-separated choice of `PoseEncoder.PARTS` (and "none": from scratch) it trains the
pose-only model of the `seds_retrieval` section (its first seed, the section's sizes and epochs)
and prints its test T2V metrics as one JSON line. This is the measurement behind `pose_init`.
"""

from __future__ import annotations

import argparse
import json
import time
from dataclasses import replace

from slr_lib.experiments.seds_retrieval import Config
from slr_lib.experiments.seds_setup import set_up, train_variants
from slr_lib.trainer.seds_study import POSE_VARIANT


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--parts", nargs="+", default=["hands", "hands,body,temporal"])
    parser.add_argument("--profile", default="small")
    args = parser.parse_args()
    config = Config.load("params.yaml", args.profile)
    for choice in args.parts:
        chosen = (
            replace(config, pose_encoder_dir="")
            if choice == "none"
            else replace(config, pose_init=choice.split(","))
        )
        start = time.process_time()
        (run,) = train_variants(chosen, set_up(chosen), [POSE_VARIANT])
        row = {"pose_init": choice, "kept_epoch": run.best_epoch, "t2v": run.test["t2v"]}
        print(json.dumps({**row, "cpu_s": round(time.process_time() - start)}), flush=True)


if __name__ == "__main__":
    main()

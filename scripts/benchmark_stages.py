"""Where the time goes: wall and CPU seconds of each `dvc repro` stage, one stage at a time.

Runs `dvc repro --single-item STAGE` for every stage of `dvc.yaml` in its order (the pipeline's
topological order) and records the wall time and the user and system CPU seconds of the stage's
processes. CPU seconds are the figure to compare between two versions on one machine: they move
far less with other load than wall time does.

Usage (from the repository root, environment set up):
    .venv/bin/python scripts/benchmark_stages.py [--force] [--out stage_times.csv]
"""

from __future__ import annotations

import argparse
import csv
import resource
import subprocess
import sys
import time
from pathlib import Path

import yaml


def stage_names(dvc_yaml: Path) -> list[str]:
    """The stages of `dvc_yaml`, in the file's order."""
    return list(yaml.safe_load(dvc_yaml.read_text())["stages"])


def children_cpu() -> tuple[float, float]:
    """User and system CPU seconds of every finished child process so far."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime, usage.ru_stime


def run_stage(name: str, force: bool) -> dict[str, float | str]:
    """Reproduce one stage; its wall, user and system seconds."""
    cmd = ["dvc", "repro", "--single-item", name, *(["--force"] if force else [])]
    user0, sys0 = children_cpu()
    start = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - start
    user1, sys1 = children_cpu()
    if done.returncode != 0:
        sys.exit(f"stage {name} failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
    return {"stage": name, "wall_s": wall, "user_s": user1 - user0, "sys_s": sys1 - sys0}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--force", action="store_true", help="re-run stages that are up to date")
    parser.add_argument("--out", type=Path, default=Path("stage_times.csv"))
    args = parser.parse_args(argv)
    rows = []
    for name in stage_names(Path("dvc.yaml")):
        rows.append(run_stage(name, args.force))
        row = rows[-1]
        print(
            f"{name:24s} wall {row['wall_s']:8.1f} s  cpu {row['user_s'] + row['sys_s']:8.1f} s",
            flush=True,
        )
    with args.out.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    total = sum(r["user_s"] + r["sys_s"] for r in rows)
    print(f"{'total':24s} wall {sum(r['wall_s'] for r in rows):8.1f} s  cpu {total:8.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

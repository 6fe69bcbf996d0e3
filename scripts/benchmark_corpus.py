"""Measure the simulated corpus: generation time, peak memory, disk size, split load time,
and the clip-feature extraction time, for the tiny and small profiles.

Usage: .venv/bin/python scripts/benchmark_corpus.py [--profiles tiny small]
Each step runs in its own process, so peak memory is that step's own.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

STEP = r"""
import json, resource, sys, time
from pathlib import Path
kind, profile, out = sys.argv[1], sys.argv[2], Path(sys.argv[3])
t0 = time.perf_counter()
if kind == "generate":
    from slr_lib.data.simulate.generate import generate
    from slr_lib.data.simulate.params import CorpusParams
    generate(CorpusParams.load("params.yaml", profile), out)
elif kind == "features":
    from slr_lib.data.clip_features import main
    main(["--profile", profile, "--corpora", str(out), "--out", str(out / "features")])
else:
    import numpy as np
    from slr_lib.data.corpus import Corpus
    corpus = Corpus.load(out / "main")
    opened = time.perf_counter() - t0
    for split in corpus.splits:  # read every frame of every split
        float(np.asarray(corpus.poses[split].data, dtype=np.float32).mean())
    print(json.dumps({"open_s": opened}))
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"seconds": time.perf_counter() - t0, "peak_rss_mb": peak}))
"""


def run_step(kind: str, profile: str, out: Path) -> dict:
    proc = subprocess.run(
        [sys.executable, "-c", STEP, kind, profile, str(out)],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    lines = [json.loads(line) for line in proc.stdout.splitlines() if line.startswith("{")]
    return {k: v for line in lines for k, v in line.items()}


def disk_mb(path: Path) -> float:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 2**20


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--profiles", nargs="+", default=["tiny", "small"])
    args = parser.parse_args()
    print(f"{'profile':8} {'step':10} {'seconds':>8} {'peak MB':>8} {'disk MB':>8}")
    for profile in args.profiles:
        with tempfile.TemporaryDirectory() as tmp:
            out = Path(tmp)
            gen = run_step("generate", profile, out)
            row(profile, "generate", gen, disk_mb(out))
            load = run_step("load", profile, out)
            row(profile, f"load {load['open_s']:.2f}s", load)
            features = run_step("features", profile, out)
            row(profile, "features", features, disk_mb(out / "features"))


def row(profile: str, step: str, measured: dict, disk: float | None = None) -> None:
    size = f"{disk:8.0f}" if disk is not None else ""
    print(f"{profile:8} {step:10} {measured['seconds']:8.1f} {measured['peak_rss_mb']:8.0f} {size}")


if __name__ == "__main__":
    main()

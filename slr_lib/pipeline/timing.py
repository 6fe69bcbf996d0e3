"""Where a stage's time goes: `slr-timed STAGE -- COMMAND...` runs one pipeline stage and writes
`timings/STAGE.json`, and `timed(label)` marks the models inside it.

Every stage of `dvc.yaml` runs under `slr-timed`. It runs the command as a child process and,
when the command succeeds, writes the stage's wall time, its CPU seconds (user and system, of the
command and every process it started: a chapter's Jupyter kernel included), its peak resident set
(the largest of its processes), the number of threads its numerical libraries were given, the
kernels they ran (`slr_lib.pipeline.kernels`: the AVX2 ones on every x86-64 machine that has
them, so that numbers do not depend on the CPU), and the sections below. On failure it writes
nothing and removes an earlier file, so a timing file is always from the run that made the
stage's outputs. The files sit beside the results, not in them: the results stay comparable
between runs, and the timings say what each run cost.

Inside a stage, library code wraps each model it trains in `with timed("SEDS, seed 0"):`; the
section's wall and CPU seconds (of the process that runs it) are appended as one JSON line to the
file named by `SLR_TIMING_SECTIONS`, which `slr-timed` sets for its command. Outside a timed
stage (tests, notebooks opened by hand) `timed` measures nothing and writes nothing.

The `claims` stage turns the files into the per-stage table of `book/reproduce.md`
(`stage_table`, written to `book/_stage_times.md`). To compare two versions, keep a copy of
`timings/` from each run and print them side by side:
`slr-timed compare BEFORE_DIR AFTER_DIR` (CPU seconds are the figure to compare: wall time moves
1.5x or more between machines and with other load).
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path

from slr_lib.pipeline.kernels import kernels_label, pinned_environment

SECTIONS_VAR = "SLR_TIMING_SECTIONS"
TIMINGS_DIR = "timings"


@dataclass(frozen=True)
class Section:
    """One timed part of a stage (a model's training, say): wall and CPU seconds."""

    label: str
    wall_s: float
    cpu_s: float


@dataclass(frozen=True)
class StageTiming:
    """What one successful run of a stage cost."""

    stage: str
    wall_s: float
    cpu_s: float  # user + system, of the command and all its child processes
    peak_rss_mb: float  # the largest resident set of any one of its processes
    threads: str  # OMP_NUM_THREADS as the stage ran ("" where unset)
    sections: list[Section] = field(default_factory=list)
    kernels: str = ""  # "avx2" (pinned, slr_lib.pipeline.kernels) or "native"; "" in older files

    @classmethod
    def read(cls, path: Path) -> StageTiming:
        """A timing file; a file that is not one is refused, naming it."""
        try:
            raw = json.loads(path.read_text())
            sections = [Section(**s) for s in raw.pop("sections")]
            return cls(**raw, sections=sections)
        except (OSError, ValueError, TypeError, KeyError) as err:
            raise ValueError(f"{path} is not a stage timing file: {err}") from err

    def write(self, path: Path) -> None:
        """Write the file whole (a temporary sibling renamed into place)."""
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(f".{path.name}.partial")
        partial.write_text(json.dumps(asdict(self), indent=1) + "\n")
        os.replace(partial, path)


@contextmanager
def timed(label: str) -> Iterator[None]:
    """Record the block's wall and CPU seconds as a section of the running stage, if any."""
    target = os.environ.get(SECTIONS_VAR)
    if not target:
        yield
        return
    wall, cpu = time.perf_counter(), time.process_time()
    yield
    section = Section(label, time.perf_counter() - wall, time.process_time() - cpu)
    with open(target, "a") as handle:
        handle.write(json.dumps(asdict(section)) + "\n")


def read_sections(path: Path) -> list[Section]:
    """The sections a stage's processes appended, in order (none if the file is absent)."""
    if not path.is_file():
        return []
    return [Section(**json.loads(line)) for line in path.read_text().splitlines() if line]


def run_timed(stage: str, command: Sequence[str], out_dir: Path) -> int:
    """Run `command` for `stage`; on success write `out_dir/STAGE.json`. Its exit status."""
    out = out_dir / f"{stage}.json"
    out.unlink(missing_ok=True)
    sections = out_dir / f".{stage}.sections.jsonl"
    sections.parent.mkdir(parents=True, exist_ok=True)
    sections.unlink(missing_ok=True)
    env = {**pinned_environment(os.environ), SECTIONS_VAR: str(sections.resolve())}
    start = time.perf_counter()
    try:
        status = subprocess.call(list(command), env=env)
    except KeyboardInterrupt:
        status = 130
    wall = time.perf_counter() - start
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    try:
        if status == 0:
            StageTiming(
                stage=stage,
                wall_s=round(wall, 2),
                cpu_s=round(usage.ru_utime + usage.ru_stime, 2),
                peak_rss_mb=round(usage.ru_maxrss / 1024, 1),
                threads=env.get("OMP_NUM_THREADS", ""),
                sections=[
                    Section(s.label, round(s.wall_s, 2), round(s.cpu_s, 2))
                    for s in read_sections(sections)
                ],
                kernels=kernels_label(env),
            ).write(out)
    finally:
        sections.unlink(missing_ok=True)
    return status


def read_timings(folder: Path) -> list[StageTiming]:
    """Every stage timing file in `folder`, by stage name."""
    return sorted((StageTiming.read(p) for p in folder.glob("*.json")), key=lambda t: t.stage)


def stage_table(timings: Sequence[StageTiming], order: Sequence[str] = ()) -> str:
    """A Markdown table: per stage, wall and CPU seconds, peak memory, and its costliest models.

    Stages follow `order` (the pipeline's), then any others by name; a last row sums them.
    """
    rank = {name: i for i, name in enumerate(order)}
    rows = sorted(timings, key=lambda t: (rank.get(t.stage, len(rank)), t.stage))
    lines = [
        "| Stage | Wall s | CPU s | Peak memory (MB) | Costliest timed parts (CPU s) |",
        "| --- | ---: | ---: | ---: | --- |",
    ]
    for t in rows:
        lines.append(
            f"| `{t.stage}` | {t.wall_s:,.0f} | {t.cpu_s:,.0f} | {t.peak_rss_mb:,.0f} | "
            f"{top_sections(t.sections)} |"
        )
    wall, cpu = sum(t.wall_s for t in rows), sum(t.cpu_s for t in rows)
    peak = max((t.peak_rss_mb for t in rows), default=0.0)
    lines.append(f"| all stages | {wall:,.0f} | {cpu:,.0f} | {peak:,.0f} (largest) | |")
    return "\n".join(lines) + "\n"


def top_sections(sections: Sequence[Section], n: int = 3) -> str:
    """The `n` sections that took the most CPU, summed by label, and how many there were."""
    totals: dict[str, float] = {}
    for s in sections:
        totals[s.label] = totals.get(s.label, 0.0) + s.cpu_s
    best = sorted(totals.items(), key=lambda kv: -kv[1])[:n]
    shown = "; ".join(f"{label} {cpu:,.0f}" for label, cpu in best)
    more = len(totals) - len(best)
    return shown + (f"; {more} more" if more > 0 else "")


def compare_table(before: Sequence[StageTiming], after: Sequence[StageTiming]) -> str:
    """A Markdown table of two runs' stages side by side: CPU and wall seconds, and the ratio of
    CPU seconds (after / before), costliest stage first; stages of one run only show "-"."""
    old, new = {t.stage: t for t in before}, {t.stage: t for t in after}
    names = sorted(old.keys() | new.keys(), key=lambda n: -max(
        old[n].cpu_s if n in old else 0.0, new[n].cpu_s if n in new else 0.0))  # fmt: skip
    lines = [
        "| Stage | CPU s before | CPU s after | after / before | Wall s before | Wall s after |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]

    def cell(run: dict[str, StageTiming], name: str, field_name: str) -> str:
        return f"{getattr(run[name], field_name):,.0f}" if name in run else "-"

    for name in names:
        ratio = (
            f"{new[name].cpu_s / old[name].cpu_s:.2f}"
            if name in old and name in new and old[name].cpu_s > 0
            else "-"
        )
        lines.append(
            f"| `{name}` | {cell(old, name, 'cpu_s')} | {cell(new, name, 'cpu_s')} | {ratio} | "
            f"{cell(old, name, 'wall_s')} | {cell(new, name, 'wall_s')} |"
        )
    both = old.keys() & new.keys()
    cpu_old, cpu_new = (sum(run[n].cpu_s for n in both) for run in (old, new))
    wall_old, wall_new = (sum(run[n].wall_s for n in both) for run in (old, new))
    ratio = f"{cpu_new / cpu_old:.2f}" if cpu_old else "-"
    lines.append(
        f"| stages in both | {cpu_old:,.0f} | {cpu_new:,.0f} | {ratio} | "
        f"{wall_old:,.0f} | {wall_new:,.0f} |"
    )
    return "\n".join(lines) + "\n"


USAGE = "usage: slr-timed STAGE -- COMMAND...  |  slr-timed compare BEFORE_DIR AFTER_DIR"


def main(argv: list[str] | None = None) -> int:
    """`slr-timed STAGE -- COMMAND...` runs a stage's command, timed (its exit status);
    `slr-timed compare BEFORE_DIR AFTER_DIR` prints two runs' timing folders side by side."""
    args = list(sys.argv[1:] if argv is None else argv)
    if len(args) == 3 and args[0] == "compare":
        before, after = (read_timings(Path(folder)) for folder in args[1:])
        if not before or not after:
            print(f"error: no timing files in {args[1] if not before else args[2]}",
                  file=sys.stderr)  # fmt: skip
            return 1
        print(compare_table(before, after), end="")
        return 0
    if len(args) < 3 or args[1] != "--":
        print(USAGE, file=sys.stderr)
        return 2
    return run_timed(args[0], args[2:], Path(TIMINGS_DIR))


if __name__ == "__main__":
    sys.exit(main())

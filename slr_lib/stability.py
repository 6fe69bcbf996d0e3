"""How far the book's results move on a second run, claim by claim.

Bit-identical training across machines is not promised (floating-point sums follow the number
of threads and the instruction set), so the committed run is compared with a second full run of
the pipeline: on another machine, or with another thread count where no second machine is at
hand. `python -m slr_lib.stability OTHER_RESULTS` compares that run's `results/*.json` with the
committed ones and writes `results/stability/second_run.json`: both
runs' verdicts of every claim, what the committed run measured for it, and per chapter how many
numbers differ and by how much. The claims ledger reads it and marks a claim **unstable** when the
two runs gave it different verdicts; a claim re-measured since (other numbers or verdict) is "not
compared".
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from slr_lib.results import ChapterResults, Claim, read_results

STABILITY_FILE = "results/stability/second_run.json"
#: Two numbers count as the same when they differ by less than this (printed precision).
SAME = 1e-9


@dataclass(frozen=True)
class Stability:
    """Two runs' verdicts per claim id, and what each run was."""

    reference: str  # how the committed results were run
    other: str  # how the second run was run
    profile: str  # the profile both runs used
    verdicts: dict[str, tuple[str, str]]  # claim id -> (reference verdict, other verdict)
    measured: dict[str, str]  # claim id -> what the reference run measured (the claim's `ours`)
    numbers: dict[str, dict[str, Any]]  # chapter -> numbers, differing, largest difference

    def status(self, claim: Claim, profile: str) -> str:
        """The claim's standing: "stable", "unstable", or "not compared" (a new claim, one
        measured again since with other numbers or another verdict, or another profile)."""
        reference = self.verdicts.get(claim.id, ("", ""))
        if (
            profile != self.profile
            or reference[0] != claim.verdict
            or self.measured.get(claim.id) != claim.ours
        ):
            return "not compared"
        return "stable" if reference[0] == reference[1] else "unstable"

    def to_json(self) -> dict[str, Any]:
        return {
            "reference": self.reference,
            "other": self.other,
            "profile": self.profile,
            "verdicts": {k: list(v) for k, v in sorted(self.verdicts.items())},
            "measured": dict(sorted(self.measured.items())),
            "numbers": self.numbers,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Stability:
        try:
            return cls(
                str(data["reference"]), str(data["other"]), str(data["profile"]),
                {k: (str(a), str(b)) for k, (a, b) in data["verdicts"].items()},
                {k: str(v) for k, v in data["measured"].items()}, dict(data["numbers"]),
            )  # fmt: skip
        except (KeyError, TypeError, ValueError) as err:
            raise ValueError(f"not a stability file: {err!r}") from err


def read_stability(path: str | Path) -> Stability:
    """A stability file written by this module; a clear error names a broken one."""
    path = Path(path)
    try:
        return Stability.from_json(json.loads(path.read_text()))
    except (OSError, json.JSONDecodeError, ValueError) as err:
        raise ValueError(f"{path}: {err}") from err


def flat_numbers(metrics: Mapping[str, Any], prefix: str = "") -> dict[str, float]:
    """Every number of a nested metrics mapping, keyed by its path ("table1/SEDS/t2v/R1")."""
    out: dict[str, float] = {}
    for key, value in metrics.items():
        path = f"{prefix}{key}"
        if isinstance(value, Mapping):
            out |= flat_numbers(value, f"{path}/")
        elif isinstance(value, int | float) and not isinstance(value, bool):
            out[path] = float(value)
    return out


def number_changes(reference: ChapterResults, other: ChapterResults) -> dict[str, Any]:
    """How many of a chapter's numbers the two runs share, how many differ, and the one that
    moved most relative to its size."""
    ours, theirs = flat_numbers(reference.metrics), flat_numbers(other.metrics)
    shared = sorted(set(ours) & set(theirs))
    gaps = {
        k: abs(ours[k] - theirs[k]) / max(abs(ours[k]), abs(theirs[k]))
        for k in shared
        if abs(ours[k] - theirs[k]) > SAME
    }
    largest = max(gaps, key=gaps.get) if gaps else None
    return {
        "numbers": len(shared),
        "differing": len(gaps),
        "largest": None if largest is None else
        {"key": largest, "reference": ours[largest], "other": theirs[largest]},
    }  # fmt: skip


def compare_runs(
    reference: Sequence[ChapterResults], other: Sequence[ChapterResults], labels: tuple[str, str]
) -> Stability:
    """The stability of every claim and chapter that both runs have (of one profile)."""
    profiles = {r.profile for r in [*reference, *other]}
    if len(profiles) != 1:
        raise ValueError(f"the runs to compare must share one profile, found {sorted(profiles)}")
    theirs = {r.chapter: r for r in other}
    verdicts, measured, numbers = {}, {}, {}
    for chapter in reference:
        if chapter.chapter not in theirs:
            continue
        their_claims = {c.id: c.verdict for c in theirs[chapter.chapter].claims}
        for claim in chapter.claims:
            if claim.id in their_claims:
                verdicts[claim.id] = (claim.verdict, their_claims[claim.id])
                measured[claim.id] = claim.ours
        numbers[chapter.chapter] = number_changes(chapter, theirs[chapter.chapter])
    return Stability(labels[0], labels[1], profiles.pop(), verdicts, measured, numbers)


def _results(folder: Path) -> list[ChapterResults]:
    files = sorted(folder.glob("*.json"))
    if not files:
        raise FileNotFoundError(f"no chapter results (*.json) in {folder}")
    return [read_results(p) for p in files]


def main(argv: list[str] | None = None) -> int:
    """Compare a second run's results folder with this one's; write the stability file."""
    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("other", type=Path, help="the second run's results folder")
    parser.add_argument("--results", type=Path, default=Path("results"))
    parser.add_argument("--reference-label", required=True, help="how this run was made")
    parser.add_argument("--other-label", required=True, help="how the second run was made")
    parser.add_argument("--out", type=Path, default=Path(STABILITY_FILE))
    args = parser.parse_args(argv)
    found = compare_runs(
        _results(args.results), _results(args.other), (args.reference_label, args.other_label)
    )
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(found.to_json(), indent=2, sort_keys=True) + "\n")
    changed = [k for k, (a, b) in found.verdicts.items() if a != b]
    print(f"{len(found.verdicts)} claims compared, {len(changed)} unstable: {', '.join(changed)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

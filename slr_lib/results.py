"""What each chapter stage writes: metrics for `dvc metrics` and claims for the ledger."""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from slr_lib.paths import project_path

VERDICTS = ("holds", "partly", "does not hold", "inconclusive")


@dataclass(frozen=True)
class Claim:
    """One claim of a source paper, tested by a chapter."""

    id: str
    paper: str
    source: str
    claim: str
    paper_value: str
    ours: str
    verdict: str
    note: str = ""
    evidence: str = ""  # n, the interval and the rule behind the verdict (`slr_lib.verdicts`)

    def __post_init__(self) -> None:
        if self.verdict not in VERDICTS:
            raise ValueError(
                f"claim {self.id!r}: verdict must be one of {VERDICTS}, got {self.verdict!r}"
            )
        for name in ("id", "paper", "source", "claim", "paper_value", "ours"):
            if not str(getattr(self, name)).strip():
                raise ValueError(f"claim {self.id!r}: field {name!r} is empty")


@dataclass(frozen=True)
class ChapterResults:
    """What a chapter's stage records: its id (the notebook's name), title, data and findings."""

    chapter: str
    title: str
    profile: str
    data: str
    metrics: Mapping[str, Any]
    claims: Sequence[Claim] = field(default_factory=tuple)
    unavailable: str = ""  # why the chapter did not run on the configured corpora ("": it ran)

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict; `metrics` holds numbers only, so `dvc metrics show` reads it."""
        out = asdict(self)
        out["claims"] = [asdict(c) for c in self.claims]
        if not self.unavailable:
            del out["unavailable"]
        return out

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> ChapterResults:
        """Rebuild from the dict `to_json` wrote, checking every claim."""
        fields = {k: data[k] for k in ("chapter", "title", "profile", "data", "metrics")}
        claims = tuple(Claim(**c) for c in data.get("claims", ()))
        return cls(**fields, claims=claims, unavailable=data.get("unavailable", ""))


def write_results(path: str | Path, results: ChapterResults) -> Path:
    """Write `results` as JSON atomically: readers see the old file or the whole new one. A
    relative `path` is the project root's (`slr_lib.paths.project_path`)."""
    path = project_path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w") as fh:
            json.dump(results.to_json(), fh, indent=2, sort_keys=False)
            fh.write("\n")
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def read_results(path: str | Path) -> ChapterResults:
    """Load one chapter's results JSON."""
    with Path(path).open() as fh:
        return ChapterResults.from_json(json.load(fh))

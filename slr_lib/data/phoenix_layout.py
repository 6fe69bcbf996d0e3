"""Where the `phoenix_corpus` stage (`slr_lib.data.phoenix_role`) writes the second language's
corpus and its clip features, and how it says that there is none: what the chapters read."""

from __future__ import annotations

import json
from pathlib import Path

CORPUS = "corpus"
FEATURES = "features"
NO_ROLE = "none.json"
"""Written instead of a corpus when `corpora.phoenix` is `none`, with the reason."""


def corpus_dir(out: str | Path) -> Path:
    """The role's corpus folder under the stage's output folder."""
    return Path(out) / CORPUS


def features_dir(out: str | Path, view: str) -> Path:
    """The role's fixed clip features of one view (`rgb` or `pose`)."""
    return Path(out) / FEATURES / f"{view}_fixed"


def absent_reason(out: str | Path) -> str | None:
    """Why the stage wrote no corpus (None: it wrote one)."""
    path = Path(out) / NO_ROLE
    return json.loads(path.read_text())["reason"] if path.is_file() else None


def write_absent(out: Path, reason: str) -> None:
    """Say, in the stage's output folder, that there is no second language and why."""
    (out / NO_ROLE).write_text(json.dumps({"reason": reason}) + "\n")

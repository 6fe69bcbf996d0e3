"""Paths relative to the project root, wherever a notebook or script runs from."""

from __future__ import annotations

from pathlib import Path

MARKER = "dvc.yaml"


def project_root(start: str | Path | None = None) -> Path:
    """The nearest folder at or above `start` (default: the working directory) with dvc.yaml."""
    here = Path(start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / MARKER).is_file():
            return folder
    raise FileNotFoundError(f"no {MARKER} in {here} or above: run from inside the project")


def project_path(relative: str | Path, start: str | Path | None = None) -> Path:
    """`relative` resolved against the project root (absolute paths are returned unchanged)."""
    path = Path(relative)
    return path if path.is_absolute() else project_root(start) / path

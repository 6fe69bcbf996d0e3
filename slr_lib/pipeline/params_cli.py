"""`slr-params`: validate every section of a params file, for every profile, before any work."""

from __future__ import annotations

import argparse
import importlib
import sys
from pathlib import Path
from typing import Any

import yaml

from slr_lib.config import (
    PROFILES,
    TOP_LEVEL,
    ParamsError,
    SectionConfig,
    check_top_level,
    read_params,
    unknown_key,
)
from slr_lib.pipeline.chapters import READ_TOO, SHARED_BLOCKS, STAGES


def config_class(target: str) -> type[SectionConfig]:
    """The config class named by "module:Class"."""
    module, name = target.split(":")
    return getattr(importlib.import_module(module), name)


def sections() -> dict[str, type[SectionConfig]]:
    """Every section params.yaml must hold (stages, then shared blocks) and its config class."""
    named = {s.name: s.config for s in STAGES} | READ_TOO | SHARED_BLOCKS
    return {name: config_class(target) for name, target in named.items()}


def validate(path: str | Path, profile: str | None = None) -> dict[str, Any]:
    """Check the whole file for every profile; the sections resolved for the active profile."""
    raw = read_params(path)
    top = check_top_level(raw, profile)
    known = sections()
    allowed = {**dict.fromkeys(TOP_LEVEL), **known}
    for key in raw:
        if key not in allowed:
            raise ParamsError(unknown_key(str(key), str(key), allowed))
    resolved: dict[str, Any] = dict(top)
    for name, cls in known.items():
        config = cls.from_section(raw.get(name), top["profile"], where=name)
        if name not in SHARED_BLOCKS:
            resolved[name] = config.to_dict()
    return resolved


def main(argv: list[str] | None = None) -> int:
    """Validate a params file and print it resolved for its profile, or the one-line error."""
    parser = argparse.ArgumentParser(prog="slr-params", description=main.__doc__)
    parser.add_argument("path", nargs="?", default="params.yaml")
    parser.add_argument("--profile", choices=PROFILES, help="override the file's profile")
    args = parser.parse_args(argv)
    try:
        resolved = validate(args.path, args.profile)
    except ParamsError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    yaml.safe_dump(resolved, sys.stdout, sort_keys=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The command line every Python stage shares: params file, profile, output folder."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TypeVar

from slr_lib.config import PROFILES, ParamsError, SectionConfig

C = TypeVar("C", bound=SectionConfig)


def stage_main(
    config_class: type[C],
    run: Callable[[C, argparse.Namespace], object],
    *,
    prog: str,
    description: str,
    out: str,
    folders: Mapping[str, str] | None = None,
    argv: list[str] | None = None,
) -> int:
    """Parse `--params`, `--profile`, `--out` (and extra `folders`), validate, then `run`.

    An invalid params file exits with status 2 and a one-line message before any work.
    """
    parser = argparse.ArgumentParser(prog=prog, description=description)
    parser.add_argument("--params", type=Path, default=Path("params.yaml"))
    parser.add_argument("--profile", choices=PROFILES, help="override params.yaml's profile")
    parser.add_argument("--out", type=Path, default=Path(out), help=f"output (default {out})")
    for flag, default in (folders or {}).items():
        parser.add_argument(flag, type=Path, default=Path(default), help=f"default {default}")
    args = parser.parse_args(argv)
    try:
        config = config_class.load(args.params, args.profile)
    except ParamsError as err:
        print(f"error: invalid params: {err}", file=sys.stderr)
        return 2
    run(config, args)
    return 0


def into_out(run_stage: Callable[[C, Path], object]) -> Callable[[C, argparse.Namespace], None]:
    """The `run` of a one-folder stage: create `--out`, then call `run_stage(config, out)`."""

    def run(config: C, args: argparse.Namespace) -> None:
        args.out.mkdir(parents=True, exist_ok=True)
        run_stage(config, args.out)

    return run

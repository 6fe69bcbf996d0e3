"""`slr-stage`: execute one chapter notebook with Papermill as a DVC stage.

Conventions (the same name everywhere): `notebooks/NAME.ipynb` is the source, the executed
copy goes to `book/chapters/NAME.ipynb` for the book, and the notebook writes
`results/NAME.json` from the `results_path` parameter (data for `dvc plots` goes under
`results/plots/`, the `plots_dir` parameter). The stage's section of `params.yaml` is
validated by the chapter's config class (`Config` in `slr_lib.experiments.NAME`) before any
work, then injected, resolved for the active profile, as the notebook's `config` parameter.

A stage's outputs are all from one successful run or absent: they are removed before the
notebook runs, the notebook executes into `logs/NAME.running.ipynb` and moves to the book only
on success; on failure, Ctrl-C or SIGTERM (raised as `slr_lib.atomic.Terminated` while the
stage runs) the results and plot files are removed and the partial notebook is kept as
`logs/NAME.failed.ipynb`.
"""

from __future__ import annotations

import argparse
import importlib
import os
import signal
import sys
from dataclasses import dataclass
from pathlib import Path

from slr_lib.atomic import Terminated, sigterm_raises
from slr_lib.config import PROFILES, ParamsError, SectionConfig, check_top_level, read_params
from slr_lib.logging_setup import get_logger

log = get_logger(__name__)


@dataclass(frozen=True)
class StagePaths:
    """Where one chapter's files live under a project root."""

    notebook: Path
    executed: Path
    results: Path
    failed: Path
    running: Path  # the notebook while it executes
    plots_dir: Path
    plots: tuple[Path, ...]  # the stage's declared plot files (`Stage.plots`)

    @classmethod
    def for_stage(cls, root: Path, stage: str) -> StagePaths:
        plots_dir = root / "results" / "plots"
        return cls(
            notebook=root / "notebooks" / f"{stage}.ipynb",
            executed=root / "book" / "chapters" / f"{stage}.ipynb",
            results=root / "results" / f"{stage}.json",
            failed=root / "logs" / f"{stage}.failed.ipynb",
            running=root / "logs" / f"{stage}.running.ipynb",
            plots_dir=plots_dir,
            plots=tuple(plots_dir / name for name in declared_plots(stage)),
        )

    @property
    def outputs(self) -> tuple[Path, ...]:
        """What a successful run leaves: the executed notebook, the results, the plot files."""
        return (self.executed, self.results, *self.plots)


def declared_plots(stage: str) -> tuple[str, ...]:
    """The plot files `stage` declares in the stage list (none for a stage not listed).

    Looked up at run time, not imported: `dvc.yaml` makes every module the runner imports a
    dependency of every chapter, and a stage's plot names are already among its outputs there.
    """
    stages = importlib.import_module("slr_lib.pipeline.chapters").STAGES
    return next((s.plots for s in stages if s.name == stage), ())


class StageError(RuntimeError):
    """A stage that did not produce its outputs."""


def chapter_config(stage: str) -> type[SectionConfig]:
    """The config class of chapter `stage`: `Config` in `slr_lib.experiments.<stage>`."""
    try:
        module = importlib.import_module(f"slr_lib.experiments.{stage}")
    except ModuleNotFoundError as err:
        raise StageError(f"no experiments module for stage {stage!r}: {err}") from err
    return module.Config


def notebook_parameters(stage: str, params_file: Path, profile: str | None) -> dict:
    """The validated parameters injected into the chapter's notebook (no results paths yet)."""
    raw = read_params(params_file)
    top = check_top_level(raw, profile)
    config = chapter_config(stage).from_section(raw.get(stage), top["profile"], where=stage)
    return {"profile": top["profile"], "kernel": top["kernel"], "config": config.to_dict()}


def run_stage(stage: str, root: Path, params_file: Path, profile: str | None = None) -> StagePaths:
    """Validate the params, execute the stage's notebook and check that it wrote its results.

    On failure (an exception, Ctrl-C or SIGTERM) none of the stage's outputs is left where a
    later stage would read it, and the partial notebook is in `logs/` for inspection.
    """
    parameters = notebook_parameters(stage, params_file, profile)
    import papermill  # imported here: a bad params file must fail before this slow import

    kernel = parameters.pop("kernel")
    paths = StagePaths.for_stage(root, stage)
    if not paths.notebook.is_file():
        raise StageError(f"no notebook for stage {stage!r}: {paths.notebook} does not exist")
    _prepare(paths)
    parameters["results_path"] = str(paths.results.resolve())
    parameters["plots_dir"] = str(paths.plots_dir.resolve())
    log.info("stage %s (profile %s): executing %s", stage, parameters["profile"], paths.notebook)
    with sigterm_raises():
        try:
            papermill.execute_notebook(
                str(paths.notebook),
                str(paths.running),
                parameters=parameters,
                kernel_name=kernel,
                cwd=str(paths.notebook.parent),
                progress_bar=sys.stderr.isatty(),
                log_output=False,
            )
            if not paths.results.is_file():
                raise StageError(f"{paths.notebook} ran but did not write {paths.results}")
            os.replace(paths.running, paths.executed)
        except BaseException:
            _keep_failed(stage, paths)
            raise
    log.info("stage %s done: %s, %s", stage, paths.executed, paths.results)
    return paths


def _prepare(paths: StagePaths) -> None:
    """Remove the outputs and logs of an earlier run; create the output folders."""
    for path in (*paths.outputs, paths.running, paths.failed):
        path.unlink(missing_ok=True)
    for folder in {p.parent for p in (*paths.outputs, paths.running, paths.failed)}:
        folder.mkdir(parents=True, exist_ok=True)


def _keep_failed(stage: str, paths: StagePaths) -> None:
    """Remove what the failed run wrote; keep its partial notebook as `paths.failed`."""
    for path in paths.outputs:
        path.unlink(missing_ok=True)
    if paths.running.exists():
        os.replace(paths.running, paths.failed)
        log.error("stage %s failed; the executed notebook is in %s", stage, paths.failed)


def main(argv: list[str] | None = None) -> int:
    """Run one chapter stage; exit non-zero on any failure."""
    parser = argparse.ArgumentParser(prog="slr-stage", description=main.__doc__)
    parser.add_argument("stage", help="chapter name: notebooks/STAGE.ipynb")
    parser.add_argument("--params", type=Path, default=Path("params.yaml"))
    parser.add_argument("--profile", choices=PROFILES, help="override params.yaml's profile")
    parser.add_argument("--root", type=Path, default=Path("."), help="project root")
    args = parser.parse_args(argv)
    try:
        run_stage(args.stage, args.root, args.params, args.profile)
    except ParamsError as err:
        log.error("invalid params: %s", err)
        return 2
    except Exception as err:  # any failure must fail the DVC stage with a readable reason
        log.error("stage %s failed: %s", args.stage, err)
        return 1
    except KeyboardInterrupt:
        log.error("stage %s interrupted (Ctrl-C)", args.stage)
        return 128 + signal.SIGINT
    except Terminated as err:
        log.error("stage %s terminated (SIGTERM)", args.stage)
        return 128 + err.signum
    return 0


if __name__ == "__main__":
    sys.exit(main())

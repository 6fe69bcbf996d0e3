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

The executed copy is made for reading: the parameters cell (the notebook's defaults) is
removed from it and the injected one folded (`fold_parameters`), and the paths injected are
relative to the project root, so the book shows no path of the machine that built it.

A chapter that cannot run on the configured corpora (a real corpus lacks what it measures
against) says why in `unavailable(config)` of its experiments module. The notebook is then not
executed: the book gets the chapter's title and a note giving the reason, its results file the
reason (`ChapterResults.unavailable`, shown in the chapter table and the ledger), and its plot
files the reason alone.
"""

from __future__ import annotations

import argparse
import csv
import importlib
import os
import signal
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from slr_lib.atomic import Terminated, sigterm_raises
from slr_lib.config import PROFILES, ParamsError, SectionConfig, check_top_level, read_params
from slr_lib.data.roles import corpus_label
from slr_lib.logging_setup import get_logger
from slr_lib.results import ChapterResults, write_results

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


def chapter_settings(
    stage: str, params_file: Path, profile: str | None
) -> tuple[dict[str, Any], SectionConfig]:
    """The params file's top-level settings and the chapter's validated section."""
    raw = read_params(params_file)
    top = check_top_level(raw, profile)
    return top, chapter_config(stage).from_section(raw.get(stage), top["profile"], where=stage)


def unavailable(stage: str, config: SectionConfig) -> str | None:
    """Why chapter `stage` cannot run with `config` (its module's `unavailable`), or None."""
    check = getattr(importlib.import_module(f"slr_lib.experiments.{stage}"), "unavailable", None)
    return check(config) if check is not None else None


def write_unavailable(paths: StagePaths, stage: str, profile: str, reason: str) -> None:
    """The outputs of a chapter that did not run: its title and the reason, everywhere."""
    import nbformat

    source = nbformat.read(paths.notebook, as_version=4)
    intro = "".join(source.cells[0].source).split("\n```{", 1)[0].rstrip()
    title = intro.splitlines()[0].lstrip("# ").strip() if intro else stage
    note = f"```{{note}}\nThis chapter did not run on this corpus: {reason}.\n```"
    book = nbformat.v4.new_notebook(metadata=source.metadata)
    book.cells = [nbformat.v4.new_markdown_cell(intro), nbformat.v4.new_markdown_cell(note)]
    nbformat.write(book, paths.running)
    results = ChapterResults(stage, title, profile, "not run", {}, unavailable=reason)
    write_results(paths.results, results)
    for plot in paths.plots:
        with plot.open("w", newline="") as handle:
            csv.writer(handle, lineterminator="\n").writerows([["not_available"], [reason]])
    os.replace(paths.running, paths.executed)
    log.warning("stage %s not run: %s", stage, reason)


def label_real_corpus(notebook: Path, config: SectionConfig) -> None:
    """Say under the chapter's title that it ran on a real corpus, where it did: the chapters'
    text is written for the simulated one."""
    corpus_dir = getattr(config, "corpus_dir", "")
    label = corpus_label(corpus_dir) if corpus_dir else "simulated corpus"
    if label == "simulated corpus":
        return
    import nbformat

    book = nbformat.read(notebook, as_version=4)
    note = (
        f"```{{important}}\nThis run used the {label} (params.yaml `corpora`), not the simulated "
        "one the text below describes: the numbers are your corpus's, and what the text says "
        "of the simulation does not apply.\n```"
    )
    book.cells.insert(1, nbformat.v4.new_markdown_cell(note))
    nbformat.write(book, notebook)


PARAMETER_TAGS = {"parameters": "remove-cell", "injected-parameters": "hide-cell"}


def fold_parameters(notebook: Path) -> None:
    """Tag the parameters cells for Jupyter Book (`PARAMETER_TAGS`): the defaults removed, the
    injected values folded under a toggle."""
    import nbformat

    book = nbformat.read(notebook, as_version=4)
    for cell in book.cells:
        tags = cell.metadata.get("tags", [])
        extra = [PARAMETER_TAGS[t] for t in tags if t in PARAMETER_TAGS]
        cell.metadata["tags"] = [*tags, *(t for t in extra if t not in tags)]
    nbformat.write(book, notebook)


def run_stage(stage: str, root: Path, params_file: Path, profile: str | None = None) -> StagePaths:
    """Validate the params, execute the stage's notebook and check that it wrote its results.

    On failure (an exception, Ctrl-C or SIGTERM) none of the stage's outputs is left where a
    later stage would read it, and the partial notebook is in `logs/` for inspection.
    """
    top, config = chapter_settings(stage, params_file, profile)
    parameters = {"profile": top["profile"], "config": config.to_dict()}
    paths = StagePaths.for_stage(root, stage)
    if not paths.notebook.is_file():
        raise StageError(f"no notebook for stage {stage!r}: {paths.notebook} does not exist")
    _prepare(paths)
    reason = unavailable(stage, config)
    if reason is not None:
        write_unavailable(paths, stage, top["profile"], reason)
        return paths
    import papermill  # imported here: a bad params file must fail before this slow import

    # relative to the project root, which the notebook finds from wherever it runs
    # (slr_lib.paths.project_path): the book shows no path of the machine that built it
    parameters["results_path"] = Path(os.path.relpath(paths.results, root)).as_posix()
    parameters["plots_dir"] = Path(os.path.relpath(paths.plots_dir, root)).as_posix()
    log.info("stage %s (profile %s): executing %s", stage, parameters["profile"], paths.notebook)
    with sigterm_raises():
        try:
            papermill.execute_notebook(
                str(paths.notebook),
                str(paths.running),
                parameters=parameters,
                kernel_name=top["kernel"],
                cwd=str(paths.notebook.parent),
                progress_bar=sys.stderr.isatty(),
                log_output=False,
            )
            if not paths.results.is_file():
                raise StageError(f"{paths.notebook} ran but did not write {paths.results}")
            label_real_corpus(paths.running, config)
            fold_parameters(paths.running)
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

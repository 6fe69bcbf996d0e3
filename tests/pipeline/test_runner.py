import gc
import json
import os
import signal
import time

import nbformat
import pytest
import yaml

from slr_lib.pipeline.runner import StageError, StagePaths, main, run_stage
from tests.conftest import write_notebook
from tests.test_config import RAW

PARAMS = "profile = 'x'\nconfig = None\nresults_path = None\nplots_dir = None"
WRITE_RESULTS = """
from slr_lib.experiments.protocol import Config
from slr_lib.results import ChapterResults, write_results
cfg = Config.from_values(config)
written = write_results(results_path, ChapterResults(
    chapter="protocol", title="t", profile=profile, data="none",
    metrics={"n_videos": cfg.n_videos}))
"""


@pytest.fixture
def project(tmp_path):
    (tmp_path / "params.yaml").write_text(yaml.safe_dump(RAW))
    (tmp_path / "dvc.yaml").write_text("stages: {}\n")  # marks the project root
    return tmp_path


def run(project, profile=None):
    return run_stage("protocol", project, project / "params.yaml", profile)


def test_success_injects_profile_params_and_writes_outputs(project):
    write_notebook(project / "notebooks" / "protocol.ipynb", WRITE_RESULTS, params=PARAMS)
    paths = run(project, profile="tiny")
    assert paths == StagePaths.for_stage(project, "protocol")
    assert paths.executed.is_file() and not paths.failed.exists()
    written = json.loads(paths.results.read_text())
    assert written["profile"] == "tiny" and written["metrics"]["n_videos"] == 10
    executed = nbformat.read(paths.executed, as_version=4)
    injected = next(c for c in executed.cells if "injected-parameters" in c.metadata["tags"])
    assert 'results_path = "results/protocol.json"' in injected.source
    assert str(project) not in "".join(c.source for c in executed.cells)  # no path of this machine
    assert "hide-cell" in injected.metadata["tags"]
    defaults = next(c for c in executed.cells if "parameters" in c.metadata.get("tags", []))
    assert "remove-cell" in defaults.metadata["tags"]


def test_failing_notebook_leaves_no_results_and_keeps_the_failed_copy(project):
    write_notebook(
        project / "notebooks" / "protocol.ipynb",
        WRITE_RESULTS,
        "raise RuntimeError('boom in cell')",
        params=PARAMS,
    )
    with pytest.raises(Exception, match="boom in cell"):
        run(project)
    paths = StagePaths.for_stage(project, "protocol")
    assert not paths.results.exists()
    assert not paths.executed.exists()
    assert "boom in cell" in paths.failed.read_text()


WRITE_PLOT = """
from slr_lib.paths import project_path
(project_path(plots_dir) / "protocol_recall_at_k.csv").write_text("k,recall\\n1,0.5\\n")
"""
BOOK_PATH_IS_EMPTY = """
from slr_lib.paths import project_path
book = project_path(results_path).parents[1] / "book" / "chapters" / "protocol.ipynb"
assert not book.exists(), "the running notebook is at the book path"
"""


def stale_outputs(paths):
    """Outputs and logs of an earlier run, all of which a new run must not leave behind."""
    for path in (paths.executed, paths.results, *paths.plots, paths.failed):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("stale")


def test_the_notebook_runs_outside_the_book_and_earlier_outputs_are_replaced(project):
    write_notebook(
        project / "notebooks" / "protocol.ipynb",
        BOOK_PATH_IS_EMPTY, WRITE_RESULTS, WRITE_PLOT, params=PARAMS,
    )  # fmt: skip
    paths = StagePaths.for_stage(project, "protocol")
    assert paths.plots == (project / "results" / "plots" / "protocol_recall_at_k.csv",)
    stale_outputs(paths)
    run(project)
    assert "the running notebook" in paths.executed.read_text()  # the executed copy, not stale
    assert paths.plots[0].read_text().startswith("k,recall")
    assert not paths.failed.exists() and not paths.running.exists()


def test_a_failed_run_leaves_none_of_its_or_earlier_outputs(project):
    write_notebook(
        project / "notebooks" / "protocol.ipynb",
        WRITE_RESULTS, WRITE_PLOT, "raise RuntimeError('late failure')", params=PARAMS,
    )  # fmt: skip
    paths = StagePaths.for_stage(project, "protocol")
    stale_outputs(paths)
    with pytest.raises(Exception, match="late failure"):
        run(project)
    assert not any(p.exists() for p in (paths.executed, paths.results, *paths.plots))
    assert not paths.running.exists() and "late failure" in paths.failed.read_text()
    assert executed_by_papermill(paths.failed)


def test_notebook_that_writes_nothing_fails(project):
    write_notebook(project / "notebooks" / "protocol.ipynb", "x = 1", params=PARAMS)
    with pytest.raises(StageError, match="did not write"):
        run(project)


def test_main_exit_codes(project, caplog):
    assert main(["protocol", "--root", str(project), "--params", str(project / "params.yaml")]) == 1
    assert "no notebook for stage" in caplog.text
    bad = project / "bad.yaml"
    bad.write_text(yaml.safe_dump({**RAW, "profile": "huge"}))
    assert main(["protocol", "--root", str(project), "--params", str(bad)]) == 2
    assert "allowed values: tiny, small, full" in caplog.text
    typo = project / "typo.yaml"
    typo.write_text(yaml.safe_dump({**RAW, "protocol": {**RAW["protocol"], "n_video": 3}}))
    assert main(["protocol", "--root", str(project), "--params", str(typo)]) == 2
    assert "'protocol.n_video' is unknown; did you mean 'n_videos'?" in caplog.text
    assert not (project / "results").exists()


def executed_by_papermill(path):
    """Whether `path` is a notebook that Papermill ran (it has the injected parameters)."""
    cells = nbformat.read(path, as_version=4).cells
    return any("injected-parameters" in c.metadata.get("tags", []) for c in cells)


def running(pid):
    """Whether process `pid` runs (a zombie, dead but not yet reaped, does not)."""
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def finalise_abandoned_tasks():
    """Collect the interrupted run's abandoned asyncio tasks now.

    Their finalisers log "Task exception was never retrieved", and formatting that traceback
    calls `ast.parse`. Left to a later garbage collection, that can happen inside another
    test's `ast.parse`, which CPython 3.11 reports as "AST constructor recursion depth
    mismatch" (its AST conversion state is shared, gh-106905).
    """
    gc.collect()


def kill_me(signum, pid_file):
    """A cell that records the kernel's pid, sends `signum` to this test's process and waits."""
    return (
        f"import os, time\nopen({str(pid_file)!r}, 'w').write(str(os.getpid()))\n"
        f"os.kill({os.getpid()}, {int(signum)})\ntime.sleep(60)"
    )


@pytest.mark.parametrize(
    ("signum", "handler", "status"),
    [(signal.SIGTERM, lambda *_: None, 143), (signal.SIGINT, signal.default_int_handler, 130)],
    ids=["SIGTERM", "Ctrl-C"],
)
def test_a_stage_stopped_by_a_signal_cleans_up_and_exits_non_zero(project, signum, handler, status):
    """SIGTERM (ignored here unless the stage handles it) and Ctrl-C stop the stage at once."""
    pid_file = project / "kernel.pid"
    write_notebook(
        project / "notebooks" / "protocol.ipynb",
        WRITE_RESULTS, WRITE_PLOT, kill_me(signum, pid_file), params=PARAMS,
    )  # fmt: skip
    paths = StagePaths.for_stage(project, "protocol")
    stale_outputs(paths)
    previous = signal.signal(signum, handler)
    try:
        started = time.monotonic()
        code = main(["protocol", "--root", str(project), "--params", str(project / "params.yaml")])
        assert time.monotonic() - started < 50, "the signal did not stop the stage"
        assert signal.getsignal(signum) is handler
    except KeyboardInterrupt:
        pytest.fail("Ctrl-C escaped the stage's main")
    finally:
        signal.signal(signum, previous)
        finalise_abandoned_tasks()
    assert code == status
    assert not any(p.exists() for p in (paths.executed, paths.results, *paths.plots))
    assert not paths.running.exists() and executed_by_papermill(paths.failed)
    deadline = time.monotonic() + 10
    while running(int(pid_file.read_text())) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not running(int(pid_file.read_text())), "the kernel outlived the stage"


def test_a_chapter_that_cannot_run_says_why_in_every_output(project, monkeypatch):
    import slr_lib.experiments.protocol as protocol

    monkeypatch.setattr(protocol, "unavailable", lambda config: "it needs X", raising=False)
    path = write_notebook(project / "notebooks" / "protocol.ipynb", "raise RuntimeError('ran')")
    notebook = nbformat.read(path, as_version=4)
    intro = "# The protocol\n\nWhat it shows.\n\n```{important}\nSimulated data.\n```"
    notebook.cells.insert(0, nbformat.v4.new_markdown_cell(intro))
    nbformat.write(notebook, path)
    paths = StagePaths.for_stage(project, "protocol")
    stale_outputs(paths)
    run(project, profile="tiny")
    book = nbformat.read(paths.executed, as_version=4)
    assert [c.cell_type for c in book.cells] == ["markdown", "markdown"]
    assert book.cells[0].source == "# The protocol\n\nWhat it shows."
    assert "did not run on this corpus: it needs X." in book.cells[1].source
    written = json.loads(paths.results.read_text())
    assert (written["title"], written["profile"]) == ("The protocol", "tiny")
    assert (written["unavailable"], written["metrics"], written["claims"]) == ("it needs X", {}, [])
    assert paths.plots[0].read_text() == "not_available\nit needs X\n"
    assert not paths.failed.exists() and not paths.running.exists()

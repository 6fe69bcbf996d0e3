import json

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
write_results(results_path, ChapterResults(
    chapter="protocol", title="t", profile=profile, data="none",
    metrics={"n_videos": cfg.n_videos}))
"""


@pytest.fixture
def project(tmp_path):
    (tmp_path / "params.yaml").write_text(yaml.safe_dump(RAW))
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

"""End to end on real-format data: `dvc repro` with the main corpus set to How2Sign.

The corpus is built in a temporary folder from the real files in ../shared/realdata
(`tests/real_tiny.py`: the real val table's sentences with real `.pose` and OpenPose keypoints,
CiCo-layout I3D features, WLASL exemplars as real `.pose` files, and a keyword spotter's
mouthing file). The retrieval chapters must run on it, the annotations chapter without what
needs ground truth; the chapters built on the simulated ground truth must say, in the book and
in their results, that they did not run.
"""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pytest
import yaml

from tests.real_tiny import (
    CICO_STRIDE,
    WLASL_JSON,
    how2sign_folder,
    mouthing_table,
    needs_realdata,
    wlasl_pose_folder,
)
from tests.test_pipeline_book import copy_project, sh

pytestmark = needs_realdata

RETRIEVAL = (
    "crossmodal_pooling", "crossmodal_text", "spotalign_retrieval", "spotalign_fusion",
    "seds_retrieval", "seds_ablations",
)  # fmt: skip
NEEDS_TRUTH = ("data", "one_shot")
NEEDS_RGB_ENCODER = "seds_phoenix"  # the real main corpus's features replace the RGB encoder


@pytest.fixture(scope="module")
def real_project(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("real_tiny")
    project = copy_project(root / "project", "tiny")
    real = how2sign_folder(root / "how2sign")
    glosses = wlasl_pose_folder(root / "wlasl_poses", list(real.texts.values()))
    params = yaml.safe_load((project / "params.yaml").read_text())
    params["corpora"] |= {
        "main": "how2sign",
        "how2sign_tables": str(real.tables),
        "how2sign_pose_dir": str(real.pose_dir),
        "how2sign_keypoints_dir": str(real.keypoints_dir),
        "cico_features": str(real.cico_features),
        "cico_annotations": [str(real.cico_annotation)],
        "cico_stride": CICO_STRIDE,
        "wlasl_json": str(WLASL_JSON),
        "exemplar_pose_dir": str(root / "wlasl_poses"),
        "mouthing_spottings": str(mouthing_table(root / "mouthings.csv", real, glosses)),
    }
    (project / "params.yaml").write_text(yaml.safe_dump(params))
    sh("dvc", "repro", cwd=project)
    return project


def results(project: Path, chapter: str) -> dict:
    return json.loads((project / "results" / f"{chapter}.json").read_text())


def test_the_main_corpus_is_the_real_one(real_project):
    manifest = json.loads((real_project / "data/corpora/main/manifest.json").read_text())
    assert (manifest["name"], manifest["simulated"]) == ("how2sign", False)
    summary = json.loads((real_project / "data/spotalign/summary.json").read_text())
    assert summary["lip_reader"]["given_spottings"] > 0
    assert summary["runs"]["main"]["steps"]["M"]["expanded"]["annotations"] > 0


@pytest.mark.parametrize("chapter", RETRIEVAL)
def test_the_retrieval_chapters_ran_on_it(real_project, chapter):
    found = results(real_project, chapter)
    assert "unavailable" not in found and found["metrics"]
    assert found["data"].startswith("real how2sign corpus")
    book = nbformat.read(real_project / "book" / "chapters" / f"{chapter}.ipynb", as_version=4)
    assert "This run used the real how2sign corpus" in book.cells[1].source
    assert any(c.get("outputs") for c in book.cells if c.cell_type == "code")


@pytest.mark.parametrize("chapter", NEEDS_TRUTH)
def test_chapters_needing_ground_truth_say_they_did_not_run(real_project, chapter):
    found = results(real_project, chapter)
    assert "only the simulated corpus records where each sign is" in found["unavailable"]
    assert (found["metrics"], found["claims"]) == ({}, [])
    book = nbformat.read(real_project / "book" / "chapters" / f"{chapter}.ipynb", as_version=4)
    assert "did not run on this corpus" in book.cells[-1].source
    assert chapter in (real_project / "book" / "claims.md").read_text()


def test_the_second_language_runs_beside_a_real_main_corpus(real_project):
    """The PHOENIX-like corpus is still simulated: Table 7 and App. E (on the real corpus's
    pose clips) run; SEDS there has no pre-trained RGB encoder to read its RGB-like view."""
    table7 = results(real_project, "phoenix_retrieval")
    assert "unavailable" not in table7 and table7["metrics"]["app_e"]
    seds = results(real_project, NEEDS_RGB_ENCODER)
    assert "no pre-trained RGB encoder" in seds["unavailable"]


def test_the_annotations_chapter_shows_yields_without_precision(real_project):
    found = results(real_project, "spotalign_annotations")
    assert [c["id"] for c in found["claims"]] == ["F4-yield"]
    assert found["metrics"]["yield"]["M_expanded"] > 0
    assert found["metrics"]["precision"] == {} and found["metrics"]["recognition_top1"] == {}


def test_the_book_builds_with_the_notes(real_project):
    page = real_project / "book" / "_build" / "html" / "chapters" / "one_shot.html"
    assert "did not run on this corpus" in page.read_text()
    table = (real_project / "book" / "_chapter_table.md").read_text()
    assert table.count("not run on this corpus") == len(NEEDS_TRUTH) + 1  # and seds_phoenix

"""dvc.yaml is generated from the stage list, with code deps derived from imports."""

from __future__ import annotations

import yaml

from slr_lib.pipeline.chapters import ONE_THREAD, STAGES, chapters, stage
from slr_lib.pipeline.imports import closure, imported_modules
from slr_lib.pipeline.wiring import RUN, generated, main, render_toc
from tests.conftest import ROOT

DVC = yaml.safe_load((ROOT / "dvc.yaml").read_text())["stages"]


def test_committed_wiring_is_the_generated_one():
    for path, text in generated(ROOT).items():
        assert path.read_text() == text, f"{path} is out of date: run {RUN}"
    assert main(["--root", str(ROOT), "--check"]) == 0


def test_toc_follows_the_stage_list():
    toc = yaml.safe_load(render_toc())
    files = [c["file"] for part in toc["parts"] for c in part["chapters"]]
    assert [f for f in files if f.startswith("chapters/")] == [
        f"chapters/{s.name}" for s in chapters()
    ]
    assert files[-3:] == ["claims", "papers", "scale"]


def test_every_stage_of_the_list_is_wired():
    assert list(DVC) == [s.name for s in STAGES] + ["claims", "book"]
    for entry in chapters():
        assert f"results/{entry.name}.json" in DVC["claims"]["deps"]
        assert f"book/chapters/{entry.name}.ipynb" in DVC["book"]["deps"]


def test_a_chapter_depends_on_its_own_experiment_module_only():
    """Changing one chapter's config or experiment re-runs that chapter alone."""
    for entry in chapters():
        own = f"slr_lib/experiments/{entry.name}.py"
        users = [name for name, s in DVC.items() if own in s.get("deps", [])]
        assert users == [entry.name], f"{own} is a dependency of {users}"


def test_python_stages_depend_on_their_module_and_config():
    for name in (
        "corpora",
        "features",
        "rgb_encoder",
        "domain_encoder",
        "pose_encoder",
        "spot_align",
    ):
        entry = stage(name)
        module_path = entry.module.replace(".", "/") + ".py"
        assert module_path in DVC[name]["deps"]
        assert "slr_lib/config.py" in DVC[name]["deps"]
    assert "slr_lib/data/simulate/params.py" in DVC["corpora"]["deps"]
    assert "slr_lib/logging_setup.py" in DVC["corpora"]["deps"]
    assert DVC["corpora"]["params"] == ["profile", "corpora", "corpus"]


def test_imports_are_followed_through_the_package(tmp_path):
    pkg = tmp_path / "slr_lib"
    (pkg / "sub").mkdir(parents=True)
    (pkg / "__init__.py").write_text('"""Docstring only."""\n')
    (pkg / "sub" / "__init__.py").write_text("from slr_lib.sub.b import x\n")
    (pkg / "sub" / "b.py").write_text("def f():\n    from slr_lib import c\n")
    (pkg / "c.py").write_text("import numpy\n")
    (pkg / "unused.py").write_text("")
    assert imported_modules("from slr_lib.sub import b") == {"slr_lib.sub", "slr_lib.sub.b"}
    found = closure(tmp_path, ["from slr_lib.sub import b"])
    assert found == ["slr_lib/c.py", "slr_lib/sub/__init__.py", "slr_lib/sub/b.py"]


def test_every_stage_runs_on_one_thread():
    """Numbers must not depend on the machine's core count (book/reproduce.md)."""
    for entry in STAGES:
        assert DVC[entry.name]["cmd"].startswith(f"{ONE_THREAD} "), entry.name
    assert "OMP_NUM_THREADS=1" in ONE_THREAD

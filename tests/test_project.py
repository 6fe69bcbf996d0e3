"""The project's own conventions: clean notebooks, complete DVC stages, README and CI in step."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import nbformat
import pytest
import yaml

from slr_lib.config import load_params, stage_params
from tests.conftest import ROOT

DVC = yaml.safe_load((ROOT / "dvc.yaml").read_text())["stages"]
CHAPTERS = sorted(name for name, s in DVC.items() if s["cmd"].startswith("slr-stage "))
RUNNER_FILES = {"slr_lib/pipeline/runner.py", "slr_lib/config.py", "slr_lib/logging_setup.py"}


def notebook(name: str) -> nbformat.NotebookNode:
    return nbformat.read(ROOT / "notebooks" / f"{name}.ipynb", as_version=4)


def code_cells(nb: nbformat.NotebookNode) -> list[nbformat.NotebookNode]:
    return [c for c in nb.cells if c.cell_type == "code"]


def imported_slr_files(source: str) -> set[str]:
    """Files of slr_lib that `source` imports, followed through slr_lib itself."""
    found: set[str] = set()
    pending = [source]
    while pending:
        for node in ast.walk(ast.parse(pending.pop())):
            names = []
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
            elif isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            for name in names:
                if not name.startswith("slr_lib."):
                    continue
                path = Path(*name.split(".")).with_suffix(".py").as_posix()
                if (ROOT / Path(*name.split("."))).is_dir():  # a package: its __init__.py,
                    path = Path(*name.split("."), "__init__.py").as_posix()
                    if not _has_code(ROOT / path):  # unless it holds a docstring only
                        continue
                if (ROOT / path).is_file() and path not in found:
                    found.add(path)
                    pending.append((ROOT / path).read_text())
    return found


def _has_code(path: Path) -> bool:
    """Whether a module holds more than its docstring."""
    return path.is_file() and len(ast.parse(path.read_text()).body) > 1


def covered(path: str, deps: list[str]) -> bool:
    """Whether a file is a dependency itself or lies in a folder that is one."""
    return any(path == dep or path.startswith(dep.rstrip("/") + "/") for dep in deps)


def test_there_is_at_least_one_chapter():
    assert CHAPTERS


def test_source_notebooks_carry_no_outputs():
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        dirty = [c for c in code_cells(nb) if c.outputs or c.execution_count]
        assert not dirty, f"{path.name} has outputs: strip them before committing"


@pytest.mark.parametrize("name", CHAPTERS)
def test_parameters_cell_defaults_are_the_tiny_profile(name):
    cells = [c for c in code_cells(notebook(name)) if "parameters" in c.metadata.get("tags", [])]
    assert len(cells) == 1, "a chapter notebook needs exactly one cell tagged `parameters`"
    defaults: dict = {}
    exec(cells[0].source, {}, defaults)
    expected = stage_params(load_params(ROOT / "params.yaml", "tiny"), name)
    assert defaults == {**expected, "results_path": None, "plots_dir": None}


@pytest.mark.parametrize("name", CHAPTERS)
def test_chapter_stage_declares_everything_it_uses_and_makes(name):
    stage = DVC[name]
    source = "\n".join(c.source for c in code_cells(notebook(name)))
    runner = "\n".join((ROOT / f).read_text() for f in RUNNER_FILES)
    needed = {f"notebooks/{name}.ipynb"} | RUNNER_FILES
    needed |= imported_slr_files(source) | imported_slr_files(runner)
    missing = [f for f in sorted(needed) if not covered(f, stage["deps"])]
    assert not missing, f"missing deps: {missing}"
    assert {"profile", "kernel", name} <= set(stage["params"])
    assert f"book/chapters/{name}.ipynb" in stage["outs"]
    assert [f"results/{name}.json"] == [next(iter(m)) for m in stage["metrics"]]


@pytest.mark.parametrize("name", CHAPTERS)
def test_chapter_reaches_ledger_and_book(name):
    assert f"results/{name}.json" in DVC["claims"]["deps"]
    assert f"results/{name}.json" in DVC["claims"]["cmd"].split()
    assert f"book/chapters/{name}.ipynb" in DVC["book"]["deps"]
    assert f"chapters/{name}" in (ROOT / "book" / "_toc.yml").read_text()


def test_book_pages_are_stage_deps():
    toc = (ROOT / "book" / "_toc.yml").read_text()
    for page in re.findall(r"file: (\S+)", toc) + ["intro"]:
        if not page.startswith("chapters/") and page != "claims":
            assert f"book/{page}.md" in DVC["book"]["deps"]


def test_ci_runs_the_readme_test_command():
    ci = (ROOT / ".ci" / "run").read_text()
    readme = (ROOT / "README.md").read_text()
    assert "make test" in ci and "make test" in readme

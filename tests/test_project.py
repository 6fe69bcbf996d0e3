"""The project's own conventions: clean notebooks, complete DVC stages, README and CI in step."""

from __future__ import annotations

import re

import nbformat
import pytest
import yaml

from slr_lib.pipeline.chapters import chapters
from tests.conftest import ROOT

DVC = yaml.safe_load((ROOT / "dvc.yaml").read_text())["stages"]
CHAPTERS = [s.name for s in chapters()]
PARAMETERS = """# Parameters. The pipeline injects `profile` and `config` (this chapter's section of
# params.yaml, validated); `config = None` reads params.yaml at `profile`.
profile = "tiny"
config = None
results_path = None  # set by the pipeline; None leaves the results unwritten
plots_dir = None  # set by the pipeline; where the data of `dvc plots` goes"""
MAX_CODE_LINES = 130


def notebook(name: str) -> nbformat.NotebookNode:
    return nbformat.read(ROOT / "notebooks" / f"{name}.ipynb", as_version=4)


def code_cells(nb: nbformat.NotebookNode) -> list[nbformat.NotebookNode]:
    return [c for c in nb.cells if c.cell_type == "code"]


def test_there_is_at_least_one_chapter():
    assert CHAPTERS


def test_source_notebooks_carry_no_outputs():
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        dirty = [c for c in code_cells(nb) if c.outputs or c.execution_count]
        assert not dirty, f"{path.name} has outputs: strip them before committing"


def test_every_chapter_stage_is_in_the_stage_list():
    assert [n for n, s in DVC.items() if " slr-stage " in f" {s['cmd']} "] == CHAPTERS


@pytest.mark.parametrize("name", CHAPTERS)
def test_parameters_cell_is_the_one_injected_config(name):
    """Values live in params.yaml only: the notebook gets `config` from the pipeline."""
    cells = [c for c in code_cells(notebook(name)) if "parameters" in c.metadata.get("tags", [])]
    assert len(cells) == 1, "a chapter notebook needs exactly one cell tagged `parameters`"
    assert cells[0].source.strip() == PARAMETERS


@pytest.mark.parametrize("name", CHAPTERS)
def test_a_chapter_folds_its_set_up_and_formats_numbers_as_the_papers(name):
    """The cell after the parameters imports and computes: the book folds its code."""
    setup = code_cells(notebook(name))[1]
    assert "hide-input" in setup.metadata.get("tags", []), f"{name}: tag the set-up hide-input"
    assert re.search(r"^book_numbers\(\)$", setup.source, re.M), f"{name}: call book_numbers()"


@pytest.mark.parametrize("name", CHAPTERS)
def test_a_chapter_with_claims_labels_their_cell_for_the_ledger(name):
    """The ledger links each claim to `(claims-NAME)=`, above the chapter's "Claims tested"."""
    nb = notebook(name)
    if not any("claims_frame(" in c.source for c in code_cells(nb)):
        return
    heads = [
        c.source for c in nb.cells if c.cell_type == "markdown" and "Claims tested" in c.source
    ]
    assert len(heads) == 1 and heads[0].startswith(f"(claims-{name})=\n## Claims tested"), name


@pytest.mark.parametrize("name", CHAPTERS)
def test_notebook_shows_and_the_library_computes(name):
    """No training loop and no function definitions in a chapter; a short notebook."""
    source = "\n".join(c.source for c in code_cells(notebook(name)))
    lines = [ln for ln in source.splitlines() if ln.strip() and not ln.lstrip().startswith("#")]
    assert len(lines) <= MAX_CODE_LINES, f"{name}: {len(lines)} code lines"
    assert not re.search(r"^\s*(def|class) ", source, re.M), f"{name} defines code"
    assert not re.search(r"\.backward\(|optimizer|\.step\(\)", source), f"{name} trains"


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

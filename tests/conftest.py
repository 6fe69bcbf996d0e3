"""Shared fixtures: the project root, a very small simulated corpus, notebook helpers."""

from __future__ import annotations

import logging
from dataclasses import replace
from pathlib import Path

import nbformat
import pytest
import torch

from slr_lib.data.simulate.generate import generate
from slr_lib.data.simulate.params import CorpusParams

ROOT = Path(__file__).resolve().parents[1]
REALDATA = ROOT.parent / "shared" / "realdata"  # real public files (../shared/realdata/README.md)
REAL_CLIPS = sorted((REALDATA / "video").glob("*.mp4")) if REALDATA.is_dir() else []
needs_real_clips = pytest.mark.skipif(
    not REAL_CLIPS, reason=f"the real How2Sign clips are absent ({REALDATA / 'video'}: ../shared)"
)
NO_VIDEO_EXTRA = "the video extra is not installed: pip install -e '.[video]'"


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


def write_notebook(path: Path, *sources: str, params: str | None = None) -> Path:
    """Write an output-free notebook (kernel slr-book), with an optional parameters cell."""
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {
        "name": "slr-book",
        "display_name": "slr-book",
        "language": "python",
    }
    if params is not None:
        cell = nbformat.v4.new_code_cell(params)
        cell.metadata["tags"] = ["parameters"]
        nb.cells.append(cell)
    nb.cells.extend(nbformat.v4.new_code_cell(s) for s in sources)
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, path)
    return path


SMALL = CorpusParams(
    n_train=24, n_val=8, n_test=8, lexicon_size=60, n_signers=3, n_dictionary_signers=3,
    pretrain_sentences=20, pretrain_lexicon_size=40,
)  # fmt: skip


def make(tmp_path_factory, name: str, **changes):
    out = tmp_path_factory.mktemp(name)
    main, pretrain = generate(replace(SMALL, **changes), out)
    return out, main, pretrain


@pytest.fixture(scope="session")
def generated(tmp_path_factory):
    """(output folder, main corpus, pre-training corpus) with the SMALL parameters."""
    return make(tmp_path_factory, "corpus")


@pytest.fixture(scope="session")
def corpus_dir(generated) -> str:
    """The saved main corpus of `generated`: for results that name the corpus they came from
    (its manifest says simulated or real), where the project's own data is not built."""
    return str(generated[0] / "main")


@pytest.fixture
def warnings_seen(caplog: pytest.LogCaptureFixture):
    """Log records of the (non-propagating) slr_lib logger."""
    logger = logging.getLogger("slr_lib")
    logger.addHandler(caplog.handler)
    yield caplog
    logger.removeHandler(caplog.handler)


@pytest.fixture
def one_thread():
    """Tiny models train faster on one thread (and much faster on a busy machine)."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


def pytest_configure(config: pytest.Config) -> None:
    """Under pytest-xdist (`make test` runs one worker per core), each worker computes on one
    thread, so that the workers do not fight over the cores."""
    if hasattr(config, "workerinput"):
        torch.set_num_threads(1)

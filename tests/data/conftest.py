"""A very small simulated corpus, generated once for the simulator's tests."""

from __future__ import annotations

from dataclasses import replace

import pytest

from slr_lib.data.simulate.generate import generate
from slr_lib.data.simulate.params import CorpusParams

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

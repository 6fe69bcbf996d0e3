"""`slr-params`: the whole params file, every section and profile, checked before any work."""

from __future__ import annotations

import pytest

from slr_lib.config import PROFILES
from slr_lib.pipeline.chapters import READ_TOO, SHARED_BLOCKS, STAGES
from slr_lib.pipeline.params_cli import main, sections, validate
from tests.conftest import ROOT

TEXT = (ROOT / "params.yaml").read_text()

# (text to replace in params.yaml, its replacement, what the one-line error must say)
BAD = [
    (
        "  n_train: {tiny: 160",
        "  n_trian: {tiny: 160",
        "'corpus.n_trian' is unknown; did you mean 'n_train'",
    ),
    ("  n_train: {tiny: 160", "  n_train: {tiny: -10", "'corpus.n_train' must be at least 1"),
    (
        "n_test: {tiny: 40, small: 400",
        "n_test: {tiny: 40, small: 0",
        "'corpus.n_test' must be at least 1",
    ),
    (
        "  mouthing_share: 0.4 ",
        "  mouthing_share: 1.7 ",
        "'corpus.mouthing_share' must be at most 1",
    ),
    (
        "  left_handed_share: 0.15",
        "  left_handed_share: -0.5",
        "'corpus.left_handed_share' must be at least 0",
    ),
    ("  fps: 24.0 ", "  fps: 0 ", "'corpus.fps' must be greater than 0"),
    ("  sign_language: ase ", "  sign_language: xyz ", "'corpus.sign_language' has value 'xyz'"),
    ("  example_split: test ", "  example_split: bogus ", "'data.example_split' has value 'bogus'"),
    ("  embedding: word2vec", "  embedding: word3vec", "'crossmodal_pooling.embedding' has value"),
    ("  seeds: [0, 1, 2]\n", "  seeds: []\n", "'protocol.seeds' needs at least 1"),
    ("profile: small", "profile: medium", "allowed values: tiny, small, full"),
    ("protocol:\n", "protocl:\n", "'protocl' is unknown; did you mean 'protocol'"),
    (
        "  fusions: &seds_fusions [add_mlp,",
        "  fusions: &seds_fusions [add_mpl,",
        "'seds_runs.fusions[0]' has value 'add_mpl'",
    ),
    ("  min_words: 3 ", "  min_words: 50 ", "'corpus.min_words' (50) exceeds 'corpus.max_words'"),
    (
        "  image_size: 24                  # side",
        "  image_size: 25                  # side",
        "params section 'features': image_size must be a multiple of pooled",
    ),
    ("protocol:\n", "protocol: [\n", "not valid YAML at line"),
]


def test_every_stage_and_shared_block_has_a_config_class():
    assert set(sections()) == {s.name for s in STAGES} | set(READ_TOO) | set(SHARED_BLOCKS)
    assert {name for s in STAGES for name in s.also} <= set(READ_TOO)


@pytest.mark.parametrize("profile", PROFILES)
def test_the_project_params_file_is_valid(profile):
    resolved = validate(ROOT / "params.yaml", profile)
    assert resolved["profile"] == profile and set(resolved) >= {s.name for s in STAGES}


@pytest.mark.parametrize(("old", "new", "message"), BAD, ids=[b[2][:40] for b in BAD])
def test_bad_params_stop_with_one_line(tmp_path, capsys, old, new, message):
    assert old in TEXT, f"the test's anchor {old!r} is no longer in params.yaml"
    path = tmp_path / "params.yaml"
    path.write_text(TEXT.replace(old, new, 1))
    assert main([str(path)]) == 2
    err = capsys.readouterr().err.strip()
    assert message in err and "\n" not in err, err


def test_cli_prints_the_resolved_file(capsys):
    assert main([str(ROOT / "params.yaml"), "--profile", "tiny"]) == 0
    assert "n_videos: 200" in capsys.readouterr().out

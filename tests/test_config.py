import copy

import pytest
import yaml

from slr_lib.config import PROFILES, ParamsError, load_params, main, resolve_params, stage_params
from tests.conftest import ROOT

RAW = {
    **yaml.safe_load((ROOT / "params.yaml").read_text()),
    "profile": "small",
    "kernel": "slr-book",
    "protocol": {
        "n_videos": {"tiny": 10, "small": 20, "full": 30},
        "embed_dim": 8,
        "seeds": [0, 1],
        "n_browser_queries": 3,
        "top_k_shown": 5,
    },
}


def with_change(path: str, value=None, delete: bool = False) -> dict:
    raw = copy.deepcopy(RAW)
    *parents, last = path.split(".")
    node = raw
    for key in parents:
        node = node[key]
    if delete:
        del node[last]
    else:
        node[last] = value
    return raw


def test_profile_picks_per_profile_values():
    assert resolve_params(RAW)["protocol"]["n_videos"] == 20
    assert resolve_params(with_change("profile", "tiny"))["protocol"]["n_videos"] == 10
    assert stage_params(resolve_params(RAW), "protocol")["profile"] == "small"


def test_unknown_profile_names_key_and_allowed_values():
    with pytest.raises(ParamsError) as err:
        resolve_params(with_change("profile", "huge"))
    assert "'profile'" in str(err.value)
    assert all(p in str(err.value) for p in PROFILES)


@pytest.mark.parametrize("key", ["kernel", "protocol", "protocol.seeds", "corpus.domain_gap"])
def test_missing_key_is_named(key):
    with pytest.raises(ParamsError, match=rf"'{key}'"):
        resolve_params(with_change(key, delete=True))


def test_wrong_type_is_named():
    with pytest.raises(ParamsError, match=r"'protocol.embed_dim' must be of type int"):
        resolve_params(with_change("protocol.embed_dim", "big"))
    with pytest.raises(ParamsError, match="int"):
        resolve_params(with_change("protocol.embed_dim", True))


def test_incomplete_per_profile_value():
    with pytest.raises(ParamsError, match=r"'protocol.n_videos'.*missing: \['full'\]"):
        resolve_params(with_change("protocol.n_videos", {"tiny": 1, "small": 2}))


def test_unknown_stage():
    with pytest.raises(ParamsError, match="unknown stage"):
        stage_params(resolve_params(RAW), "nope")


@pytest.mark.parametrize("profile", PROFILES)
def test_project_params_file_is_valid_for_every_profile(root, profile):
    assert load_params(root / "params.yaml", profile)["profile"] == profile


def test_cli_reports_errors_with_exit_code_2(tmp_path, capsys):
    bad = tmp_path / "params.yaml"
    bad.write_text(yaml.safe_dump(with_change("profile", "medium")))
    assert main([str(bad)]) == 2
    assert "allowed values: tiny, small, full" in capsys.readouterr().err
    assert main([str(tmp_path / "missing.yaml")]) == 2
    good = tmp_path / "good.yaml"
    good.write_text(yaml.safe_dump(RAW))
    assert main([str(good), "--profile", "tiny"]) == 0
    assert "n_videos: 10" in capsys.readouterr().out


def test_cli_section_exits_with_the_reason(tmp_path, capsys):
    from slr_lib.config import cli_section

    bad = tmp_path / "params.yaml"
    bad.write_text(yaml.safe_dump(with_change("protocol.seeds", delete=True)))
    with pytest.raises(SystemExit) as stop:
        cli_section(bad, None, "protocol")
    assert stop.value.code == 2
    assert "'protocol.seeds' is missing" in capsys.readouterr().err
    good = tmp_path / "good.yaml"
    good.write_text(yaml.safe_dump(RAW))
    assert cli_section(good, "tiny", "protocol")["n_videos"] == 10

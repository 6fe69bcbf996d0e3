"""Typed sections of params.yaml: types, ranges, choices, unknown keys, profiles, YAML errors."""

from __future__ import annotations

import copy
from dataclasses import dataclass

import pytest
import yaml

from slr_lib.config import PROFILES, ParamsError, SectionConfig, knob, read_params
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


@dataclass(frozen=True)
class Toy(SectionConfig):
    SECTION = "toy"

    size: int = knob(ge=1)
    share: float = knob(ge=0, le=1)
    mode: str = knob(choices=("a", "b"))
    seeds: list[int] = knob(ge=0, min_items=1)
    flag: bool = knob()


GOOD = {"size": 3, "share": 0.5, "mode": "a", "seeds": [0, 1], "flag": True}


def test_a_good_section_builds_a_typed_config():
    toy = Toy.from_values(GOOD)
    assert toy.size == 3 and toy.seeds == [0, 1] and toy.to_dict() == GOOD
    assert Toy.from_values({**GOOD, "share": 1}).share == 1.0  # an int is a valid float


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"sise": 3}, r"'toy.sise' is unknown; did you mean 'size'\?"),
        ({"size": 0}, r"'toy.size' must be at least 1, got 0"),
        ({"size": "3"}, r"'toy.size' must be of type int"),
        ({"size": True}, r"'toy.size' must be of type int"),
        ({"share": 1.7}, r"'toy.share' must be at most 1, got 1.7"),
        ({"mode": "c"}, r"'toy.mode' has value 'c'; allowed values: a, b"),
        ({"seeds": []}, r"'toy.seeds' needs at least 1 item"),
        ({"seeds": [0, -1]}, r"'toy.seeds\[1\]' must be at least 0"),
        ({"seeds": 3}, r"'toy.seeds' must be a list"),
        ({"flag": "yes"}, r"'toy.flag' must be of type bool"),
    ],
)
def test_bad_values_are_named_in_one_line(change, message):
    with pytest.raises(ParamsError, match=message) as err:
        Toy.from_values({**GOOD, **change})
    assert "\n" not in str(err.value)


def test_missing_key_is_named():
    with pytest.raises(ParamsError, match=r"'toy.flag' is missing"):
        Toy.from_values({k: v for k, v in GOOD.items() if k != "flag"})


def test_every_profile_is_checked_not_only_the_active_one():
    section = {**GOOD, "size": {"tiny": 1, "small": 2, "full": 0}}
    with pytest.raises(ParamsError, match=r"'toy.size' must be at least 1.*\(profile full\)"):
        Toy.from_section(section, "small")
    assert (
        Toy.from_section({**section, "size": {"tiny": 1, "small": 2, "full": 3}}, "small").size == 2
    )


def test_incomplete_per_profile_value():
    with pytest.raises(ParamsError, match=r"'toy.size'.*missing: \['full'\]"):
        Toy.from_section({**GOOD, "size": {"tiny": 1, "small": 2}}, "tiny")


def test_yaml_syntax_error_is_one_line_with_its_place(tmp_path):
    bad = tmp_path / "params.yaml"
    bad.write_text("profile: tiny\nprotocol: [\n  a: 1\n")
    with pytest.raises(ParamsError, match=r"not valid YAML at line \d+, column \d+") as err:
        read_params(bad)
    assert "\n" not in str(err.value)


def test_missing_file():
    with pytest.raises(ParamsError, match="params file not found"):
        read_params(ROOT / "nope.yaml")


@pytest.mark.parametrize("profile", PROFILES)
def test_load_one_section(tmp_path, profile):
    from slr_lib.experiments.protocol import Config

    path = tmp_path / "params.yaml"
    path.write_text(yaml.safe_dump(copy.deepcopy(RAW)))
    assert Config.load(path, profile).n_videos == {"tiny": 10, "small": 20, "full": 30}[profile]
    with pytest.raises(ParamsError, match="allowed values: tiny, small, full"):
        Config.load(path, "huge")

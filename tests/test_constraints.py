"""constraints.txt pins every package pyproject.toml names, within its bounds, as installed."""

from __future__ import annotations

from importlib import metadata

import pytest
import tomllib
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from tests.conftest import ROOT

OPTIONAL = {"faiss-gpu", "lab"}  # extras `make setup` leaves out (a GPU build, JupyterLab)


def requirements() -> list[Requirement]:
    """The third-party requirements of the project and of every extra `make setup` installs."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    listed = list(project["dependencies"])
    for extra, items in project["optional-dependencies"].items():
        if extra not in OPTIONAL:
            listed += items
    parsed = [Requirement(text) for text in listed]
    return [r for r in parsed if canonicalize_name(r.name) != "slr-lib"]


def pins() -> dict[str, str]:
    """Package (canonical name) -> pinned version, from constraints.txt."""
    pinned = {}
    for number, line in enumerate((ROOT / "constraints.txt").read_text().splitlines(), 1):
        text = line.split("#")[0].strip()
        if not text:
            continue
        name, sep, version = text.partition("==")
        assert sep and version, f"constraints.txt line {number}: {line!r} is not NAME==VERSION"
        pinned[canonicalize_name(name)] = version
    return pinned


REQUIREMENTS = requirements()


def test_every_requirement_is_pinned_within_its_bounds():
    pinned = pins()
    missing = [r.name for r in REQUIREMENTS if canonicalize_name(r.name) not in pinned]
    assert not missing, f"constraints.txt pins none of {missing}: run make constraints"
    outside = [
        f"{r.name}=={pinned[canonicalize_name(r.name)]} (pyproject: {r.specifier})"
        for r in REQUIREMENTS
        if not r.specifier.contains(pinned[canonicalize_name(r.name)], prereleases=True)
    ]
    assert not outside, f"constraints.txt breaks pyproject.toml's bounds: {outside}"


@pytest.mark.parametrize("requirement", REQUIREMENTS, ids=lambda r: r.name)
def test_the_environment_holds_the_pinned_version(requirement):
    wanted = pins()[canonicalize_name(requirement.name)]
    installed = metadata.version(requirement.name).split("+")[0]
    assert installed == wanted, (
        f"{requirement.name} {installed} is installed, constraints.txt pins {wanted}: "
        "make setup installs the pins; after an upgrade on purpose, run make constraints"
    )

"""The profile_sizing stage's section: the declared target and at least the policy's seeds."""

from __future__ import annotations

import pytest

from slr_lib.config import ParamsError
from slr_lib.experiments.profile_sizing import ProfileSizingConfig
from tests.experiments.test_crossmodal_setup import KNOBS

SECTION = {**KNOBS, "embedding": "wordllama", "target_half_width": 3.0}


def test_a_valid_section():
    config = ProfileSizingConfig.from_values({**SECTION, "seeds": [0, 1, 2, 3]})
    assert config.target_half_width == 3.0 and config.seeds == [0, 1, 2, 3]


@pytest.mark.parametrize("seeds", [[0, 1], [0, 1, 1]])
def test_fewer_distinct_seeds_than_the_policy_needs_are_refused(seeds):
    with pytest.raises(ParamsError, match=r"profile_sizing\.seeds.*at least 3 distinct seeds"):
        ProfileSizingConfig.from_values({**SECTION, "seeds": seeds})


def test_the_target_must_be_positive():
    with pytest.raises(ParamsError, match="target_half_width"):
        ProfileSizingConfig.from_values({**SECTION, "seeds": [0, 1, 2], "target_half_width": 0})

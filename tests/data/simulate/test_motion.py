import numpy as np
import pytest

from slr_lib.data.simulate.lexicon import MOVEMENTS, make_sign
from slr_lib.data.simulate.motion import (
    REST_SHAPE,
    Style,
    Timeline,
    fingerspelling_segment,
    movement,
    rest_frame,
    sign_segment,
    smooth,
)

SHAPES = {f"ase/{c}": np.random.default_rng(i).normal(size=(21, 3)) for i, c in enumerate("ABC")}
SHAPES[REST_SHAPE] = SHAPES["ase/B"]


def test_timeline_transitions_and_holds():
    timeline = Timeline()
    timeline.add_still(rest_frame(SHAPES), 3)
    sign = make_sign("cup", np.random.default_rng(0), ["ase/A", "ase/C"], 0.5)
    segment = sign_segment(sign, SHAPES, Style(), np.random.default_rng(1))
    timeline.move_to({k: v[0] for k, v in segment.items()}, 4)
    timeline.add(segment)
    timeline.hold(2)
    tracks = timeline.tracks()
    n = 3 + 4 + len(segment["pos_d"]) + 2
    assert timeline.n_frames == n and all(len(v) == n for v in tracks.values())
    np.testing.assert_allclose(tracks["pos_d"][-1], tracks["pos_d"][-3])
    with pytest.raises(ValueError, match="differ in length"):
        timeline.add({**segment, "rot_d": segment["rot_d"][:-1]})


@pytest.mark.parametrize("name", MOVEMENTS)
def test_movements_are_finite_and_sized(name):
    sign = make_sign("x", np.random.default_rng(0), ["ase/A"], 0.5)
    sign = type(sign)(**{**sign.__dict__, "movement": name})
    offsets, twist = movement(sign, np.linspace(0, 1, 15), 0.2)
    assert offsets.shape == (15, 3) and twist.shape == (15,)
    assert np.isfinite(offsets).all() and np.abs(offsets).max() <= 0.4


def test_speed_shortens_signs():
    sign = make_sign("x", np.random.default_rng(0), ["ase/A"], 0.5)
    slow = sign_segment(sign, SHAPES, Style(speed=0.5), np.random.default_rng(1))
    fast = sign_segment(sign, SHAPES, Style(speed=2.0), np.random.default_rng(1))
    assert len(slow["pos_d"]) > 3 * len(fast["pos_d"])


def test_fingerspelling_uses_each_letter_shape():
    segment = fingerspelling_segment(["ase/A", "ase/C"], SHAPES, 4, Style())
    assert len(segment["shape_d"]) == 8
    np.testing.assert_allclose(segment["shape_d"][0], SHAPES["ase/A"])
    np.testing.assert_allclose(segment["shape_d"][-1], SHAPES["ase/C"])


def test_smooth_keeps_constants_and_blurs_steps():
    constant = np.ones((10, 2))
    np.testing.assert_allclose(smooth(constant, 2.0), constant)
    step = np.r_[np.zeros(10), np.ones(10)]
    blurred = smooth(step, 1.5)
    assert 0 < blurred[9] < 0.5 < blurred[10] < 1

from dataclasses import replace

import numpy as np

from slr_lib import text
from slr_lib.data import layout
from slr_lib.data.simulate.body import (
    VISEME_SHAPES,
    NoiseParams,
    compose,
    mouth_points,
    mouth_shapes,
)
from slr_lib.data.simulate.motion import REST_SHAPE, Timeline, rest_frame
from slr_lib.data.simulate.signers import MouthStyle, MouthVariation, Signer, make_signers

HAND = np.random.default_rng(0).normal(size=(21, 3))
QUIET = NoiseParams(jitter=0, hand_jitter=0, drop_rate=0, drop_per_speed=0, rest_drop=0)


def neutral_tracks(n=10):
    frame = rest_frame({REST_SHAPE: HAND})
    frame = {**frame, "pos_d": np.array([0.3, 0.5, 0.5])}  # dominant hand raised
    timeline = Timeline()
    timeline.add_still(frame, n)
    return timeline.tracks()


def test_dominant_hand_on_the_dominant_side_of_the_image():
    signer = make_signers(1, np.random.default_rng(0), "s")[0]
    rest_mouth = np.full((10, 3), 0.2)
    for left_handed in (False, True):
        who = replace(signer, left_handed=left_handed)
        data, conf = compose(neutral_tracks(), rest_mouth, who, QUIET, np.random.default_rng(1), 24)
        assert data.shape == (10, layout.N_POINTS, 3) and conf.shape == (10, layout.N_POINTS)
        dominant = layout.LEFT_HAND if left_handed else layout.RIGHT_HAND
        wrist_x = data[0, dominant.start, 0]
        # the signer faces the camera: their right hand appears on the image's left
        assert (wrist_x > who.centre[0]) == left_handed
        assert (conf[:, dominant] > 0).all()


def test_lost_detections_zero_the_hand():
    signer = make_signers(1, np.random.default_rng(0), "s")[0]
    noisy = replace(QUIET, drop_rate=1.0)
    data, conf = compose(
        neutral_tracks(), np.zeros((10, 3)), signer, noisy, np.random.default_rng(1), 24
    )
    assert (conf[:, layout.RIGHT_HAND] == 0).all() and (data[:, layout.RIGHT_HAND] == 0).all()


def test_open_jaw_opens_the_mouth():
    shapes = np.array([[0.0, 0.5, 0.0], [1.0, 0.5, 0.0]])
    points = mouth_points(shapes, np.zeros((2, 2)))
    opening = points[:, :10, 1].max(axis=1) - points[:, 10:, 1].min(axis=1)
    assert opening[1] > 2 * opening[0]


def test_viseme_shapes_cover_visemes_in_unit_range():
    assert set(VISEME_SHAPES) == set(text.VISEMES)
    for shape in VISEME_SHAPES.values():
        assert len(shape) == 3
        assert all(0.0 <= value <= 1.0 for value in shape)
    jaw, width, rounding = 0, 1, 2
    shapes = VISEME_SHAPES
    assert shapes["open"][jaw] > shapes["mid"][jaw] > shapes["bilabial"][jaw]
    assert shapes["bilabial"][jaw] == min(s[jaw] for s in shapes.values())
    assert shapes["round"][rounding] > shapes["round"][width]
    assert shapes["close_front"][width] == max(s[width] for s in shapes.values())


def test_signers_mouths_differ_within_their_ranges():
    signers = make_signers(8, np.random.default_rng(3), "s")
    mouths = [s.mouth for s in signers]
    assert len({m.width for m in mouths}) == 8 and len({m.articulation for m in mouths}) > 1
    for m in mouths:
        assert 0.3 <= m.articulation <= 1.0 and 0.0 <= m.partial_share <= 0.9
        assert 0.1 <= m.partial_keep <= 1.0 and m.width > 0 and m.jaw_gain > 0
    same = make_signers(8, np.random.default_rng(3), "s", variability=0.0)
    assert all(m.mouth.width == 1.0 and m.mouth.jaw_gain == 1.0 for m in same)


def test_mouths_leave_every_other_property_and_the_stream_alone():
    first, second = np.random.default_rng(4), np.random.default_rng(4)
    plain = make_signers(5, first, "s", mouth=MouthVariation(geometry_sd=0, articulation_sd=0))
    varied = make_signers(5, second, "s")
    for a, b in zip(plain, varied, strict=True):
        assert replace(a, mouth=b.mouth) == b
    assert first.random() == second.random()


def _signer(**mouth) -> Signer:
    signer = make_signers(1, np.random.default_rng(0), "s")[0]
    return replace(signer, mouth=replace(MouthStyle(), **mouth))


def test_articulation_scales_the_mouthing():
    events = [(5, 25, ["open", "w", "open"], 1.0)]
    rest = np.asarray(VISEME_SHAPES["rest"])
    full = mouth_shapes(30, events, _signer(articulation=1.0), np.random.default_rng(0))
    half = mouth_shapes(30, events, _signer(articulation=0.5), np.random.default_rng(0))
    np.testing.assert_allclose(half - rest, 0.5 * (full - rest), atol=1e-12)
    assert np.abs(full[12] - rest).max() > 0.3
    still = mouth_shapes(30, [], _signer(), np.random.default_rng(0))
    np.testing.assert_allclose(still, np.tile(rest, (30, 1)))


def test_partial_mouthing_stops_part_way_and_leaves_the_stream_alone():
    events = [(0, 40, ["open", "w", "open", "w"], 1.0)]
    rest = np.asarray(VISEME_SHAPES["rest"])
    rng = np.random.default_rng(7)
    partial = mouth_shapes(50, events, _signer(partial_share=1.0, partial_keep=0.5), rng)
    assert rng.random() == np.random.default_rng(7).random()
    whole = mouth_shapes(50, events, _signer(partial_share=0.0), np.random.default_rng(7))
    assert np.abs(partial[:7] - whole[:7]).max() < 1e-6  # the start is mouthed
    assert np.abs(partial[36:40] - rest).max() < 1e-3  # the end is back at rest
    assert np.abs(whole[36:40] - rest).max() > 0.3


def test_lip_geometry_differs_by_signer():
    shapes = np.tile(np.asarray(VISEME_SHAPES["open"]), (2, 1))
    typical = mouth_points(shapes, np.zeros((2, 2)))
    wide = mouth_points(shapes, np.zeros((2, 2)), MouthStyle(width=1.2, jaw_gain=1.5))
    width = lambda p: p[:, :, 0].max(axis=1) - p[:, :, 0].min(axis=1)  # noqa: E731
    drop = lambda p: p[:, :10, 1].max(axis=1)  # noqa: E731
    np.testing.assert_allclose(width(wide), 1.2 * width(typical))
    assert (drop(wide) > drop(typical)).all()

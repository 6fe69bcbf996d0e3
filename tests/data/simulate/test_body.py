from dataclasses import replace

import numpy as np

from slr_lib.data import layout
from slr_lib.data.simulate.body import NoiseParams, compose, mouth_points
from slr_lib.data.simulate.motion import REST_SHAPE, Timeline, rest_frame
from slr_lib.data.simulate.signers import make_signers

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

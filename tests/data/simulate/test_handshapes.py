import numpy as np

from slr_lib.data.simulate.handshapes import load_handshapes, normalise_hand


def test_normalised_hand_has_wrist_at_origin_and_knuckle_up():
    hand = np.random.default_rng(0).normal(size=(21, 3)) + 5
    out = normalise_hand(hand)
    np.testing.assert_allclose(out[0], 0, atol=1e-12)
    np.testing.assert_allclose(np.linalg.norm(out[9]), 1.0)
    assert out[9, 1] < 0 and abs(out[9, 0]) < 1e-9


def test_real_asl_handshapes_differ():
    shapes = load_handshapes("ase")
    assert len(shapes) == 26
    a, b = shapes["A"], shapes["B"]
    # a fist and a flat hand: the fingertips of B are much further from the wrist
    assert np.linalg.norm(b[12]) > 1.3 * np.linalg.norm(a[12])

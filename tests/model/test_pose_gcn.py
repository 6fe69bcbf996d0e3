import numpy as np
import torch

from slr_lib.data import layout
from slr_lib.model.pose_gcn import (
    BODY_EDGES,
    BODY_GROUP,
    HAND_EDGES,
    N_GROUP_POINTS,
    PoseEncoder,
    normalised_adjacency,
    pose_groups,
)


def keypoints(n_frames: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Random keypoints around the image centre, shoulders 0.2 apart, all seen."""
    rng = np.random.default_rng(seed)
    data = 0.5 + 0.1 * rng.standard_normal((n_frames, layout.N_POINTS, 3))
    data[:, layout.body_index("LEFT_SHOULDER"), :2] = (0.4, 0.5)
    data[:, layout.body_index("RIGHT_SHOULDER"), :2] = (0.6, 0.5)
    return data.astype(np.float32), np.ones((n_frames, layout.N_POINTS), np.float32)


def connected(edges: tuple[tuple[int, int], ...], n: int) -> bool:
    reach = torch.linalg.matrix_power(normalised_adjacency(edges, n), n) > 0
    return bool(reach.all())


def test_normalised_adjacency_is_eq_1_on_a_path():
    expected = np.array([[1, 1, 0], [1, 1, 1], [0, 1, 1]]) / np.sqrt(np.outer([2, 3, 2], [2, 3, 2]))
    np.testing.assert_allclose(normalised_adjacency([(0, 1), (1, 2)], 3), expected, rtol=1e-6)


def test_skeletons_are_connected_graphs():
    assert connected(HAND_EDGES, 21) and connected(BODY_EDGES, len(BODY_GROUP))
    assert len(BODY_GROUP) == 7 and N_GROUP_POINTS == 49


def test_pose_groups_centre_and_scale_by_the_shoulders():
    data, conf = keypoints(3)
    wrist = layout.LEFT_HAND.start
    data[:, wrist, :2] = (0.7, 0.3)
    groups = pose_groups(data, conf)
    assert groups.shape == (3, 49, 3)
    np.testing.assert_allclose(groups[:, 0], [[1.0, -1.0, 1.0]] * 3, atol=1e-5)


def test_missing_keypoints_are_zeros_never_nan():
    data, conf = keypoints(40)
    hand = slice(layout.RIGHT_HAND.start, layout.RIGHT_HAND.stop)
    data[5:35, hand] = np.nan
    conf[5:35, hand] = 0
    conf[:, layout.body_index("LEFT_SHOULDER")] = 0  # no shoulders at all: fallback frame
    groups = pose_groups(data, conf)
    assert np.isfinite(groups).all()
    assert (groups[5:35, 21:42] == 0).all() and (groups[:5, 21:42, 2] == 1).all()


def test_pose_encoder_gives_finite_clip_features_of_its_windows():
    torch.manual_seed(0)
    encoder = PoseEncoder(gcn_dims=(8, 6))
    data, conf = keypoints(40)
    conf[:, layout.LEFT_HAND] = 0  # left hand never seen
    frames = torch.from_numpy(pose_groups(data, conf))
    windows = torch.stack([torch.arange(16), torch.arange(16) + 20])[None]
    out = encoder(frames, windows)
    assert out.shape == (1, 2, 18) and torch.isfinite(out).all()
    changed = frames.clone()
    changed[20:36] += 1.0  # only the second window sees these frames
    again = encoder(changed, windows)
    torch.testing.assert_close(again[:, 0], out[:, 0])
    assert not torch.allclose(again[:, 1], out[:, 1])


def test_load_parts_copies_only_the_named_parts():
    source, target = PoseEncoder((4, 6)), PoseEncoder((4, 6))
    target.load_parts(source.state_dict(), ["hands"])
    for name, value in target.state_dict().items():
        same = torch.equal(value, source.state_dict()[name])
        assert same == (name.startswith("hands.") or name.endswith("adjacency")), name


def test_load_parts_refuses_unknown_parts_and_other_sizes():
    import pytest

    with pytest.raises(ValueError, match="unknown pose encoder parts"):
        PoseEncoder((4,)).load_parts({}, ["arms"])
    with pytest.raises(ValueError, match="'hands' does not fit"):
        PoseEncoder((4,)).load_parts(PoseEncoder((5,)).state_dict(), ["hands"])

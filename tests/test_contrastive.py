import math

import pytest
import torch
import torch.nn.functional as F

from slr_lib.contrastive import (
    ALPHA,
    BETA,
    LogitScale,
    info_nce,
    pose_rgb_loss,
    seds_loss,
    text_video_loss,
)


def test_info_nce_is_cross_entropy_on_the_diagonal_both_ways():
    torch.manual_seed(0)
    forward, backward, scale = torch.randn(4, 4), torch.randn(4, 4), torch.tensor(3.0)
    target = torch.arange(4)
    expected = 0.5 * (
        F.cross_entropy(3.0 * forward, target) + F.cross_entropy(3.0 * backward.T, target)
    )
    torch.testing.assert_close(info_nce(forward, backward, scale), expected)
    by_hand = -torch.log_softmax(3.0 * forward, dim=1).diagonal().mean()
    by_hand_back = -torch.log_softmax(3.0 * backward, dim=0).diagonal().mean()
    torch.testing.assert_close(info_nce(forward, backward, scale), (by_hand + by_hand_back) / 2)


def test_logit_scale_starts_at_clip_value_and_is_capped():
    scale = LogitScale()
    assert math.isclose(scale().item(), 1 / 0.07, rel_tol=1e-6)
    with torch.no_grad():
        scale.log_scale.fill_(10.0)
    assert scale().item() == 100.0


def test_pose_rgb_objective_on_a_constructed_case():
    # one clip per video, pose and RGB clips equal and orthogonal across videos: S = identity
    clips = torch.eye(2).reshape(2, 1, 2)
    mask = torch.ones(2, 1, dtype=torch.bool)
    loss = pose_rgb_loss(clips, clips, mask, torch.tensor(5.0))
    assert math.isclose(loss.item(), math.log(1 + math.exp(-5.0)), rel_tol=1e-5)


@pytest.fixture
def features() -> dict:
    torch.manual_seed(0)
    mask = torch.tensor([[True] * 4, [True] * 2 + [False] * 2, [True] * 3 + [False]])
    streams = {k: F.normalize(torch.randn(3, 4, 8), dim=-1) for k in ("pose", "rgb", "fusion")}
    words = F.normalize(torch.randn(3, 5, 8), dim=-1)
    word_mask = torch.tensor([[True] * 5, [True] * 3 + [False] * 2, [True] + [False] * 4])
    return {"streams": streams, "clip_mask": mask, "words": words, "word_mask": word_mask}


def test_joint_loss_is_eq_4_plus_beta_pose_rgb(features):
    scale = torch.tensor(10.0)
    terms = seds_loss(**features, scale=scale)
    expected = terms["tv"] + ALPHA * (terms["tp"] + terms["tr"]) + BETA * terms["pr"]
    torch.testing.assert_close(terms["total"], expected)
    fusion_only = text_video_loss(
        features["words"], features["word_mask"], features["streams"]["fusion"],
        features["clip_mask"], scale,
    )  # fmt: skip
    torch.testing.assert_close(terms["tv"], fusion_only)
    assert "pr" not in seds_loss(**features, scale=scale, beta=0.0)


def test_single_stream_loss_is_its_own_text_video_term(features):
    features["streams"] = {"rgb": features["streams"]["rgb"]}
    terms = seds_loss(**features, scale=torch.tensor(10.0))
    assert set(terms) == {"total", "t_rgb"}
    torch.testing.assert_close(terms["total"], terms["t_rgb"])

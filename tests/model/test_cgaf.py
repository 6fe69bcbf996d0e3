import pytest
import torch

from slr_lib.model.cgaf import CrossGlossAttentionFusion, GlossAttention, interpolate_clips


@pytest.fixture
def streams() -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    torch.manual_seed(0)
    mask = torch.tensor([[True] * 7, [True] * 4 + [False] * 3])
    return torch.randn(2, 7, 8), torch.randn(2, 7, 8), mask


def test_cgaf_shapes_two_layers_and_padding_is_never_read(streams):
    pose, rgb, mask = streams
    fusion = CrossGlossAttentionFusion(8, heads=2).eval()
    out = fusion(pose, rgb, mask)
    assert out.shape == (2, 7, 8) and torch.isfinite(out).all()
    assert len(fusion.pose_layers) == len(fusion.rgb_layers) == 2
    assert [layer.attention.points for layer in fusion.pose_layers] == [5, 3]
    rgb2, pose2 = rgb.clone(), pose.clone()
    rgb2[1, 4:], pose2[1, 4:] = 100.0, -100.0
    torch.testing.assert_close(fusion(pose2, rgb2, mask)[1, :4], out[1, :4])


def test_interpolation_is_linear_and_wraps_round():
    values = torch.tensor([0.0, 10.0, 20.0, 30.0]).reshape(1, 1, 4, 1)
    positions = torch.tensor([1.25, 2.5, 3.5]).reshape(1, 1, 3, 1)
    out = interpolate_clips(values, positions, torch.tensor([4.0]))
    torch.testing.assert_close(out.flatten(), torch.tensor([12.5, 25.0, 15.0]))


def test_zero_offsets_give_attention_over_the_fixed_neighbourhood(streams):
    query, context, mask = streams
    attention = GlossAttention(8, heads=1, points=3)
    out = attention(query, context, mask)
    q, k, v = attention.query(query), attention.key(context), attention.value(context)
    for b, length in enumerate(mask.sum(1).tolist()):
        for t in range(length):
            near = [(t + r) % length for r in (-1, 0, 1)]
            weights = torch.softmax(k[b, near] @ q[b, t] / 8**0.5, dim=0)
            expected = attention.out(weights @ v[b, near])
            torch.testing.assert_close(out[b, t], expected, rtol=1e-5, atol=1e-5)


def test_gradient_reaches_the_offsets(streams):
    query, context, mask = streams
    attention = GlossAttention(8, heads=2, points=5)
    attention(query, context, mask).square().sum().backward()
    assert attention.offsets.weight.grad.abs().sum() > 0
    assert attention.offsets.bias.grad.abs().sum() > 0

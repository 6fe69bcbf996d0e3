import pytest
import torch

from slr_lib.model.stream_fusion import FUSIONS, build_fusion


@pytest.mark.parametrize("name", FUSIONS)
def test_every_fusion_maps_two_streams_to_one_and_ignores_padding(name):
    torch.manual_seed(0)
    pose, rgb = torch.randn(2, 6, 8), torch.randn(2, 6, 8)
    mask = torch.tensor([[True] * 6, [True] * 3 + [False] * 3])
    fusion = build_fusion(name, 8, heads=2).eval()
    out = fusion(pose, rgb, mask)
    assert out.shape == (2, 6, 8) and torch.isfinite(out).all()
    pose[1, 3:], rgb[1, 3:] = 50.0, -50.0
    torch.testing.assert_close(fusion(pose, rgb, mask)[1, :3], out[1, :3])


def test_unknown_fusion_is_refused():
    with pytest.raises(ValueError, match="unknown fusion"):
        build_fusion("sum", 8)

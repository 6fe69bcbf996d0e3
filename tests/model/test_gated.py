import pytest
import torch

from slr_lib.model import ContextGating, GatedEmbeddingUnit


def test_context_gating_scales_each_feature_by_a_gate_in_0_1():
    torch.manual_seed(0)
    gate = ContextGating(8)
    x = torch.randn(5, 8)
    out = gate(x)
    assert out.shape == x.shape
    ratio = out / x
    assert torch.all((ratio > 0) & (ratio < 1))


def test_context_gating_matches_its_formula_in_eval_mode():
    torch.manual_seed(0)
    gate = ContextGating(4).eval()
    gate.norm.running_mean.fill_(0.3)
    gate.norm.running_var.fill_(2.0)
    x = torch.randn(3, 4)
    expected = x * torch.sigmoid((gate.linear(x) - 0.3) / torch.sqrt(torch.tensor(2.0 + 1e-5)))
    assert torch.allclose(gate(x), expected, atol=1e-6)


@pytest.mark.parametrize("training", [True, False])
def test_geu_shape_and_unit_norm(training):
    torch.manual_seed(0)
    geu = GatedEmbeddingUnit(10, 7).train(training)
    out = geu(torch.randn(4, 10))
    assert out.shape == (4, 7)
    assert torch.allclose(out.norm(dim=1), torch.ones(4), atol=1e-5)


def test_geu_gradient_flows_to_input_and_every_parameter():
    torch.manual_seed(0)
    geu = GatedEmbeddingUnit(10, 7)
    x = torch.randn(4, 10, requires_grad=True)
    (geu(x) * torch.randn(4, 7)).sum().backward()
    assert x.grad.abs().sum() > 0
    for name, parameter in geu.named_parameters():
        assert parameter.grad is not None and parameter.grad.abs().sum() > 0, name


def test_geu_rejects_wrong_input_shape():
    geu = GatedEmbeddingUnit(10, 7)
    with pytest.raises(ValueError):
        geu(torch.randn(4, 9))
    with pytest.raises(ValueError):
        geu(torch.randn(4, 3, 10))

"""The trainers' optimisers: PyTorch's vectorised implementations, the default's update rule."""

from __future__ import annotations

import pytest
import torch

from slr_lib.trainer import optimisers

SETTINGS = {
    "adam": (torch.optim.Adam, {"lr": 1e-2, "betas": (0.9, 0.98), "weight_decay": 1e-4}),
    "radam": (torch.optim.RAdam, {"lr": 1e-2, "weight_decay": 1e-5}),
    "sgd": (torch.optim.SGD, {"lr": 1e-2, "momentum": 0.9, "weight_decay": 1e-4}),
}


def trained(make, steps: int = 5) -> list[torch.Tensor]:
    """The weights of a small two-layer net after `steps` updates on fixed data."""
    torch.manual_seed(0)
    net = torch.nn.Sequential(torch.nn.Linear(6, 16), torch.nn.ReLU(), torch.nn.Linear(16, 3))
    first, rest = list(net[0].parameters()), list(net[2].parameters())
    optimiser = make([{"params": first}, {"params": rest, "lr": 5e-3}])
    x, y = torch.randn(32, 6), torch.randint(0, 3, (32,))
    for _ in range(steps):
        optimiser.zero_grad()
        torch.nn.functional.cross_entropy(net(x), y).backward()
        optimiser.step()
    return [p.detach().clone() for p in net.parameters()]


@pytest.mark.parametrize("name", sorted(SETTINGS))
def test_the_vectorised_update_is_the_default_one(name):
    default, settings = SETTINGS[name]
    ours = trained(lambda groups: getattr(optimisers, name)(groups, **settings))
    reference = trained(lambda groups: default(groups, foreach=False, **settings))
    start = trained(lambda groups: default(groups, **settings), steps=0)
    assert all(not torch.equal(a, b) for a, b in zip(ours, start, strict=True))
    for a, b in zip(ours, reference, strict=True):
        torch.testing.assert_close(a, b, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("name", sorted(SETTINGS))
def test_the_vectorised_implementation_is_the_one_chosen(name):
    optimiser = getattr(optimisers, name)([torch.nn.Parameter(torch.zeros(3))], lr=0.1)
    chosen = optimiser.defaults
    assert chosen.get("fused") is True or chosen.get("foreach") is True

import pytest
import torch

from slr_lib.model import NetVLAD, pad_sequences


@pytest.fixture
def gen() -> torch.Generator:
    return torch.Generator().manual_seed(0)


def make_vlad(dim: int = 6, clusters: int = 4, ghosts: int = 0) -> NetVLAD:
    torch.manual_seed(1)
    return NetVLAD(dim, clusters=clusters, ghost_clusters=ghosts)


def test_output_shape_and_unit_norm(gen):
    vlad = make_vlad()
    x = torch.randn(3, 5, 6, generator=gen)
    mask = torch.tensor([[True] * 5, [True] * 3 + [False] * 2, [True] + [False] * 4])
    out = vlad(x, mask)
    assert vlad.output_dim == 24
    assert out.shape == (3, 24)
    assert torch.allclose(out.norm(dim=1), torch.ones(3), atol=1e-5)


def test_intra_normalisation_gives_equal_cluster_norms(gen):
    vlad = make_vlad()
    out = vlad(torch.randn(2, 7, 6, generator=gen)).view(2, 4, 6)
    # Each of the 4 cluster blocks was unit-norm before the global L2 normalisation.
    assert torch.allclose(out.norm(dim=2), torch.full((2, 4), 0.5), atol=1e-5)


def test_ghost_clusters_take_part_but_are_excluded_from_output(gen):
    vlad = make_vlad(clusters=4, ghosts=2)
    assert vlad.output_dim == 24
    assert vlad.assignment.out_features == 6
    assert vlad(torch.randn(2, 5, 6, generator=gen)).shape == (2, 24)


@pytest.mark.parametrize("training", [False, True])
def test_extra_padding_does_not_change_the_output(gen, training):
    vlad = make_vlad(ghosts=1)
    vlad.train(training)
    sequences = [torch.randn(n, 6, generator=gen) for n in (4, 2, 6)]
    x, mask = pad_sequences(sequences)
    wider = torch.full((3, 10, 6), float("nan"))  # garbage in the padding must not leak
    wider[:, :6][mask] = x[mask]
    wider_mask = torch.zeros(3, 10, dtype=torch.bool)
    wider_mask[:, :6] = mask
    # In training mode too: batch norm statistics are taken over valid positions only.
    assert torch.allclose(vlad(x, mask), vlad(wider, wider_mask), atol=1e-6)


def test_eval_output_of_a_sequence_does_not_depend_on_the_batch(gen):
    vlad = make_vlad().eval()
    sequence = torch.randn(3, 6, generator=gen)
    alone = vlad(sequence[None])
    x, mask = pad_sequences([torch.randn(7, 6, generator=gen), sequence])
    assert torch.allclose(vlad(x, mask)[1], alone[0], atol=1e-6)


def test_gradient_reaches_input_centres_and_assignment(gen):
    vlad = make_vlad(ghosts=1)
    x = torch.randn(3, 5, 6, generator=gen, requires_grad=True)
    mask = torch.ones(3, 5, dtype=torch.bool)
    mask[0, 3:] = False
    target = torch.randn(3, 24, generator=gen)
    (vlad(x, mask) * target).sum().backward()
    assert x.grad is not None and x.grad[mask].abs().sum() > 0
    assert torch.all(x.grad[~mask] == 0)  # padding gets no gradient
    assert vlad.centres.grad is not None and vlad.centres.grad.abs().sum() > 0
    assert vlad.assignment.weight.grad.abs().sum() > 0


def test_sequence_without_valid_position_is_an_error(gen):
    vlad = make_vlad()
    x = torch.randn(2, 3, 6, generator=gen)
    mask = torch.tensor([[True, False, False], [False, False, False]])
    with pytest.raises(ValueError, match="no valid position"):
        vlad(x, mask)


def test_rejects_wrong_feature_size_and_mask_shape(gen):
    vlad = make_vlad()
    with pytest.raises(ValueError, match="feature size"):
        vlad(torch.randn(2, 3, 5, generator=gen))
    with pytest.raises(ValueError, match="mask shape"):
        vlad(torch.randn(2, 3, 6, generator=gen), torch.ones(2, 4, dtype=torch.bool))

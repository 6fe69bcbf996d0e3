import pytest
import torch

from slr_lib.losses import max_margin_ranking_loss

# Rows are texts, columns videos; the matching pairs lie on the diagonal (0.9, 0.4, 0.6).
TOY = torch.tensor(
    [
        [0.9, 0.5, 0.8],
        [0.1, 0.4, 0.3],
        [0.7, 0.2, 0.6],
    ]
)


def test_hand_computed_3x3_example():
    # margin m = 0.2; each hinge term is [m + s_neg - s_ii]_+.
    # Pair i against the wrong columns j (text i scored with video j):
    #   i=0: j=1: 0.2 + 0.5 - 0.9 = -0.2 -> 0     j=2: 0.2 + 0.8 - 0.9 = 0.1
    #   i=1: j=0: 0.2 + 0.1 - 0.4 = -0.1 -> 0     j=2: 0.2 + 0.3 - 0.4 = 0.1
    #   i=2: j=0: 0.2 + 0.7 - 0.6 =  0.3          j=1: 0.2 + 0.2 - 0.6 = -0.2 -> 0
    #   sum = 0.1 + 0.1 + 0.3 = 0.5
    # Pair i against the wrong rows j (video i scored with text j, s_ji):
    #   i=0: j=1: 0.2 + 0.1 - 0.9 = -0.6 -> 0     j=2: 0.2 + 0.7 - 0.9 = 0.0
    #   i=1: j=0: 0.2 + 0.5 - 0.4 =  0.3          j=2: 0.2 + 0.2 - 0.4 = 0.0
    #   i=2: j=0: 0.2 + 0.8 - 0.6 =  0.4          j=1: 0.2 + 0.3 - 0.6 = -0.1 -> 0
    #   sum = 0.3 + 0.4 = 0.7
    # Total 1.2 over 2 * B * (B - 1) = 2 * 3 * 2 = 12 terms -> 0.1; Eq. 1 as printed (1/B) -> 0.4.
    assert max_margin_ranking_loss(TOY, margin=0.2).item() == pytest.approx(0.1)
    assert max_margin_ranking_loss(TOY, 0.2, normalisation="batch").item() == pytest.approx(0.4)


def test_symmetric_under_transpose():
    sims = torch.randn(6, 6, generator=torch.Generator().manual_seed(0))
    assert max_margin_ranking_loss(sims).item() == pytest.approx(
        max_margin_ranking_loss(sims.T).item()
    )


def test_zero_when_diagonal_beats_everything_by_more_than_the_margin():
    sims = torch.full((5, 5), 0.1)
    sims.fill_diagonal_(0.9)  # gap 0.8 > margin 0.2 both along rows and columns
    assert max_margin_ranking_loss(sims, margin=0.2).item() == 0.0
    assert max_margin_ranking_loss(sims, margin=0.79).item() == 0.0
    assert max_margin_ranking_loss(sims, margin=0.9).item() == pytest.approx(0.1)


def test_gradient_pushes_positives_up_and_negatives_down():
    sims = torch.zeros(4, 4, requires_grad=True)  # every hinge term active (= margin)
    loss = max_margin_ranking_loss(sims, margin=0.2)
    assert loss.item() == pytest.approx(0.2)
    loss.backward()
    grad = sims.grad
    # Each positive appears negatively in 2 * (B - 1) = 6 terms, each negative in 2 terms.
    assert torch.allclose(grad.diagonal(), torch.full((4,), -6 / 24))
    off = grad[~torch.eye(4, dtype=torch.bool)]
    assert torch.allclose(off, torch.full_like(off, 2 / 24))


@pytest.mark.parametrize("shape", [(3, 4), (4,), (1, 1), (2, 2, 2)])
def test_rejects_bad_shapes(shape):
    with pytest.raises(ValueError):
        max_margin_ranking_loss(torch.zeros(shape))


def test_rejects_unknown_normalisation():
    with pytest.raises(ValueError, match="pairs"):
        max_margin_ranking_loss(torch.zeros(3, 3), normalisation="sum")

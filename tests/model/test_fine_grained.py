import math

import torch
import torch.nn.functional as F

from slr_lib.model.fine_grained import fine_grained_similarity, pose_rgb_similarity


def test_two_words_two_clips_by_hand():
    words = torch.tensor([[[1.0, 0.0], [0.0, 1.0]]])
    clips = torch.tensor([[[0.8, 0.6], [0.0, 1.0]]])  # E = [[0.8, 0.6], [0.0, 1.0]]
    ones = torch.ones(1, 2, dtype=torch.bool)
    t2v, v2t = fine_grained_similarity(words, ones, clips, ones, temperature=1.0)
    e = math.exp
    word_0 = 0.8 * e(0.8) / (e(0.8) + e(0.0))
    word_1 = (0.6 * e(0.6) + 1.0 * e(1.0)) / (e(0.6) + e(1.0))
    clip_0 = (0.8 * e(0.8) + 0.6 * e(0.6)) / (e(0.8) + e(0.6))
    clip_1 = 1.0 * e(1.0) / (e(0.0) + e(1.0))
    assert t2v.shape == v2t.shape == (1, 1)
    assert math.isclose(t2v.item(), (word_0 + word_1) / 2, rel_tol=1e-6)
    assert math.isclose(v2t.item(), (clip_0 + clip_1) / 2, rel_tol=1e-6)


def test_batched_scores_equal_pairwise_scores_without_padding():
    torch.manual_seed(0)
    word_lengths, clip_lengths = [4, 2, 3], [5, 1]
    words = F.normalize(torch.randn(3, 4, 6), dim=-1)
    clips = F.normalize(torch.randn(2, 5, 6), dim=-1)
    word_mask = torch.arange(4)[None] < torch.tensor(word_lengths)[:, None]
    clip_mask = torch.arange(5)[None] < torch.tensor(clip_lengths)[:, None]
    words[~word_mask], clips[~clip_mask] = 9.0, -9.0  # padding must not count
    t2v, v2t = fine_grained_similarity(words, word_mask, clips, clip_mask)
    assert t2v.shape == v2t.shape == (3, 2)
    for b, n_words in enumerate(word_lengths):
        for v, n_clips in enumerate(clip_lengths):
            w, c = words[b : b + 1, :n_words], clips[v : v + 1, :n_clips]
            one_w, one_c = torch.ones(1, n_words, dtype=torch.bool), torch.ones(1, n_clips).bool()
            pair = fine_grained_similarity(w, one_w, c, one_c)
            torch.testing.assert_close(t2v[b, v], pair[0][0, 0])
            torch.testing.assert_close(v2t[b, v], pair[1][0, 0])


def test_pose_rgb_similarity_follows_eq_5_and_6():
    torch.manual_seed(1)
    pose = F.normalize(torch.randn(2, 3, 4), dim=-1)
    rgb = F.normalize(torch.randn(2, 3, 4), dim=-1)
    mask = torch.tensor([[True, True, True], [True, True, False]])
    p2r, r2p = pose_rgb_similarity(pose, rgb, mask, temperature=0.5)
    for m in range(2):
        for n in range(2):
            lm, ln = int(mask[m].sum()), int(mask[n].sum())
            v = pose[m, :lm] @ rgb[n, :ln].T
            rows = torch.softmax(v / 0.5, dim=1)  # each pose clip over the RGB clips
            cols = torch.softmax(v / 0.5, dim=0)  # each RGB clip over the pose clips
            diagonal = range(min(lm, ln))
            expected_p2r = sum(v[i, i] * rows[i, i] for i in diagonal) / len(diagonal)
            expected_r2p = sum(v[i, i] * cols[i, i] for i in diagonal) / len(diagonal)
            torch.testing.assert_close(p2r[m, n], expected_p2r)
            torch.testing.assert_close(r2p[m, n], expected_r2p)


def test_gradient_matches_finite_differences_with_padding():
    torch.manual_seed(2)
    words = F.normalize(torch.randn(3, 4, 5, dtype=torch.float64), dim=-1).requires_grad_()
    clips = F.normalize(torch.randn(2, 3, 5, dtype=torch.float64), dim=-1).requires_grad_()
    word_mask = torch.arange(4)[None] < torch.tensor([4, 2, 1])[:, None]
    clip_mask = torch.arange(3)[None] < torch.tensor([3, 1])[:, None]

    def scores(w: torch.Tensor, c: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        return fine_grained_similarity(w, word_mask, c, clip_mask, temperature=0.3)

    assert torch.autograd.gradcheck(scores, (words, clips))
    t2v, v2t = scores(words, clips)
    (t2v.sum() + v2t.sum()).backward()
    assert (words.grad[~word_mask] == 0).all() and (clips.grad[~clip_mask] == 0).all()

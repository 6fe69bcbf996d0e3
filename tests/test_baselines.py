import numpy as np
import pytest

from slr_lib.baselines import random_embedding_similarities, random_unit_embeddings


def test_random_embeddings_are_unit_norm():
    vectors = random_unit_embeddings(50, 16, np.random.default_rng(0))
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0)


def test_similarities_are_cosines_and_reproducible():
    sims = random_embedding_similarities(20, 30, 8, seed=1)
    assert sims.shape == (20, 30)
    assert np.abs(sims).max() <= 1.0 + 1e-12
    np.testing.assert_array_equal(sims, random_embedding_similarities(20, 30, 8, seed=1))
    assert not np.array_equal(sims, random_embedding_similarities(20, 30, 8, seed=2))


def test_sizes_must_be_positive():
    with pytest.raises(ValueError, match="n >= 1"):
        random_unit_embeddings(0, 4, np.random.default_rng(0))

"""Procrustes and stochastic shape distances (attnsim.dynamics.shape) against their definitions."""
import numpy as np
import pytest
from scipy.stats import ortho_group

from attnsim.dynamics.shape import (bures_distance, gaussian_moments, gaussian_w2, procrustes_distance,
                                    stochastic_shape_distance, whiten)


def _gaussians(rng, m, n, scale=1.0):
    means = rng.standard_normal((m, n))
    f = rng.standard_normal((m, n, n)) * scale
    return means, np.einsum("mij,mkj->mik", f, f) / n


@pytest.mark.parametrize("metric", ["angular", "euclidean"])
@pytest.mark.parametrize("alpha", [1.0, 0.5, 0.0])
def test_procrustes_invariance_identity_and_triangle(metric, alpha):
    rng = np.random.default_rng(0)
    x = rng.standard_normal((40, 5))
    q = ortho_group.rvs(5, random_state=1)
    assert procrustes_distance(x, x, alpha=alpha, metric=metric) < 1e-6
    assert procrustes_distance(x, x @ q + 3.0, alpha=alpha, metric=metric) < 1e-6   # rotation, shift
    reps = [rng.standard_normal((40, 5)) @ rng.standard_normal((5, 5)) for _ in range(6)]
    d = np.array([[procrustes_distance(a, b, alpha=alpha, metric=metric) for b in reps] for a in reps])
    np.testing.assert_allclose(d, d.T, atol=1e-9)
    for i in range(6):
        for j in range(6):
            assert np.all(d[i, j] <= d[i] + d[:, j] + 1e-9)     # d(i, j) <= d(i, k) + d(k, j) for all k


def test_procrustes_closed_forms():
    rng = np.random.default_rng(2)
    x = rng.standard_normal((30, 4))
    x = x - x.mean(axis=0)
    # isotropic scaling: angular 0, euclidean |1 - s| |X|
    assert procrustes_distance(x, 2.5 * x) < 1e-6
    assert procrustes_distance(x, 2.5 * x, metric="euclidean") == pytest.approx(1.5 * np.linalg.norm(x))
    # orthogonal 1-D codes: nothing aligns, the angle is pi/2
    a = np.zeros((4, 2)); a[:2, 0] = [1, -1]
    b = np.zeros((4, 2)); b[2:, 0] = [1, -1]
    assert procrustes_distance(a, b, center=False) == pytest.approx(np.pi / 2)
    # an anisotropic stretch: Procrustes sees it, full whitening (alpha 0, CCA-like) does not
    stretched = x * np.array([5.0, 1.0, 1.0, 0.2])
    assert procrustes_distance(x, stretched) > 0.3
    assert procrustes_distance(x, stretched, alpha=0.0) < 1e-6
    # whitening keeps the total variance
    assert np.linalg.norm(whiten(x, 0.3)) == pytest.approx(np.linalg.norm(x))
    # different unit counts: zero-padding, a model with extra silent units reads the same
    assert procrustes_distance(x, np.c_[x @ ortho_group.rvs(4, random_state=3), np.zeros((30, 3))]) < 1e-6


def test_bures_and_w2_closed_forms():
    a, b = np.diag([4.0, 1.0]), np.diag([1.0, 9.0])
    # commuting covariances: B^2 = sum (sqrt(a_i) - sqrt(b_i))^2 = 1 + 4
    assert bures_distance(a, b) == pytest.approx(np.sqrt(5.0))
    # 1-D Gaussians: W2^2 = (m1 - m2)^2 + (s1 - s2)^2
    assert gaussian_w2([1.0], [[4.0]], [4.0], [[1.0]]) == pytest.approx(np.sqrt(9.0 + 1.0))
    q = ortho_group.rvs(2, random_state=0)
    assert bures_distance(a, q @ a @ q.T) > 0.5 and bures_distance(q @ a @ q.T, q @ a @ q.T) < 1e-7


def test_stochastic_distance_invariance_and_limits():
    rng = np.random.default_rng(4)
    mx, cx = _gaussians(rng, 12, 4)
    q = ortho_group.rvs(4, random_state=5)
    my, cy = mx @ q, np.einsum("ji,mjk,kl->mil", q, cx, q)             # the same model, units rotated
    assert stochastic_shape_distance(mx, cx, my, cy) < 1e-5
    m2, c2 = _gaussians(rng, 12, 4)
    # alpha = 2: the Euclidean Procrustes distance of the means over sqrt(M / 2)
    assert stochastic_shape_distance(mx, cx, m2, c2, alpha=2.0) == pytest.approx(
        procrustes_distance(mx, m2, metric="euclidean") * np.sqrt(2 / 12), rel=1e-6)
    # the noise matters: same means, noise scaled up, the distance grows with the noise
    d_small = stochastic_shape_distance(mx, cx, mx, 1.5 * cx)
    d_large = stochastic_shape_distance(mx, cx, mx, 4.0 * cx)
    assert 0 < d_small < d_large
    # one sample, zero means: the Bures distance minimized over rotations, 0 for equal spectra
    s = np.diag([3.0, 1.0])
    swapped = np.diag([1.0, 3.0])
    assert stochastic_shape_distance(np.zeros((1, 2)), s[None], np.zeros((1, 2)), swapped[None], center=False) < 1e-6


def test_stochastic_triangle_inequality():
    rng = np.random.default_rng(6)
    sets = [_gaussians(rng, 8, 3) for _ in range(4)]
    d = np.zeros((4, 4))
    for i in range(4):
        for j in range(i + 1, 4):
            d[i, j] = d[j, i] = stochastic_shape_distance(*sets[i], *sets[j])
    assert stochastic_shape_distance(*sets[1], *sets[0]) == pytest.approx(d[0, 1], rel=1e-3)   # symmetric
    for i in range(4):
        for j in range(4):
            assert np.all(d[i, j] <= d[i] + d[:, j] + 1e-3 * d.max())


def test_gaussian_moments_and_errors():
    rng = np.random.default_rng(7)
    trials = [rng.standard_normal((50, 6, 3)) + k for k in range(2)]
    means, covs = gaussian_moments(trials, every=2)
    assert means.shape == (6, 3) and covs.shape == (6, 3, 3)
    np.testing.assert_allclose(covs[0], np.cov(trials[0][:, 0].T), atol=1e-12)
    with pytest.raises(ValueError, match="same samples"):
        procrustes_distance(np.ones((5, 2)), np.ones((6, 2)))
    with pytest.raises(ValueError, match="alpha"):
        procrustes_distance(np.ones((5, 2)), np.ones((5, 2)), alpha=2.0)
    with pytest.raises(ValueError, match="trials >= 2"):
        gaussian_moments([rng.standard_normal((1, 4, 2))])

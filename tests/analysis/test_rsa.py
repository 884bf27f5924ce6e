"""Cross-validated RDMs and RSA (attnsim.dynamics.rsa) on data with known distances."""
import numpy as np
import pytest

from attnsim.dynamics.rsa import compare_rdms, crossval_rdm, noise_covariance, residuals, upper


def _trials(rng, means, n_trials, cov=None):
    p = means.shape[1]
    chol = np.linalg.cholesky(cov) if cov is not None else np.eye(p)
    return [m + rng.standard_normal((n_trials, p)) @ chol.T for m in means]


def test_crossvalidated_distance_is_unbiased():
    rng = np.random.default_rng(0)
    p = 20
    means = np.zeros((3, p))
    means[1, :] = 0.5                                   # true squared distance / P: 0.25 (0-1, 1-2), 0 (0-2)
    means[2] = means[0]
    cv, plain = [], []
    for _ in range(200):
        tr = _trials(rng, means, 6)
        cv.append(crossval_rdm(tr))
        m = np.stack([t.mean(axis=0) for t in tr])
        plain.append(((m[:, None] - m[None]) ** 2).sum(-1) / p)
    cv, plain = np.mean(cv, axis=0), np.mean(plain, axis=0)
    # identical conditions: the cross-validated distance is 0 in expectation, the plain one is not
    assert abs(cv[0, 2]) < 0.01 and plain[0, 2] > 0.3           # plain bias 2 sigma^2 / n = 0.33
    assert cv[0, 1] == pytest.approx(0.25, abs=0.02)
    np.testing.assert_allclose(cv, cv.T)


def test_crossnobis_with_the_true_precision():
    rng = np.random.default_rng(1)
    p = 4
    cov = np.array([[1.0, 0.8, 0, 0], [0.8, 1.0, 0, 0], [0, 0, 0.25, 0], [0, 0, 0, 4.0]])
    delta = np.array([1.0, -1.0, 0.5, 0.0])
    expected = delta @ np.linalg.solve(cov, delta) / p
    est = np.mean([crossval_rdm(_trials(rng, np.stack([np.zeros(p), delta]), 8, cov),
                                precision=np.linalg.inv(cov))[0, 1] for _ in range(300)])
    assert est == pytest.approx(expected, rel=0.05)


def test_shrinkage_noise_estimate():
    rng = np.random.default_rng(2)
    cov = np.diag([1.0, 2.0, 3.0])
    cov[0, 1] = cov[1, 0] = 0.9
    res = residuals(_trials(rng, np.zeros((4, 3)), 500, cov))
    est = noise_covariance(res, dof=res.shape[0] - 4)
    np.testing.assert_allclose(est, cov, atol=0.15)             # many residuals: little shrinkage
    few = residuals(_trials(rng, np.zeros((2, 30)), 3))          # 6 residuals, 30 units
    shrunk = noise_covariance(few, dof=4)
    off = ~np.eye(30, dtype=bool)
    sample = few.T @ few / 4
    assert np.abs(shrunk[off]).mean() < np.abs(sample[off]).mean()   # correlations pulled to 0
    np.testing.assert_allclose(np.diag(shrunk), np.diag(sample))      # variances kept
    assert np.all(np.linalg.eigvalsh(shrunk) > 0)


def test_compare_rdms():
    rng = np.random.default_rng(3)
    a = rng.random((6, 6))
    a = a + a.T
    np.fill_diagonal(a, 0)
    assert compare_rdms(a, np.exp(a), "spearman") == pytest.approx(1.0)        # monotone: rank 1
    assert compare_rdms(a, 3 * a, "cosine") == pytest.approx(1.0)
    v, w = upper(a), upper(np.exp(a))
    assert compare_rdms(a, np.exp(a), "cosine") == pytest.approx(v @ w / np.linalg.norm(v) / np.linalg.norm(w))
    assert compare_rdms(a, a.max() - a, "spearman") == pytest.approx(-1.0)
    with pytest.raises(ValueError, match="method"):
        compare_rdms(a, a, "kendall")
    with pytest.raises(ValueError, match="n_folds"):
        crossval_rdm([np.ones((3, 2)), np.ones((2, 2))], n_folds=3)

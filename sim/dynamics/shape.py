"""Shape metrics between two models' representations: Procrustes and its stochastic version.

Generalized shape metrics (Williams, Kunz, Kornblith & Linderman 2021, NeurIPS, "Generalized
shape metrics on neural representations"). X (M, Nx) and Y (M, Ny) hold the same M samples
(conditions x times, `attnsim.dynamics.samples`) of two models; the smaller is zero-padded
to the larger number of units. Each is centred (columns, optional) and partially whitened:

    X_a = X Z_a,   Z_a = alpha I + (1 - alpha) (X^T X)^{-1/2}        (rescaled to keep |X|_F)

alpha = 1 keeps the data (Procrustes: rotations only), alpha = 0 whitens them fully (the
metric then allows any invertible linear map, as CCA). Then, with |.|_* the nuclear norm
(the sum of singular values: max over orthogonal Q of <X_a, Y_a Q>, Schoenemann 1966):

    angular    theta(X, Y) = arccos( |X_a^T Y_a|_* / (|X_a|_F |Y_a|_F) )          in [0, pi/2]
    euclidean  d(X, Y)     = ( |X_a|_F^2 + |Y_a|_F^2 - 2 |X_a^T Y_a|_* )^{1/2}

Both are metrics (symmetric, triangle inequality) on the shapes, invariant to rotations and
reflections of either model's units (and to isotropic scaling for the angular one).

Stochastic shape distance (Duong, Zhou, Nassar, Berman, Olieslagers & Williams 2023, ICLR,
"Representational dissimilarity metric spaces for stochastic neural networks"): each sample i
is a Gaussian over trials, N(mu_i, Sigma_i) (trial-to-trial noise), and

    d_alpha(X, Y)^2 = min_Q  1/M sum_i [ alpha |mu_i^x - Q mu_i^y|^2 + (2 - alpha) B(Sigma_i^x, Q Sigma_i^y Q^T)^2 ]
    B(S1, S2)^2     = tr S1 + tr S2 - 2 tr (S1^{1/2} S2 S1^{1/2})^{1/2}                 (Bures)

alpha = 1 is the 2-Wasserstein distance between the condition distributions, alpha = 2 the
Euclidean Procrustes distance of the means over sqrt(M), alpha = 0 compares noise alone.
The minimum over orthogonal Q is found by alternating, as in Duong et al. (netrep's
GaussianStochasticMetric): the optimal coupling of each pair of covariances is an orthogonal
P_i with Sigma^{1/2} factors aligned, then Q is the Procrustes solution on the stacked means
and aligned factors; started from the Procrustes alignment of the means, from the alignment
of the eigenbases of the mean covariances and from random rotations, the smallest kept.
"""
from __future__ import annotations

import numpy as np
from scipy.linalg import orthogonal_procrustes
from scipy.stats import ortho_group

from attnsim.models.ann.blas_threads import single_thread_blas

METRICS = ("angular", "euclidean")


def _matrix(x, name: str) -> np.ndarray:
    x = np.asarray(x, dtype=float)
    if x.ndim != 2:
        raise ValueError(f"{name} must be (samples, units), got shape {x.shape}")
    if not np.all(np.isfinite(x)):
        raise ValueError(f"{name} contains NaN or inf")
    return x


def _pad_units(x: np.ndarray, n: int) -> np.ndarray:
    return x if x.shape[-1] == n else np.concatenate(
        [x, np.zeros(x.shape[:-1] + (n - x.shape[-1],))], axis=-1)


def whiten(x: np.ndarray, alpha: float, *, center: bool = True, eig_tol: float = 1e-7) -> np.ndarray:
    """Centred (optional), partially whitened x (module docstring), total variance kept."""
    if not 0.0 <= alpha <= 1.0:
        raise ValueError(f"alpha must be in [0, 1] (got {alpha})")
    x = _matrix(x, "x")
    if center:
        x = x - x.mean(axis=0)
    if alpha >= 1.0 - eig_tol:
        return x
    lam, v = np.linalg.eigh(x.T @ x)
    lam = np.maximum(lam, eig_tol)
    d = alpha + (1.0 - alpha) * lam ** -0.5
    new_var = np.sum(d ** 2 * lam)
    d = d * np.sqrt(lam.sum() / new_var) if new_var > 0 else d
    return x @ (v * d) @ v.T


def procrustes_distance(x, y, *, alpha: float = 1.0, center: bool = True, metric: str = "angular") -> float:
    """The generalized shape distance between (samples, units) matrices x and y (module docstring)."""
    if metric not in METRICS:
        raise ValueError(f"metric must be one of {list(METRICS)} (got {metric!r})")
    x, y = _matrix(x, "x"), _matrix(y, "y")
    if x.shape[0] != y.shape[0]:
        raise ValueError(f"x and y must hold the same samples ({x.shape[0]} vs {y.shape[0]} rows)")
    n = max(x.shape[1], y.shape[1])
    with single_thread_blas():
        xa = whiten(_pad_units(x, n), alpha, center=center)
        ya = whiten(_pad_units(y, n), alpha, center=center)
        nuc = np.linalg.svd(xa.T @ ya, compute_uv=False).sum()
    nx, ny = np.linalg.norm(xa), np.linalg.norm(ya)
    if metric == "angular":
        if nx == 0 or ny == 0:
            raise ValueError("procrustes_distance: a representation has no variance")
        return float(np.arccos(np.clip(nuc / (nx * ny), -1.0, 1.0)))
    return float(np.sqrt(max(nx ** 2 + ny ** 2 - 2 * nuc, 0.0)))


def sqrtm_psd(s: np.ndarray) -> np.ndarray:
    """Symmetric square root of a positive semi-definite matrix (negative eigenvalues clipped)."""
    lam, v = np.linalg.eigh(s)
    return (v * np.sqrt(np.maximum(lam, 0.0))) @ v.T


def bures_distance(s1: np.ndarray, s2: np.ndarray) -> float:
    """B(S1, S2) = (tr S1 + tr S2 - 2 |S1^{1/2} S2^{1/2}|_*)^{1/2} (the fidelity term as a nuclear norm)."""
    s1, s2 = np.asarray(s1, dtype=float), np.asarray(s2, dtype=float)
    fid = np.linalg.svd(sqrtm_psd(s1) @ sqrtm_psd(s2), compute_uv=False).sum()
    return float(np.sqrt(max(np.trace(s1) + np.trace(s2) - 2 * fid, 0.0)))


def gaussian_w2(m1, s1, m2, s2) -> float:
    """2-Wasserstein distance between N(m1, S1) and N(m2, S2): (|m1 - m2|^2 + B(S1, S2)^2)^{1/2}."""
    return float(np.sqrt(np.sum((np.asarray(m1, float) - np.asarray(m2, float)) ** 2) + bures_distance(s1, s2) ** 2))


def gaussian_moments(trials: list[np.ndarray], *, every: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """(means (M, N), covariances (M, N, N)) of each (condition, time) sample over its trials.

    trials: one (n_trials_c, T, N) array per condition (`Samples.trials`); every: keep every
    k-th time. M = C * ceil(T / every), condition-major. Covariances use ddof = 1.
    """
    means, covs = [], []
    for x in trials:
        x = np.asarray(x, dtype=float)[:, ::every]
        if x.ndim != 3 or x.shape[0] < 2:
            raise ValueError(f"each condition needs (trials >= 2, time, units), got shape {x.shape}")
        d = x - x.mean(axis=0)
        means.append(x.mean(axis=0))
        covs.append(np.einsum("ktn,ktm->tnm", d, d) / (x.shape[0] - 1))
    return np.concatenate(means), np.concatenate(covs)


def stochastic_shape_distance(means_x, covs_x, means_y, covs_y, *, alpha: float = 1.0, center: bool = True,
                              n_iter: int = 100, tol: float = 1e-10, n_random: int = 6, seed: int = 0) -> float:
    """Duong et al. 2023's d_alpha between two models' Gaussian samples (module docstring).

    means: (M, N), covariances: (M, N, N) per model (N may differ: zero-padded); center:
    subtract the mean over samples from each model's means (translation invariance, as the
    deterministic metrics' centring). n_random: random orthogonal starts added to the two
    informed ones (the loss is not convex in Q); seed: their generator's seed.
    """
    if not 0.0 <= alpha <= 2.0:
        raise ValueError(f"alpha must be in [0, 2] (got {alpha})")
    mx, my = _matrix(means_x, "means_x"), _matrix(means_y, "means_y")
    cx, cy = np.asarray(covs_x, float), np.asarray(covs_y, float)
    if mx.shape[0] != my.shape[0]:
        raise ValueError(f"the models must hold the same samples ({mx.shape[0]} vs {my.shape[0]})")
    for m, c, name in ((mx, cx, "x"), (my, cy, "y")):
        if c.shape != (m.shape[0], m.shape[1], m.shape[1]):
            raise ValueError(f"covs_{name} must be (samples, units, units) = {(m.shape[0], m.shape[1], m.shape[1])}, "
                             f"got {c.shape}")
    n = max(mx.shape[1], my.shape[1])
    if center:
        mx, my = mx - mx.mean(axis=0), my - my.mean(axis=0)
    mx, my = _pad_units(mx, n), _pad_units(my, n)
    pad = lambda c: np.pad(c, ((0, 0), (0, n - c.shape[1]), (0, n - c.shape[2])))  # noqa: E731
    with single_thread_blas():
        sx = np.stack([sqrtm_psd(c) for c in pad(cx)])
        sy = np.stack([sqrtm_psd(c) for c in pad(cy)])
        wm, ws = np.sqrt(alpha), np.sqrt(2.0 - alpha)
        target = np.concatenate([wm * mx] + [ws * s for s in sx])
        _, ux = np.linalg.eigh(pad(cx).mean(axis=0))
        _, uy = np.linalg.eigh(pad(cy).mean(axis=0))
        # starts: the means aligned (my q ~ mx), the mean covariances' eigenbases aligned, random
        best = np.inf
        rng = np.random.default_rng(seed)
        starts = [orthogonal_procrustes(my, mx)[0], uy @ ux.T]
        starts += [ortho_group.rvs(n, random_state=rng) if n > 1 else np.eye(1) for _ in range(n_random)]
        for q in starts:
            q = _alternate(q, my, sx, sy, target, wm, ws, n_iter, tol)
            my_q = my @ q
            d2 = np.mean([alpha * np.sum((a - b) ** 2) + (2 - alpha) * bures_distance(ca, q.T @ cb @ q) ** 2
                          for a, b, ca, cb in zip(mx, my_q, pad(cx), pad(cy))])
            best = min(best, d2)
    return float(np.sqrt(max(best, 0.0)))


def _alternate(q, my, sx, sy, target, wm, ws, n_iter, tol):
    """Alternating minimization of the stochastic shape loss over q (module docstring)."""
    last = np.inf
    for _ in range(n_iter):
        # each covariance pair's optimal coupling: orthogonal P_i minimizing |S_x - q^T S_y P_i|,
        # then |S_x - P_i^T S_y q| is the Bures term (S symmetric), linear in q
        ps = [orthogonal_procrustes(q.T @ b, a)[0] for a, b in zip(sx, sy)]
        source = np.concatenate([wm * my] + [ws * (p.T @ b) for b, p in zip(sy, ps)])
        q = orthogonal_procrustes(source, target)[0]
        loss = np.sum((target - source @ q) ** 2)
        if last - loss < tol * max(loss, 1e-300):
            break
        last = loss
    return q

"""Representational dissimilarity with cross-validated distances, and RSA between models.

A representational dissimilarity matrix (RDM) holds the distance between the population
patterns of every pair of conditions (Kriegeskorte, Mur & Bandettini 2008, Front Syst
Neurosci 2:4). Distances between noisy trial means are biased upwards by the noise (two
identical conditions read > 0); cross-validation removes the bias (Walther et al. 2016,
NeuroImage 137:188; Diedrichsen & Kriegeskorte 2017, PLoS Comput Biol 13:e1005508). With the
trials split into K folds, for each fold k the pattern difference on the other folds is
multiplied by the one on fold k, and the K products are averaged:

    d_ij = 1/K sum_k (mu_i^{-k} - mu_j^{-k}) Lambda (mu_i^{k} - mu_j^{k})^T / P

mu^{k}: mean over the trials of fold k, mu^{-k}: over the other folds, P: units, Lambda: the
noise precision. Lambda = I gives the cross-validated squared Euclidean distance, Lambda the
inverse noise covariance the crossnobis distance. Its expectation is the true squared
(Mahalanobis) distance over P, 0 for identical conditions, and single estimates may be
negative. This is rsatoolbox's `calc_rdm_crossnobis` (leave one fold out, the fold of a trial
its order within its condition). The noise covariance comes from the residuals (each trial
minus its condition's mean), shrunk towards its diagonal with the optimal weight of
Schaefer & Strimmer 2005 (Stat Appl Genet Mol Biol 4:32, target "D"), as rsatoolbox's
"shrinkage_diag".

RSA between two models compares their RDMs over the same conditions (the upper triangle, as
vectors): Spearman's rank correlation (a monotone relation suffices; Nili et al. 2014, PLoS
Comput Biol 10:e1003553) or the cosine (uncentred; Diedrichsen et al. 2021, "Comparing
representational geometries using whitened unbiased-distance-matrix similarity", for
cross-validated distances, whose zero is meaningful).
"""
from __future__ import annotations

import numpy as np
from scipy.stats import spearmanr

from attnsim.models.ann.blas_threads import single_thread_blas

NOISE = ("identity", "diag", "shrinkage_diag")
COMPARE = ("spearman", "cosine", "pearson")


def _patterns(trials) -> list[np.ndarray]:
    out = [np.asarray(t, dtype=float) for t in trials]
    if len(out) < 2:
        raise ValueError("an RDM needs at least 2 conditions")
    p = out[0].shape[-1]
    for t in out:
        if t.ndim != 2 or t.shape[1] != p:
            raise ValueError(f"each condition must be (trials, {p} units), got shape {t.shape}")
        if not np.all(np.isfinite(t)):
            raise ValueError("trial patterns contain NaN or inf")
    return out


def residuals(trials) -> np.ndarray:
    """(sum of trials, P): each trial minus its condition's mean."""
    return np.concatenate([t - t.mean(axis=0) for t in _patterns(trials)])


def noise_covariance(res: np.ndarray, *, dof: int | None = None, method: str = "shrinkage_diag") -> np.ndarray:
    """Noise covariance from (n, P) residuals: the sample covariance, its diagonal, or shrunk (module docstring).

    dof: degrees of freedom (default n - 1; n minus the number of conditions when the residuals
    come from condition means).
    """
    if method not in NOISE:
        raise ValueError(f"method must be one of {list(NOISE)} (got {method!r})")
    res = np.asarray(res, dtype=float)
    n, p = res.shape
    dof = n - 1 if dof is None else dof
    if dof < 1:
        raise ValueError("noise_covariance: need at least 2 residuals")
    s = res.T @ res / dof
    if method == "identity":
        return np.eye(p)
    if method == "diag":
        return np.diag(np.diag(s))
    # Schaefer & Strimmer 2005, target D: shrink the correlations, keep the variances.
    # lambda = sum_{i != j} Var(r_ij) / sum_{i != j} r_ij^2 on the standardized residuals
    sd = np.sqrt(np.diag(s))
    sd[sd == 0] = 1.0
    z = res / sd
    r = z.T @ z / (n - 1)                                 # mean of the products z_i z_j
    var_r = n / dof ** 2 * ((z ** 2).T @ (z ** 2) / (n - 1) - r ** 2)
    off = ~np.eye(p, dtype=bool)
    denom = np.sum(r[off] ** 2)
    lam = float(np.clip(np.sum(var_r[off]) / denom, 0.0, 1.0)) if denom > 0 else 1.0
    return s * np.where(off, 1.0 - lam, 1.0)


def crossval_rdm(trials, *, n_folds: int | None = None, precision: np.ndarray | None = None) -> np.ndarray:
    """(C, C) cross-validated RDM of C conditions' trial patterns (module docstring).

    trials: one (n_trials_c, P) array per condition; n_folds: K (default the fewest trials of a
    condition: leave one trial out); trial k of each condition goes to fold k mod K.
    precision: (P, P) noise precision (None: identity, the cross-validated Euclidean distance).
    """
    pats = _patterns(trials)
    n_min = min(t.shape[0] for t in pats)
    k = n_min if n_folds is None else int(n_folds)
    if not 2 <= k <= n_min:
        raise ValueError(f"n_folds must be in [2, {n_min}] (the fewest trials of a condition); got {k}")
    p = pats[0].shape[1]
    lam = np.eye(p) if precision is None else np.asarray(precision, dtype=float)
    if lam.shape != (p, p):
        raise ValueError(f"precision must be ({p}, {p}), got {lam.shape}")
    folds = [np.arange(t.shape[0]) % k for t in pats]
    c = len(pats)
    rdm = np.zeros((c, c))
    with single_thread_blas():
        for f in range(k):
            test = np.stack([t[fo == f].mean(axis=0) for t, fo in zip(pats, folds)])
            train = np.stack([t[fo != f].mean(axis=0) for t, fo in zip(pats, folds)])
            kern = train @ lam @ test.T
            dg = np.diag(kern)
            rdm += dg[:, None] + dg[None, :] - kern - kern.T
    rdm /= k * p
    np.fill_diagonal(rdm, 0.0)
    return rdm


def samples_rdm(samples, *, every: int = 1, noise: str = "shrinkage_diag", n_folds: int | None = None) -> dict:
    """Cross-validated RDM over the (condition, time) patterns of `attnsim.dynamics.samples.Samples`.

    Every k-th time of each condition is one pattern; its trials are the condition's trials at
    that time. noise: how the precision is estimated from the residuals ("identity": the
    cross-validated Euclidean distance). Returns {"rdm" (C T', C T'), "patterns": labels
    "cond@t ms", "noise", "n_folds"}.
    """
    pats, names = [], []
    for cond, tr in zip(samples.conditions, samples.trials):
        for i in range(0, tr.shape[1], every):
            pats.append(tr[:, i])
            names.append(f"{cond}@{samples.time_ms[i]:g}ms")
    precision = None
    if noise != "identity":
        cov = noise_covariance(residuals(pats), dof=sum(p.shape[0] for p in pats) - len(pats), method=noise)
        precision = np.linalg.pinv(cov)
    return {"rdm": crossval_rdm(pats, n_folds=n_folds, precision=precision), "patterns": names, "noise": noise,
            "n_folds": n_folds or min(p.shape[0] for p in pats)}


def upper(rdm: np.ndarray) -> np.ndarray:
    """The upper triangle (above the diagonal) of a square RDM, as a vector."""
    rdm = np.asarray(rdm, dtype=float)
    if rdm.ndim != 2 or rdm.shape[0] != rdm.shape[1]:
        raise ValueError(f"an RDM must be square, got shape {rdm.shape}")
    return rdm[np.triu_indices(rdm.shape[0], 1)]


def compare_rdms(rdm1: np.ndarray, rdm2: np.ndarray, method: str = "spearman") -> float:
    """Similarity of two RDMs over the same conditions: Spearman, cosine or Pearson (module docstring)."""
    if method not in COMPARE:
        raise ValueError(f"method must be one of {list(COMPARE)} (got {method!r})")
    a, b = upper(rdm1), upper(rdm2)
    if a.shape != b.shape:
        raise ValueError(f"RDMs over different conditions ({a.size} vs {b.size} pairs)")
    if method == "spearman":
        return float(spearmanr(a, b).statistic)
    if method == "pearson":
        a, b = a - a.mean(), b - b.mean()
    den = np.linalg.norm(a) * np.linalg.norm(b)
    return float(a @ b / den) if den > 0 else float("nan")

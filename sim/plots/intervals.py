"""95 % intervals drawn around the means in figures.

Figures show the uncertainty of every mean they plot, computed from the stored
trials (not from summary.json, which holds point estimates):

- a proportion k/n (accuracy): the Wilson score interval (Wilson 1927;
  recommended over the Wald interval by Agresti & Coull 1998, Am. Stat. 52:119),
      centre = (p + z^2/2n) / (1 + z^2/n),
      half   = z / (1 + z^2/n) * sqrt(p (1 - p) / n + z^2 / 4n^2);
- a mean of n values (reaction time, rate traces): mean +- t_{0.975, n-1} s / sqrt(n);
- a ratio of means such as the modulation index (a - u) / (a + u): the 95 %
  percentile bootstrap over trials (Efron & Tibshirani 1993, ch. 13), seeded so
  a figure redraws identically.
"""
from __future__ import annotations

import numpy as np
from scipy.special import ndtri, stdtrit

Z95 = float(ndtri(0.975))


def wilson_interval(k: int, n: int, z: float = Z95) -> tuple[float, float]:
    """(lo, hi) Wilson score interval of the proportion k/n; (nan, nan) for n = 0."""
    if n <= 0:
        return float("nan"), float("nan")
    p = k / n
    denom = 1.0 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z / denom * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return float(centre - half), float(centre + half)


def mean_interval(x, axis: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(mean, lo, hi) with the t interval over `axis`; NaNs are left out; lo = hi = mean for n < 2."""
    x = np.asarray(x, dtype=float)
    n = np.sum(np.isfinite(x), axis=axis)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.nanmean(x, axis=axis) if x.size else np.nan
        sd = np.nanstd(x, axis=axis, ddof=1) if x.size else np.nan
        t = stdtrit(np.maximum(n - 1, 1), 0.975)
        half = np.where(n >= 2, t * sd / np.sqrt(np.maximum(n, 1)), 0.0)
    lo, hi = mean - half, mean + half
    if np.ndim(mean) == 0:
        return float(mean), float(lo), float(hi)
    return mean, lo, hi


def index_interval(a, u, n_boot: int = 400, seed: int = 0) -> tuple[float, float, float]:
    """(index, lo, hi) of (mean a - mean u) / (mean a + mean u) over paired per-trial values a, u."""
    a = np.asarray(a, dtype=float)
    u = np.asarray(u, dtype=float)

    def index(ma, mu):
        s = ma + mu
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(s != 0, (ma - mu) / s, np.nan)

    est = float(index(a.mean(), u.mean())) if a.size else float("nan")
    if a.size < 2:
        return est, est, est
    rng = np.random.default_rng(seed)
    idx = rng.integers(0, a.size, size=(n_boot, a.size))
    boot = index(a[idx].mean(axis=1), u[idx].mean(axis=1))
    lo, hi = np.nanpercentile(boot, [2.5, 97.5])
    return est, float(lo), float(hi)

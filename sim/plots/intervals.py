"""95 % intervals drawn around the means in figures.

Figures show the uncertainty of every mean they plot, computed from the stored
trials (not from summary.json, which holds point estimates):

- a proportion k/n (accuracy): the Wilson score interval (Wilson 1927;
  recommended over the Wald interval by Agresti & Coull 1998, Am. Stat. 52:119),
      centre = (p + z^2/2n) / (1 + z^2/n),
      half   = z / (1 + z^2/n) * sqrt(p (1 - p) / n + z^2 / 4n^2);
- a mean of n values (reaction time, rate traces): the 95 % percentile bootstrap of the
  mean over the n values (Efron & Tibshirani 1993, ch. 13). Unlike mean +- t s / sqrt(n)
  it stays inside the data's range, so an RT interval never reaches below 0 (a t interval
  over a few skewed RTs did: [-400, 1150] ms); NaNs (undecided trials) are left out and
  counted apart (`attnsim.analysis.behaviour.undecided_fraction`);
- a ratio of means such as the modulation index (a - u) / (a + u): the 95 %
  percentile bootstrap over trials (Efron & Tibshirani 1993, ch. 13), seeded so
  a figure redraws identically.
"""
from __future__ import annotations

import warnings

import numpy as np
from scipy.special import ndtri

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


def mean_interval(x, axis: int = 0, n_boot: int = 1000, seed: int = 0):
    """(mean, lo, hi): the mean over `axis` and its 95 % percentile bootstrap interval.

    NaNs are left out (each resample counts the finite values it drew); lo = hi = mean
    for n < 2. Resamples are drawn as multinomial weights over the n values, B = n_boot,
    seeded, so a figure redraws identically: boot_b = sum_i w_bi x_i / sum_i w_bi.
    """
    x = np.moveaxis(np.asarray(x, dtype=float), axis, 0)
    n_all = x.shape[0]
    if n_all == 0:
        nan = np.full(x.shape[1:], np.nan)
        return (float("nan"),) * 3 if not x.shape[1:] else (nan, nan.copy(), nan.copy())
    flat = x.reshape(n_all, -1)
    ok = np.isfinite(flat)
    vals = np.where(ok, flat, 0.0)
    n = ok.sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)          # all-NaN columns: NaN, said once by the mean
        mean = vals.sum(axis=0) / n
        if n_all >= 2:
            w = np.random.default_rng(seed).multinomial(n_all, np.full(n_all, 1.0 / n_all), size=n_boot).astype(float)
            boot = (w @ vals) / (w @ ok)
            lo, hi = np.nanpercentile(boot, [2.5, 97.5], axis=0)
        else:
            lo = hi = mean
    lo = np.where(n >= 2, lo, mean)
    hi = np.where(n >= 2, hi, mean)
    shape = x.shape[1:]
    if not shape:
        return float(mean[0]), float(lo[0]), float(hi[0])
    return mean.reshape(shape), lo.reshape(shape), hi.reshape(shape)


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

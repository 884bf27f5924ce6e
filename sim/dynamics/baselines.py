"""The baselines every distance between two models is reported with.

A distance between two models means little alone: a DSA angle of 0.3 rad can be "the same
dynamics" or "unrelated", depending on the data. Two baselines make it readable:

- a time-shuffled null (`shuffle_null`): the time axis of the second system's samples is
  permuted within each condition (each trial of a (K, T, N) array) before the distance is
  computed, n times. This keeps every sample's value (the geometry of the states visited)
  and destroys their temporal order (the dynamics). `frac_below` is the fraction of null
  distances at or below the observed one: near 0 the observed systems are closer than any
  time-shuffled one (like a one-sided permutation p value, with the +1 correction of
  Phipson & Smyth 2010, Stat Appl Genet Mol Biol 9:39).
- the within-architecture spread (`seed_spread`): the distances between seeds of the same
  architecture beside the distances between the two architectures' seeds. A between distance
  inside the within spread says the two architectures differ no more than two trainings of
  one of them do (the seed-level comparison of Mehrer et al. 2020, Nat Commun 11:5725).
"""
from __future__ import annotations

from itertools import combinations
from typing import Callable, Sequence

import numpy as np

Distance = Callable[[np.ndarray, np.ndarray], float]


def time_shuffle(data: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """A copy of (K, T, N) (or (T, N)) data with the time axis permuted independently in each trial."""
    x = np.asarray(data, dtype=float)
    if x.ndim == 2:
        return x[rng.permutation(x.shape[0])]
    if x.ndim != 3:
        raise ValueError(f"time_shuffle: expected (trials, time, units) or (time, units), got shape {x.shape}")
    return np.stack([xi[rng.permutation(x.shape[1])] for xi in x])


def shuffle_null(distance: Distance, x: np.ndarray, y: np.ndarray, *, n_shuffle: int = 20,
                 seed: int = 0, observed: float | None = None) -> dict:
    """Observed distance(x, y) and its null: distance(x, time_shuffle(y)) n_shuffle times.

    Returns {"distance", "null" (n_shuffle,), "null_mean", "null_q05", "frac_below"
    ((1 + #null <= observed) / (1 + n_shuffle)), "n_shuffle"}.
    """
    if n_shuffle < 1:
        raise ValueError(f"n_shuffle must be >= 1 (got {n_shuffle})")
    d = float(distance(x, y)) if observed is None else float(observed)
    rng = np.random.default_rng(seed)
    null = np.array([distance(x, time_shuffle(y, rng)) for _ in range(n_shuffle)], dtype=float)
    return {"distance": d, "null": null, "null_mean": float(null.mean()),
            "null_q05": float(np.quantile(null, 0.05)),
            "frac_below": float((1 + np.sum(null <= d)) / (1 + n_shuffle)), "n_shuffle": n_shuffle}


def seed_spread(distance: Distance, seeds_a: Sequence[np.ndarray], seeds_b: Sequence[np.ndarray]) -> dict:
    """Between-architecture distances beside the within-architecture ones (module docstring).

    seeds_a / seeds_b: one sample array per seed of architecture a / b. Returns {"between"
    (len(a) * len(b),), "within_a" (pairs of a), "within_b" (pairs of b), "between_mean",
    "within_a_mean", "within_b_mean" (NaN with one seed), "ratio" (between mean over the larger
    within mean; > 1: the architectures differ more than their seeds do)}.
    """
    if not len(seeds_a) or not len(seeds_b):
        raise ValueError("seed_spread: each architecture needs at least one seed")
    between = np.array([distance(a, b) for a in seeds_a for b in seeds_b], dtype=float)
    within_a = np.array([distance(a, b) for a, b in combinations(seeds_a, 2)], dtype=float)
    within_b = np.array([distance(a, b) for a, b in combinations(seeds_b, 2)], dtype=float)
    mean = lambda v: float(v.mean()) if v.size else float("nan")  # noqa: E731
    within = np.nanmax([mean(within_a), mean(within_b), np.nan]) if (within_a.size or within_b.size) else np.nan
    return {"between": between, "within_a": within_a, "within_b": within_b, "between_mean": mean(between),
            "within_a_mean": mean(within_a), "within_b_mean": mean(within_b),
            "ratio": float(mean(between) / within) if np.isfinite(within) and within > 0 else float("nan")}

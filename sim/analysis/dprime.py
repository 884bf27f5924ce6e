"""Signal detection d' per location and the divided-attention capacity bounds.

Location X (A or B) is "signal" on trials whose target is X and "noise" on the
others; a hit is choosing X on a signal trial, a false alarm choosing X on a
noise trial. Rates use the log-linear correction (Hautus 1995):
(count + 0.5) / (n + 1), so d' stays finite at 0 or 100 %.
"""
from __future__ import annotations

import math

import numpy as np
from scipy.special import ndtri  # the standard normal quantile, Z(p); lighter to import than scipy.stats

from models.activity import Activity
from sim.analysis.conditions import condition_groups
from sim.tasks.trials import Trials

LOCATIONS = ("A", "B")


def dprime_from_counts(hits: int, n_signal: int, false_alarms: int, n_noise: int) -> float:
    """Z(hit rate) - Z(false-alarm rate) with the log-linear correction."""
    if n_signal <= 0 or n_noise <= 0:
        return float("nan")
    h = (hits + 0.5) / (n_signal + 1.0)
    f = (false_alarms + 0.5) / (n_noise + 1.0)
    return float(ndtri(h) - ndtri(f))


def dprime(trials: Trials, activity: Activity) -> dict[str, dict[str, float]]:
    """d' per location for each condition label (labels whose trials all share one target are left out)."""
    choice = np.asarray(activity.choice)
    target = np.asarray(trials.target)
    out = {}
    for label, idx in condition_groups(trials).items():
        per_loc = {}
        for k, loc in enumerate(LOCATIONS):
            sig = idx[target[idx] == k]
            noise = idx[target[idx] != k]
            if sig.size and noise.size:
                per_loc[loc] = dprime_from_counts(int((choice[sig] == k).sum()), sig.size,
                                                  int((choice[noise] == k).sum()), noise.size)
        if per_loc:
            out[label] = per_loc
    return out


def capacity_bounds(d_single: float) -> dict[str, float]:
    """Predicted dual-task d' from single-task d': unlimited capacity (no cost) and fixed capacity (/sqrt 2)."""
    return {"unlimited": float(d_single), "fixed": float(d_single) / math.sqrt(2.0)}


def serial_p_dual(p_single: float) -> float:
    """All-or-none serial model: one of two targets attended, the other guessed at chance."""
    return (float(p_single) + 0.5) / 2.0

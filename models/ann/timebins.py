"""Coarse time steps for the artificial models: average the task's fine steps in bins."""
from __future__ import annotations

import numpy as np


def bin_factor(dt_ms: float, step_ms: float) -> int:
    """Fine steps per model step (at least one)."""
    return max(1, int(round(step_ms / dt_ms)))


def bin_inputs(inputs: np.ndarray, k: int) -> np.ndarray:
    """(B, T, C) -> (B, ceil(T / k), C), each bin the mean of its steps (a short last bin too)."""
    B, T, C = inputs.shape
    n = -(-T // k)
    pad = n * k - T
    x = np.concatenate([inputs, np.zeros((B, pad, C))], axis=1) if pad else inputs
    sums = x.reshape(B, n, k, C).sum(axis=2)
    counts = np.full(n, float(k))
    counts[-1] = k - pad
    return sums / counts[None, :, None]


def bin_mask(mask: np.ndarray, k: int) -> np.ndarray:
    """(T,) bool -> (ceil(T / k),) bool: a bin counts when most of its steps do
    (any of them if that leaves no bin)."""
    frac = bin_inputs(np.asarray(mask, dtype=float)[None, :, None], k)[0, :, 0]
    out = frac > 0.5
    return out if out.any() else frac > 0

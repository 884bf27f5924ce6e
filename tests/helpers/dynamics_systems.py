"""Synthetic dynamical systems with known structure, shared by the dynamics tests and bench scripts.

Each returns (K, T, N) trajectories: K runs from random initial states, T steps, read out
into N units. The latent 2-D flows, per step (decay factor a = exp(-1 / tau_steps)):

    point attractor:  x1' = a x1,  x2' = a x2          (one stable point)
    line attractor:   x1' = x1,    x2' = a x2          (a line of stable points, x2 = 0)

with process noise of sd `noise` per step. `warp` bends the state space before the readout
(x2 -> x2 + warp x1^2: the line attractor becomes a parabola, same topology, other geometry).
"""
from __future__ import annotations

import numpy as np


def latent_flow(kind: str, *, n_runs: int = 20, n_steps: int = 60, tau_steps: float = 2.0,
                noise: float = 0.05, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    a = np.exp(-1.0 / tau_steps)
    decay = {"point": np.array([a, a]), "line": np.array([1.0, a])}[kind]
    x = np.empty((n_runs, n_steps, 2))
    x[:, 0] = rng.uniform(-1, 1, size=(n_runs, 2))
    for t in range(1, n_steps):
        x[:, t] = decay * x[:, t - 1] + noise * rng.standard_normal((n_runs, 2))
    return x


def read_out(latent: np.ndarray, *, n_units: int = 6, warp: float = 0.0, seed: int = 0) -> np.ndarray:
    z = latent.copy()
    z[..., 1] = z[..., 1] + warp * z[..., 0] ** 2
    w = np.random.default_rng(seed + 1000).standard_normal((2, n_units))
    return z @ w


def system(kind: str, *, warp: float = 0.0, n_units: int = 6, seed: int = 0, **flow) -> np.ndarray:
    return read_out(latent_flow(kind, seed=seed, **flow), n_units=n_units, warp=warp, seed=seed)

"""The optional `dynamical` capability: a model's state update at fixed inputs.

A family that declares ``"dynamical"`` in its capabilities offers

    def dynamics(self, channels: tuple[str, ...], dt_ms: float) -> Dynamics

(after `fit` for trained families), where `Dynamics` is the noise-free vector field of the model's
own state x (not only what Activity records: an LSTM's cell state, a rate model's NMDA gatings):

    velocity(x, u) = dx/dt,  in state units per ms,  x (B, n_state), u (B, n_channels) -> (B, n_state)

with `u` the raw input channels as tasks write them (the model maps them to its drive as in `run`).
A discrete-time network x_{t+1} = G(x_t, u) (time = "discrete") reports velocity (G(x, u) - x) / dt_ms:
its zeros are the fixed points of G, and an eigenvalue mu of the velocity Jacobian is the eigenvalue
lambda = 1 + dt_ms * mu of G's Jacobian, whose modulus decides stability (|lambda| < 1). For a
continuous-time model (time = "continuous") stability is Re mu < 0.

Fixed and slow points are the minima of q(x) = |velocity(x, u)|^2 / 2 (Sussillo & Barak 2013 Neural
Comput 25:626; Golub & Sussillo 2018 JOSS 3:1003); attnsim.dynamics finds them from states sampled on
`trajectories` (the states the model visits on given trials, with the noise it has in `run`).

Spiking models have no such function: they do not declare the capability.
"""
from __future__ import annotations

from typing import Literal, Protocol, runtime_checkable

import numpy as np

TimeKind = Literal["continuous", "discrete"]


@runtime_checkable
class Dynamics(Protocol):
    time: TimeKind                  # "continuous" (ODE) or "discrete" (map with step dt_ms)
    dt_ms: float                    # the step of `trajectories` (and of the map, if discrete)
    state_labels: tuple[str, ...]   # one name per state dimension (n_state)

    def velocity(self, x: np.ndarray, u: np.ndarray) -> np.ndarray:
        """(B, n_state) dx/dt per ms at states x (B, n_state) and inputs u (B, n_channels), no noise."""

    def jacobian(self, x: np.ndarray, u: np.ndarray) -> np.ndarray | None:
        """(B, n_state, n_state) d velocity / dx, or None to let the caller use finite differences."""

    def trajectories(self, inputs: np.ndarray, seed: int) -> np.ndarray:
        """(n_trials, n_steps, n_state) the states visited on `inputs` (n_trials, n_steps, n_channels)."""


def finite_difference_jacobian(velocity, x: np.ndarray, u: np.ndarray, eps: float = 1e-6) -> np.ndarray:
    """(B, n, n) central-difference Jacobian of `velocity` at x (B, n), u (B, n_channels)."""
    x = np.asarray(x, dtype=float)
    b, n = x.shape
    jac = np.empty((b, n, n))
    for j in range(n):
        step = np.zeros(n)
        step[j] = eps * max(1.0, float(np.max(np.abs(x[:, j]))))
        jac[:, :, j] = (velocity(x + step, u) - velocity(x - step, u)) / (2 * step[j])
    return jac

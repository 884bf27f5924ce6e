"""Excitatory-inhibitory RNN with Dale's law (Song, Yang & Wang 2016, PLoS Comput Biol).

    x_t = (1 - alpha) x_{t-1} + alpha (W_rec r_{t-1} + W_in u_t + b_rec) + sqrt(2 alpha sigma_rec^2) xi_t
    r_t = [x_t]_+                      (rectified, nonnegative rates)
    W_rec = |W| * D,  D_ij = +1 for excitatory presynaptic j, -1 for inhibitory, 0 for i = j
    W_in = |W_in|                      (inputs excite)

alpha = dt / tau. The trained parameters are the unconstrained W (the sign
structure is fixed), so the gradient of |W| is passed through sign(W).
Everything is computed in the dtype of the weights.
"""
from __future__ import annotations

import numpy as np


def dale_mask(n_hidden: int, exc_fraction: float) -> np.ndarray:
    """(H, H) sign of each connection by its presynaptic (column) unit, no autapses."""
    n_exc = int(round(exc_fraction * n_hidden))
    sign = np.where(np.arange(n_hidden) < n_exc, 1.0, -1.0)
    mask = np.tile(sign, (n_hidden, 1))
    np.fill_diagonal(mask, 0.0)
    return mask


def init_ei_rnn(rng: np.random.Generator, n_in: int, n_hidden: int, exc_fraction: float,
                rho: float, prefix: str = "") -> dict:
    """Gamma-distributed magnitudes, inhibitory columns scaled so each unit's expected
    E and I input balance, then rescaled to spectral radius rho (as in the paper)."""
    mask = dale_mask(n_hidden, exc_fraction)
    n_exc = int(round(exc_fraction * n_hidden))
    W = rng.gamma(2.0, 1.0, (n_hidden, n_hidden))
    W[:, n_exc:] *= n_exc / max(1, n_hidden - n_exc)
    radius = np.max(np.abs(np.linalg.eigvals(W * mask)))
    W *= rho / radius
    return {f"{prefix}W_rec": W,
            f"{prefix}W_in": np.abs(rng.normal(0.0, 1.0 / np.sqrt(n_in), (n_hidden, n_in))),
            f"{prefix}b_rec": np.zeros(n_hidden)}


def ei_rnn_forward(u: np.ndarray, p: dict, mask: np.ndarray, alpha: float, prefix: str = "",
                   noise: np.ndarray | None = None):
    """u: (B, T, I) inputs; noise: (B, T, H) already scaled, or None. Returns rates (B, T, H)."""
    dt = p[f"{prefix}W_rec"].dtype
    W_eff = np.abs(p[f"{prefix}W_rec"]) * mask.astype(dt, copy=False)
    us = np.ascontiguousarray(u.transpose(1, 0, 2), dtype=dt)
    # one 2-D GEMM for all steps (a 3-D `@` would be one small product per step)
    drive = (us.reshape(-1, us.shape[-1]) @ np.abs(p[f"{prefix}W_in"]).T).reshape(us.shape[:2] + (-1,))
    drive += p[f"{prefix}b_rec"]
    T, B, H = drive.shape
    WT = np.ascontiguousarray(W_eff.T)
    xs = np.zeros((T + 1, B, H), dtype=dt)
    rs = np.zeros((T + 1, B, H), dtype=dt)
    nz = None if noise is None else np.asarray(noise, dtype=dt).transpose(1, 0, 2)
    for t in range(T):
        x = (1.0 - alpha) * xs[t] + alpha * (rs[t] @ WT + drive[t])
        if nz is not None:
            x += nz[t]
        xs[t + 1] = x
        rs[t + 1] = np.maximum(x, 0.0)
    return rs[1:].transpose(1, 0, 2), (us, xs, rs, W_eff, mask, alpha)


def ei_rnn_backward(dR: np.ndarray, p: dict, prefix: str, cache):
    """(du, grads) given dL/dr_t for every step, dR: (B, T, H)."""
    us, xs, rs, W_eff, mask, alpha = cache
    T = us.shape[0]
    dRs = np.asarray(dR, dtype=xs.dtype).transpose(1, 0, 2)
    ddrive = np.empty((T,) + xs.shape[1:], dtype=xs.dtype)      # alpha * dL/dx_t = dL/d(drive_t)
    dx_next = np.zeros(xs.shape[1:], dtype=xs.dtype)
    for t in range(T - 1, -1, -1):
        dr = dRs[t] + alpha * (dx_next @ W_eff) if t < T - 1 else dRs[t]
        dx = dr * (xs[t + 1] > 0) + (1.0 - alpha) * dx_next
        ddrive[t] = alpha * dx
        dx_next = dx
    H = ddrive.shape[-1]
    d2 = ddrive.reshape(-1, H)
    dW_eff = d2.T @ rs[:-1].reshape(-1, H)
    W_in, W = p[f"{prefix}W_in"], p[f"{prefix}W_rec"]
    dW_in_eff = d2.T @ us.reshape(-1, us.shape[-1])
    grads = {f"{prefix}W_rec": dW_eff * mask.astype(W.dtype, copy=False) * np.sign(W),
             f"{prefix}W_in": dW_in_eff * np.sign(W_in),
             f"{prefix}b_rec": d2.sum(axis=0)}
    du = (d2 @ np.abs(W_in)).reshape(ddrive.shape[:2] + (-1,)).transpose(1, 0, 2)
    return du, grads

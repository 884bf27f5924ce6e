"""Dense (PyTorch nn.Linear layout: W is (out, in), y = x W^T + b) and layer norm.

Inputs may have any number of leading axes; gradients of the weights sum over them.
"""
from __future__ import annotations

import numpy as np


def init_dense(rng: np.random.Generator, n_in: int, n_out: int) -> tuple[np.ndarray, np.ndarray]:
    """PyTorch's default init: U(-1/sqrt(n_in), 1/sqrt(n_in)) for weights and bias."""
    k = 1.0 / np.sqrt(n_in)
    return rng.uniform(-k, k, (n_out, n_in)), rng.uniform(-k, k, n_out)


def dense_forward(x: np.ndarray, W: np.ndarray, b: np.ndarray | None) -> np.ndarray:
    # one 2-D GEMM: numpy runs (B, T, d) @ (d, o) as B separate small products
    y = x.reshape(-1, x.shape[-1]) @ W.T
    if b is not None:
        y += b
    return y.reshape(x.shape[:-1] + (W.shape[0],))


def dense_backward(dy: np.ndarray, x: np.ndarray, W: np.ndarray):
    """(dx, dW, db) for y = x W^T + b."""
    dy2 = dy.reshape(-1, dy.shape[-1])
    x2 = x.reshape(-1, x.shape[-1])
    return (dy2 @ W).reshape(x.shape), dy2.T @ x2, dy2.sum(axis=0)


def layer_norm_forward(x: np.ndarray, gamma: np.ndarray, beta: np.ndarray, eps: float = 1e-5):
    """Normalise the last axis (biased variance, as PyTorch); returns (y, cache)."""
    mu = x.mean(axis=-1, keepdims=True)
    xc = x - mu
    inv_std = 1.0 / np.sqrt((xc * xc).mean(axis=-1, keepdims=True) + eps)
    xhat = xc * inv_std
    return xhat * gamma + beta, (xhat, inv_std, gamma)


def layer_norm_backward(dy: np.ndarray, cache):
    """(dx, dgamma, dbeta)."""
    xhat, inv_std, gamma = cache
    n = xhat.shape[-1]
    dxhat = dy * gamma
    dx = inv_std / n * (n * dxhat - dxhat.sum(axis=-1, keepdims=True)
                        - xhat * (dxhat * xhat).sum(axis=-1, keepdims=True))
    axes = tuple(range(dy.ndim - 1))
    return dx, (dy * xhat).sum(axis=axes), dy.sum(axis=axes)

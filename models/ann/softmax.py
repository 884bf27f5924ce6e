"""Numerically stable softmax and log-softmax over the last axis, with backwards."""
from __future__ import annotations

import numpy as np


def softmax(x: np.ndarray) -> np.ndarray:
    # subtracting the row max keeps exp() from overflowing; -inf entries give 0
    z = x - np.max(x, axis=-1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=-1, keepdims=True)


def softmax_backward(dy: np.ndarray, y: np.ndarray) -> np.ndarray:
    """dx for y = softmax(x): y * (dy - <dy, y>)."""
    return y * (dy - np.sum(dy * y, axis=-1, keepdims=True))


def log_softmax(x: np.ndarray) -> np.ndarray:
    z = x - np.max(x, axis=-1, keepdims=True)
    return z - np.log(np.sum(np.exp(z), axis=-1, keepdims=True))


def log_softmax_backward(dy: np.ndarray, y: np.ndarray) -> np.ndarray:
    """dx for y = log_softmax(x): dy - softmax(x) * sum(dy)."""
    return dy - np.exp(y) * np.sum(dy, axis=-1, keepdims=True)

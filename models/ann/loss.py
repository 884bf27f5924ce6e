"""Masked cross-entropy: scored only on the masked (response) time steps."""
from __future__ import annotations

import numpy as np

from models.ann.softmax import log_softmax


def masked_cross_entropy(logits: np.ndarray, target: np.ndarray, mask: np.ndarray):
    """Mean -log p(target) over trials and masked steps.

    logits: (B, T, C); target: (B,) class per trial; mask: (T,) bool (or (B, T)).
    Returns (loss, dlogits).
    """
    B, T, C = logits.shape
    m = np.broadcast_to(np.asarray(mask, dtype=float), (B, T))
    n = m.sum()
    if n == 0:
        raise ValueError("loss mask selects no time step")
    logp = log_softmax(logits)
    onehot = np.zeros((B, 1, C))
    onehot[np.arange(B), 0, target] = 1.0
    loss = -(logp * onehot).sum(axis=2)
    dlogits = (np.exp(logp) - onehot) * (m / n)[:, :, None]
    return float((loss * m).sum() / n), dlogits


def masked_accuracy(logits: np.ndarray, target: np.ndarray, mask: np.ndarray) -> float:
    """Fraction of trials whose mean log-probability over the masked steps favours the target."""
    logp = log_softmax(logits)[:, np.asarray(mask, dtype=bool)]
    return float(np.mean(logp.mean(axis=1).argmax(axis=1) == target))


def uniform_cross_entropy(logits: np.ndarray, mask: np.ndarray):
    """Mean cross-entropy toward equal class probabilities ("no decision yet") over
    the masked steps: -(1/C) sum_c log p_c. Returns (loss, dlogits)."""
    B, T, C = logits.shape
    m = np.broadcast_to(np.asarray(mask, dtype=float), (B, T))
    n = m.sum()
    if n == 0:
        return 0.0, np.zeros_like(logits)
    logp = log_softmax(logits)
    loss = -logp.mean(axis=2)
    dlogits = (np.exp(logp) - 1.0 / C) * (m / n)[:, :, None]
    return float((loss * m).sum() / n), dlogits

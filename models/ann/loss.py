"""Masked cross-entropy: scored only on the masked (response) time steps.

Losses are returned as Python floats; each dlogits has the dtype of the logits.
"""
from __future__ import annotations

import numpy as np

from attnsim.models.ann.softmax import log_softmax


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
    return float((loss * m).sum() / n), dlogits.astype(logits.dtype, copy=False)


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
    return float((loss * m).sum() / n), dlogits.astype(logits.dtype, copy=False)


# ------------------------------------------------------------- dual report
# Each of the K = 2 outputs is the logit z of its own Bernoulli variable ("target present
# at location k"), p_k = sigmoid(z_k): an independent yes/no judgment per location
# instead of one choice between them (Bishop 2006, PRML sec. 4.3.2 and 5.2; PyTorch's
# BCEWithLogitsLoss with reduction="mean").

def check_presence_target(target: np.ndarray, n_out: int) -> np.ndarray:
    """The (B, n_out) 0/1 presence target as int, or a ValueError saying what is wrong."""
    target = np.asarray(target)
    if target.ndim != 2 or target.shape[1] != n_out:
        raise ValueError(f"a dual-report target must have shape (trials, {n_out}) (presence at A, B), "
                         f"got {target.shape}")
    if not np.isin(target, (0, 1)).all():
        raise ValueError(f"a dual-report target holds 1 (present) or 0 (absent) per location, got values "
                         f"{sorted(set(np.unique(target).tolist()) - {0, 1})[:5]}")
    return target.astype(int)


def _bce_terms(logits: np.ndarray, y: np.ndarray):
    """Elementwise -[y log s(z) + (1 - y) log(1 - s(z))] = softplus(z) - y z and s(z)."""
    with np.errstate(over="ignore"):
        p = 1.0 / (1.0 + np.exp(-logits))
    loss = np.maximum(logits, 0.0) + np.log1p(np.exp(-np.abs(logits))) - y * logits
    return loss, p


def masked_binary_cross_entropy(logits: np.ndarray, target: np.ndarray, mask: np.ndarray):
    """Binary cross-entropy of K independent sigmoid outputs, mean over trials, masked steps
    and the K outputs:

        L = 1 / (n K) sum_{b, t in mask, k} [softplus(z_btk) - y_bk z_btk],   dL/dz = (s(z) - y) / (n K)

    with n the number of (trial, step) pairs in the mask. logits: (B, T, K); target: (B, K)
    in {0, 1}; mask: (T,) bool (or (B, T)). Returns (loss, dlogits).
    """
    B, T, K = logits.shape
    y = check_presence_target(target, K)[:, None, :].astype(float)
    m = np.broadcast_to(np.asarray(mask, dtype=float), (B, T))
    n = m.sum()
    if n == 0:
        raise ValueError("loss mask selects no time step")
    loss, p = _bce_terms(logits, y)
    w = (m / (n * K))[:, :, None]
    return float((loss * w).sum()), ((p - y) * w).astype(logits.dtype, copy=False)


def report_evidence(logits: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """(B, K) each output's logit averaged over the masked (response) steps: the decision
    variable of its yes/no report (log-odds of "present" on the average step)."""
    return logits[:, np.asarray(mask, dtype=bool)].mean(axis=1)


def masked_binary_accuracy(logits: np.ndarray, target: np.ndarray, mask: np.ndarray) -> float:
    """Fraction of (trial, location) judgments right: report "present" where the logit averaged
    over the masked steps is > 0 (p > 0.5), scored against target (B, K); both locations count."""
    y = check_presence_target(target, logits.shape[2])
    return float(np.mean((report_evidence(logits, mask) > 0) == (y == 1)))


def uniform_binary_cross_entropy(logits: np.ndarray, mask: np.ndarray):
    """Mean binary cross-entropy toward p = 1/2 ("no judgment yet") over the masked steps and
    the K outputs: softplus(z) - z / 2, minimal (log 2) at z = 0. Returns (loss, dlogits)."""
    B, T, K = logits.shape
    m = np.broadcast_to(np.asarray(mask, dtype=float), (B, T))
    n = m.sum()
    if n == 0:
        return 0.0, np.zeros_like(logits)
    loss, p = _bce_terms(logits, 0.5)
    w = (m / (n * K))[:, :, None]
    return float((loss * w).sum()), ((p - 0.5) * w).astype(logits.dtype, copy=False)

"""Training by backpropagation through time on fresh mini-batches of trials."""
from __future__ import annotations

import time
from typing import Callable

import numpy as np

from models.ann.adam import Adam
from models.ann.loss import masked_accuracy, masked_cross_entropy


def clip_global_norm(grads: dict[str, np.ndarray], max_norm: float) -> float:
    """Scale all gradients together so their joint L2 norm is at most max_norm; returns the norm before."""
    norm = float(np.sqrt(sum(float(np.sum(g * g)) for g in grads.values())))
    if max_norm > 0 and norm > max_norm:
        s = max_norm / norm
        for g in grads.values():
            g *= s
    return norm


def train(net, params: dict[str, np.ndarray], batch: Callable[[int, np.random.Generator], tuple], *,
          rng: np.random.Generator, learning_rate: float, batch_size: int, max_steps: int,
          target_accuracy: float, grad_clip_norm: float, accuracy_window: int = 10,
          progress: Callable[[int, int], None] | None = None) -> dict:
    """Train `params` in place.

    batch(n, rng) -> (x (n, T, I), target (n,), mask (T,)) already on the model's time grid.
    Each step draws fresh trials, so the batch accuracy measured before the update is
    a held-out estimate; training stops once its mean over the last `accuracy_window`
    steps reaches target_accuracy, or after max_steps.
    """
    opt = Adam(params, lr=learning_rate)
    losses, accs, norms = [], [], []
    t0 = time.perf_counter()
    reached = False
    for step in range(max_steps):
        x, target, mask = batch(batch_size, rng)
        logits, _, cache, _ = net(params, x, rng)
        loss, dlogits = masked_cross_entropy(logits, target, mask)
        accs.append(masked_accuracy(logits, target, mask))
        losses.append(loss)
        grads = net.backward(params, dlogits, cache)
        norms.append(clip_global_norm(grads, grad_clip_norm))
        opt.step(params, grads)
        if progress is not None:
            progress(step + 1, max_steps)
        if len(accs) >= accuracy_window and np.mean(accs[-accuracy_window:]) >= target_accuracy:
            reached = True
            break
    return {"loss": losses, "accuracy": accs, "grad_norm": norms, "steps": len(losses),
            "reached_target": reached, "train_s": time.perf_counter() - t0}

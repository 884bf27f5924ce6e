"""Training by backpropagation through time on fresh mini-batches of trials."""
from __future__ import annotations

import time
from typing import Callable

import numpy as np

from models.ann.adam import Adam
from models.ann.loss import masked_accuracy, masked_cross_entropy, uniform_cross_entropy


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
          pre_response_weight: float = 0.0,
          readout_accuracy: Callable[[np.ndarray, np.ndarray, np.ndarray], float] | None = None,
          progress: Callable[[int, int], None] | None = None) -> dict:
    """Train `params` in place.

    batch(n, rng) -> (x (n, T, I), target (n,), mask (T,)) already on the model's time grid.
    pre_response_weight > 0 adds that weight times a cross-entropy toward equal
    output probabilities on the steps outside the mask ("no decision yet").
    Each step draws fresh trials, so the batch accuracy measured before the update is
    a held-out estimate. "accuracy" scores the mean response-epoch output;
    readout_accuracy(logits, x, target), when given, scores the decision as the
    family reads it out (threshold crossing from stimulus onset). Training stops
    once the mean accuracy over the last `accuracy_window` steps reaches
    target_accuracy (and so does the readout accuracy when pre_response_weight > 0,
    the only case where training shapes the outputs before the response), or
    after max_steps.
    """
    opt = Adam(params, lr=learning_rate)
    losses, accs, norms, raccs = [], [], [], []
    t0 = time.perf_counter()
    reached = False
    for step in range(max_steps):
        x, target, mask = batch(batch_size, rng)
        logits, _, cache, _ = net(params, x, rng)
        loss, dlogits = masked_cross_entropy(logits, target, mask)
        if pre_response_weight > 0:
            l0, d0 = uniform_cross_entropy(logits, ~np.asarray(mask, dtype=bool))
            loss += pre_response_weight * l0
            dlogits += pre_response_weight * d0
        accs.append(masked_accuracy(logits, target, mask))
        if readout_accuracy is not None:
            raccs.append(readout_accuracy(logits, x, target))
        losses.append(loss)
        grads = net.backward(params, dlogits, cache)
        norms.append(clip_global_norm(grads, grad_clip_norm))
        opt.step(params, grads)
        if progress is not None:
            progress(step + 1, max_steps)
        if len(accs) >= accuracy_window:
            done = np.mean(accs[-accuracy_window:]) >= target_accuracy
            if done and pre_response_weight > 0 and raccs:
                done = np.mean(raccs[-accuracy_window:]) >= target_accuracy
            if done:
                reached = True
                break
    return {"loss": losses, "accuracy": accs, "readout_accuracy": raccs, "grad_norm": norms,
            "steps": len(losses),
            "reached_target": reached, "train_s": time.perf_counter() - t0}

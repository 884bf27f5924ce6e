"""Training by backpropagation through time on fresh mini-batches of trials."""
from __future__ import annotations

from typing import Callable

import numpy as np

from attnsim.models.ann.adam import Adam
from attnsim.models.ann.loss import (masked_accuracy, masked_binary_accuracy, masked_binary_cross_entropy,
                            masked_cross_entropy, uniform_binary_cross_entropy, uniform_cross_entropy)

# target (B,) -> one choice between the outputs (softmax); target (B, 2) -> a yes/no per output (sigmoid)
_LOSSES = {1: (masked_cross_entropy, uniform_cross_entropy, masked_accuracy),
           2: (masked_binary_cross_entropy, uniform_binary_cross_entropy, masked_binary_accuracy)}


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

    batch(n, rng) -> (x (n, T, I), target, mask (T,)) already on the model's time grid.
    target (n,) is the class per trial: a softmax over the outputs, masked_cross_entropy.
    target (n, 2) is presence (1/0) at each location (dual report): each output is its
    own sigmoid, masked_binary_cross_entropy, and "accuracy" counts both locations'
    yes/no judgments (masked_binary_accuracy). Every batch must have the same kind.
    pre_response_weight > 0 adds that weight times a cross-entropy toward equal
    output probabilities (p = 1/2 per sigmoid output in the dual case) on the steps
    outside the mask ("no decision yet").
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
    reached = False
    kind = None
    for step in range(max_steps):
        x, target, mask = batch(batch_size, rng)
        if kind is None:
            kind = np.ndim(target)
            if kind not in _LOSSES:
                raise ValueError(f"training target must be (trials,) classes or (trials, 2) presence per "
                                 f"location, got shape {np.shape(target)}")
        elif np.ndim(target) != kind:
            raise ValueError(f"training batches mix target shapes: {np.shape(target)} after {kind}-D targets")
        task_loss, no_decision_loss, accuracy = _LOSSES[kind]
        logits, _, cache, _ = net(params, x, rng)
        loss, dlogits = task_loss(logits, target, mask)
        if pre_response_weight > 0:
            l0, d0 = no_decision_loss(logits, ~np.asarray(mask, dtype=bool))
            loss += pre_response_weight * l0
            dlogits += pre_response_weight * d0
        accs.append(accuracy(logits, target, mask))
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
            "reached_target": reached}

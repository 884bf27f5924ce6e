"""An RNN trained on the n-bit flip-flop task (Sussillo & Barak 2013, Neural Comput 25:626, sec. 3.1).

Each of n input channels carries rare pulses of +1 or -1; output k must hold the sign of the last
pulse on channel k (0 before the first). A network that solves it has 2^n stable fixed points at
zero input, one per stored pattern. Trained with the repository's own numpy RNN (models.ann.recurrent:
tanh, leak alpha; alpha = 1 is PyTorch's nn.RNN) and Adam (models.ann.adam), mean-squared error on every step.
"""
from __future__ import annotations

import numpy as np

from attnsim.models.ann.adam import Adam
from attnsim.models.ann.layers import dense_backward, dense_forward, init_dense
from attnsim.models.ann.recurrent import init_recurrent, rnn_backward, rnn_forward


def flipflop_batch(rng: np.random.Generator, n_trials: int, n_steps: int, n_bits: int, p_pulse: float = 0.05):
    """(inputs (B, T, n_bits) in {-1, 0, 1}, targets (B, T, n_bits) the last pulse's sign)."""
    pulses = rng.random((n_trials, n_steps, n_bits)) < p_pulse
    signs = np.where(rng.random((n_trials, n_steps, n_bits)) < 0.5, -1.0, 1.0)
    x = pulses * signs
    target = np.zeros_like(x)
    state = np.zeros((n_trials, n_bits))
    for t in range(n_steps):
        state = np.where(pulses[:, t], signs[:, t], state)
        target[:, t] = state
    return x, target


def train_flipflop(n_bits: int = 3, hidden: int = 48, steps: int = 400, batch: int = 64, n_steps: int = 60,
                   learning_rate: float = 0.01, alpha: float = 1.0, seed: int = 0):
    """(weights {W_ih, W_hh, b_ih, b_hh, readout_W, readout_b} in float64, final mean-squared error)."""
    rng = np.random.default_rng(seed)
    w = init_recurrent(rng, "rnn", n_bits, hidden)
    w["readout_W"], w["readout_b"] = init_dense(rng, hidden, n_bits)
    opt = Adam(w, lr=learning_rate)
    mse = np.inf
    for _ in range(steps):
        x, y = flipflop_batch(rng, batch, n_steps, n_bits)
        h, cache = rnn_forward(x, w, alpha=alpha)
        out = dense_forward(h, w["readout_W"], w["readout_b"])
        err = out - y
        mse = float(np.mean(err ** 2))
        dout = 2.0 * err / err.size
        dh, gW, gb = dense_backward(dout, h, w["readout_W"])
        _, grads = rnn_backward(dh, w, "", cache)
        grads["readout_W"], grads["readout_b"] = gW, gb
        norm = np.sqrt(sum(float(np.sum(g * g)) for g in grads.values()))
        if norm > 1.0:
            grads = {k: g / norm for k, g in grads.items()}
        opt.step(w, grads)
    return w, mse

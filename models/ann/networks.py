"""Whole networks: inputs (B, T, I) -> core -> per-step logits (B, T, 2).

Each network has `init(rng, n_in) -> params`, is called as `net(params, x, rng=None)
-> (logits, hidden, cache, extras)` and `backward(params, dlogits, cache) -> grads`
(a dict with the same keys as params). `hidden` is what the family reports as
its units' activity; `rng` drives recurrent noise where a network has it.

Precision: a network computes in the dtype of its params (see `cast`); `init`
draws float64 values (so a seed gives the same weights, rounded, in either
precision), inputs and upstream gradients are cast to the params' dtype.
"""
from __future__ import annotations

import numpy as np

from attnsim.models.ann import attention, ei_rnn, recurrent
from attnsim.models.ann.layers import dense_backward, dense_forward, init_dense

N_OUT = 2
DTYPES = ("float32", "float64")


def cast(params: dict[str, np.ndarray], dtype) -> dict[str, np.ndarray]:
    """The same params in `dtype` (arrays already in it are kept, not copied)."""
    return {k: np.asarray(v, dtype=dtype) for k, v in params.items()}


def _dtype(p: dict) -> np.dtype:
    """The dtype the network computes in: that of its (first) weight."""
    return next(iter(p.values())).dtype


class RecurrentNetwork:
    """RNN / GRU / LSTM layer followed by a linear readout of every hidden state."""

    def __init__(self, cell: str, n_hidden: int, *, alpha: float = 1.0, activation: str = "tanh"):
        if cell not in recurrent.GATES:
            raise ValueError(f"unknown cell {cell!r}")
        self.cell, self.n_hidden, self.alpha, self.activation = cell, n_hidden, alpha, activation

    def init(self, rng: np.random.Generator, n_in: int) -> dict:
        p = recurrent.init_recurrent(rng, self.cell, n_in, self.n_hidden)
        p["readout_W"], p["readout_b"] = init_dense(rng, self.n_hidden, N_OUT)
        return p

    def __call__(self, p, x, rng=None):
        if self.cell == "rnn":
            h, cache = recurrent.rnn_forward(x, p, alpha=self.alpha, activation=self.activation)
        else:
            h, cache = recurrent.FORWARD[self.cell](x, p)
        return dense_forward(h, p["readout_W"], p["readout_b"]), h, (h, cache), {}

    def backward(self, p, dlogits, fcache):
        h, cache = fcache
        dh, gW, gb = dense_backward(np.asarray(dlogits, dtype=h.dtype), h, p["readout_W"])
        _, grads = recurrent.BACKWARD[self.cell](dh, p, "", cache)
        grads["readout_W"], grads["readout_b"] = gW, gb
        return grads


class EIRNNNetwork:
    """Song, Yang & Wang 2016: E/I RNN; the readout sees excitatory units only,
    through nonnegative weights |W_out| (as in the paper)."""

    def __init__(self, n_hidden: int, *, exc_fraction: float = 0.8, alpha: float = 0.2,
                 rho: float = 1.5, sigma_rec: float = 0.05):
        self.n_hidden, self.exc_fraction, self.alpha = n_hidden, exc_fraction, alpha
        self.rho, self.sigma_rec = rho, sigma_rec
        self.n_exc = int(round(exc_fraction * n_hidden))
        self.mask = ei_rnn.dale_mask(n_hidden, exc_fraction)

    def init(self, rng: np.random.Generator, n_in: int) -> dict:
        p = ei_rnn.init_ei_rnn(rng, n_in, self.n_hidden, self.exc_fraction, self.rho)
        p["readout_W"] = np.abs(rng.normal(0.0, 1.0 / np.sqrt(self.n_exc), (N_OUT, self.n_exc)))
        p["readout_b"] = np.zeros(N_OUT)
        return p

    def __call__(self, p, x, rng=None):
        noise = None
        dt = _dtype(p)
        if rng is not None and self.sigma_rec > 0:
            # drawn in float64 in either precision, so one seed gives one noise sequence
            noise = np.sqrt(2.0 * self.alpha) * self.sigma_rec * rng.standard_normal(
                (x.shape[0], x.shape[1], self.n_hidden))
            noise = noise.astype(dt, copy=False)
        r, cache = ei_rnn.ei_rnn_forward(x, p, self.mask, self.alpha, noise=noise)
        re = r[:, :, :self.n_exc]
        logits = dense_forward(re, np.abs(p["readout_W"]), p["readout_b"])
        return logits, r, (re, cache), {}

    def backward(self, p, dlogits, fcache):
        re, cache = fcache
        dre, gW, gb = dense_backward(np.asarray(dlogits, dtype=re.dtype), re, np.abs(p["readout_W"]))
        dr = np.zeros(re.shape[:2] + (self.n_hidden,), dtype=re.dtype)
        dr[:, :, :self.n_exc] = dre
        _, grads = ei_rnn.ei_rnn_backward(dr, p, "", cache)
        grads["readout_W"], grads["readout_b"] = gW * np.sign(p["readout_W"]), gb
        return grads


def sinusoidal_positions(n_steps: int, d_model: int) -> np.ndarray:
    """(T, d) fixed sine/cosine position code (Vaswani et al. 2017)."""
    pos = np.arange(n_steps)[:, None]
    i = np.arange(0, d_model, 2)[None, :]
    ang = pos / (10000.0 ** (i / d_model))
    pe = np.zeros((n_steps, d_model))
    pe[:, 0::2] = np.sin(ang)
    pe[:, 1::2] = np.cos(ang[:, : d_model // 2])
    return pe


class TransformerNetwork:
    """Linear embedding + sinusoidal positions, causal encoder blocks, linear readout.
    The causal mask lets step t attend only to steps <= t, so outputs are online."""

    def __init__(self, d_model: int = 32, n_heads: int = 2, d_ff: int = 64, n_layers: int = 1):
        if d_model % n_heads:
            raise ValueError(f"d_model {d_model} is not divisible by n_heads {n_heads}")
        self.d_model, self.n_heads, self.d_ff, self.n_layers = d_model, n_heads, d_ff, n_layers

    def init(self, rng: np.random.Generator, n_in: int) -> dict:
        p = {}
        p["embed_W"], p["embed_b"] = init_dense(rng, n_in, self.d_model)
        for layer in range(self.n_layers):
            p.update(attention.init_encoder_block(rng, self.d_model, self.d_ff, f"layers.{layer}."))
        p["readout_W"], p["readout_b"] = init_dense(rng, self.d_model, N_OUT)
        return p

    def __call__(self, p, x, rng=None):
        T, dt = x.shape[1], _dtype(p)
        mask = attention.causal_mask(T)
        x = np.asarray(x, dtype=dt)
        h = dense_forward(x, p["embed_W"], p["embed_b"])
        h += sinusoidal_positions(T, self.d_model).astype(dt)
        caches = []
        for layer in range(self.n_layers):
            h, c = attention.encoder_block_forward(h, p, f"layers.{layer}.", self.n_heads, mask)
            caches.append(c)
        logits = dense_forward(h, p["readout_W"], p["readout_b"])
        weights = caches[-1][0][2][0] if caches else None      # (B, heads, T, T) of the last layer
        return logits, h, (x, h, caches), {"attention_weights": weights}

    def backward(self, p, dlogits, fcache):
        x, h, caches = fcache
        dh, gW, gb = dense_backward(np.asarray(dlogits, dtype=h.dtype), h, p["readout_W"])
        grads = {"readout_W": gW, "readout_b": gb}
        for layer in range(self.n_layers - 1, -1, -1):
            dh, g = attention.encoder_block_backward(dh, p, f"layers.{layer}.", caches[layer])
            grads.update(g)
        _, grads["embed_W"], grads["embed_b"] = dense_backward(dh, x, p["embed_W"])
        return grads

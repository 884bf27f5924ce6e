"""Recurrent layers over whole sequences: leaky vanilla RNN, GRU, LSTM.

Gate equations and weight layout are PyTorch's (nn.RNN / nn.GRU / nn.LSTM, one
layer, batch_first input), so W_ih (G*H, I), W_hh (G*H, H), b_ih, b_hh map one
to one with gates stacked in PyTorch's order: GRU (r, z, n), LSTM (i, f, g, o).

Speed: the input projection of all time steps is one matmul before the loop;
inside the loop only h @ W_hh^T remains. BPTT stores the per-step gate
gradients and forms the weight gradients with one matmul after the loop.
Arrays are time-major (T, B, .) inside so each step reads contiguous memory.

Precision: every array is computed in the dtype of the weights (float32 or
float64); inputs are cast to it once, on entry.
"""
from __future__ import annotations

import numpy as np

from attnsim.models.ann.activations import get_activation, sigmoid_inplace, tanh_into

GATES = {"rnn": 1, "gru": 3, "lstm": 4}


def init_recurrent(rng: np.random.Generator, cell: str, n_in: int, n_hidden: int, prefix: str = "") -> dict:
    """PyTorch's init: every weight and bias U(-1/sqrt(H), 1/sqrt(H))."""
    g, k = GATES[cell], 1.0 / np.sqrt(n_hidden)
    return {f"{prefix}W_ih": rng.uniform(-k, k, (g * n_hidden, n_in)),
            f"{prefix}W_hh": rng.uniform(-k, k, (g * n_hidden, n_hidden)),
            f"{prefix}b_ih": rng.uniform(-k, k, g * n_hidden),
            f"{prefix}b_hh": rng.uniform(-k, k, g * n_hidden)}


def _input_projection(x, p, prefix):
    """(xs, x_t W_ih^T + b_ih for all t at once): time-major (T, B, I) and (T, B, G*H),
    in the weights' dtype."""
    W = p[f"{prefix}W_ih"]
    xs = np.ascontiguousarray(x.transpose(1, 0, 2), dtype=W.dtype)           # (T, B, I)
    return xs, _matmul2d(xs, W.T, p[f"{prefix}b_ih"])


def _matmul2d(a, b, bias=None):
    """a (..., K) @ b (K, N) [+ bias] as one 2-D GEMM: numpy runs a 3-D `@` as one
    small product per leading index, ~6x slower here (K = 4 inputs)."""
    y = a.reshape(-1, a.shape[-1]) @ b
    if bias is not None:
        y += bias
    return y.reshape(a.shape[:-1] + (b.shape[-1],))


def _finish(p, prefix, xs, hprev, d_x, d_hh):
    """Weight gradients from per-step pre-activation gradients, in one matmul each.

    d_x: (T, B, G*H) gradient w.r.t. the input projection, d_hh: w.r.t. h W_hh^T + b_hh
    (they differ only for the GRU's n gate); hprev: (T, B, H) the state fed into each step.
    """
    G = d_x.shape[-1]
    dx2, dh2 = d_x.reshape(-1, G), d_hh.reshape(-1, G)
    grads = {f"{prefix}W_ih": dx2.T @ xs.reshape(-1, xs.shape[-1]),
             f"{prefix}b_ih": dx2.sum(axis=0),
             f"{prefix}W_hh": dh2.T @ hprev.reshape(-1, hprev.shape[-1]),
             f"{prefix}b_hh": dh2.sum(axis=0)}
    dx = _matmul2d(d_x, p[f"{prefix}W_ih"]).transpose(1, 0, 2)
    return dx, grads


# ---------------------------------------------------------------- vanilla RNN
def rnn_forward(x: np.ndarray, p: dict, prefix: str = "", *, alpha: float = 1.0,
                activation: str = "tanh", noise: np.ndarray | None = None):
    """h_t = (1 - alpha) h_{t-1} + alpha * f(W_ih x_t + b_ih + W_hh h_{t-1} + b_hh [+ noise_t]).

    alpha = 1 with tanh is PyTorch's nn.RNN. x: (B, T, I); noise: (B, T, H) or None.
    Returns hidden states (B, T, H) and the cache for the backward pass.
    """
    act = get_activation(activation)
    xs, pre = _input_projection(x, p, prefix)
    pre += p[f"{prefix}b_hh"]
    if noise is not None:
        pre += noise.transpose(1, 0, 2)
    T, B, H = pre.shape
    WhhT = np.ascontiguousarray(p[f"{prefix}W_hh"].T)
    hs = np.zeros((T + 1, B, H), dtype=pre.dtype)
    ys = np.empty((T, B, H), dtype=pre.dtype)
    fast_tanh = activation == "tanh"
    with np.errstate(over="ignore"):
        for t in range(T):
            pre[t] += hs[t] @ WhhT
            if fast_tanh:
                tanh_into(pre[t], ys[t])
            else:
                ys[t] = act.forward(pre[t])
            if alpha == 1.0:
                hs[t + 1] = ys[t]
            else:
                np.subtract(ys[t], hs[t], out=hs[t + 1])
                hs[t + 1] *= alpha
                hs[t + 1] += hs[t]
    return hs[1:].transpose(1, 0, 2), (xs, pre, ys, hs, alpha, act)


def rnn_backward(dH: np.ndarray, p: dict, prefix: str, cache):
    """(dx, grads) given dL/dh_t for every step, dH: (B, T, H)."""
    xs, pre, ys, hs, alpha, act = cache
    dHs = np.asarray(dH, dtype=pre.dtype).transpose(1, 0, 2)
    W = p[f"{prefix}W_hh"]
    # alpha * f'(pre) for every step at once (each backward is dy * f'(x))
    fac = act.backward(np.full_like(pre, alpha), pre, ys)
    dpre = np.empty_like(pre)
    dh = np.zeros_like(hs[0])
    for t in range(pre.shape[0] - 1, -1, -1):
        dh += dHs[t]
        np.multiply(dh, fac[t], out=dpre[t])
        if alpha != 1.0:
            dh *= 1.0 - alpha
            dh += dpre[t] @ W
        else:
            dh = dpre[t] @ W
    return _finish(p, prefix, xs, hs[:-1], dpre, dpre)


# ------------------------------------------------------------------------ GRU
def gru_forward(x: np.ndarray, p: dict, prefix: str = ""):
    """PyTorch GRU:
        r = s(W_ir x + b_ir + W_hr h + b_hr),  z = s(W_iz x + b_iz + W_hz h + b_hz)
        n = tanh(W_in x + b_in + r * (W_hn h + b_hn)),  h' = (1 - z) * n + z * h
    """
    xs, xp = _input_projection(x, p, prefix)
    T, B, G = xp.shape
    H = G // 3
    W, bhh = p[f"{prefix}W_hh"], p[f"{prefix}b_hh"]
    xp[:, :, :2 * H] += bhh[:2 * H]
    WrzT = np.ascontiguousarray(W[:2 * H].T)
    WnT = np.ascontiguousarray(W[2 * H:].T)
    hs = np.zeros((T + 1, B, H), dtype=xp.dtype)
    hn = np.empty((T, B, H), dtype=xp.dtype)
    # xp is overwritten in place: its r, z block becomes the gates, its n block n
    rz, n = xp[:, :, :2 * H], xp[:, :, 2 * H:]
    with np.errstate(over="ignore"):
        for t in range(T):
            a = rz[t]
            a += hs[t] @ WrzT
            sigmoid_inplace(a)
            np.matmul(hs[t], WnT, out=hn[t])
            hn[t] += bhh[2 * H:]
            nt = n[t]
            nt += a[:, :H] * hn[t]
            tanh_into(nt, nt)
            h1 = hs[t + 1]
            np.subtract(hs[t], nt, out=h1)
            h1 *= a[:, H:]
            h1 += nt
    return hs[1:].transpose(1, 0, 2), (xs, hs, rz, n, hn)


def gru_backward(dH: np.ndarray, p: dict, prefix: str, cache):
    xs, hs, rz, n, hn = cache
    T, B, H = n.shape
    dHs = np.asarray(dH, dtype=n.dtype).transpose(1, 0, 2)
    W = p[f"{prefix}W_hh"]
    r, z = rz[:, :, :H], rz[:, :, H:]
    # local derivatives for all steps at once; the loop only chains them
    fn = (1.0 - z) * (1.0 - n * n)                  # dh -> n pre-activation
    fz = (hs[:-1] - n) * z * (1.0 - z)              # dh -> z pre-activation
    fr = hn * r * (1.0 - r)                         # n pre-activation -> r pre-activation
    d_x = np.empty((T, B, 3 * H), dtype=n.dtype)
    d_hh = np.empty((T, B, 3 * H), dtype=n.dtype)
    dh = np.zeros((B, H), dtype=n.dtype)
    for t in range(T - 1, -1, -1):
        dh += dHs[t]
        dn = np.multiply(dh, fn[t], out=d_x[t, :, 2 * H:])
        np.multiply(dh, fz[t], out=d_x[t, :, H:2 * H])
        np.multiply(dn, fr[t], out=d_x[t, :, :H])
        d_hh[t, :, :2 * H] = d_x[t, :, :2 * H]
        np.multiply(dn, r[t], out=d_hh[t, :, 2 * H:])
        dh *= z[t]
        dh += d_hh[t] @ W
    return _finish(p, prefix, xs, hs[:-1], d_x, d_hh)


# ----------------------------------------------------------------------- LSTM
def lstm_forward(x: np.ndarray, p: dict, prefix: str = ""):
    """PyTorch LSTM: gates (i, f, g, o) = (s, s, tanh, s)(W_ih x + b_ih + W_hh h + b_hh);
    c' = f * c + i * g;  h' = o * tanh(c')."""
    xs, xp = _input_projection(x, p, prefix)
    xp += p[f"{prefix}b_hh"]
    T, B, G = xp.shape
    H = G // 4
    WhhT = np.ascontiguousarray(p[f"{prefix}W_hh"].T)
    hs = np.zeros((T + 1, B, H), dtype=xp.dtype)
    cs = np.zeros((T + 1, B, H), dtype=xp.dtype)
    tc = np.empty((T, B, H), dtype=xp.dtype)
    gates = xp                           # overwritten in place with the gate values
    # float32: one tanh for all four gates, s(u) = (1 + tanh(u / 2)) / 2, with the i, f, o
    # pre-activations halved up front (exact: a power of 2); float64: one sigmoid for all
    # four, tanh(u) = 2 s(2u) - 1 (numpy's float64 tanh is slow without AVX-512)
    via_tanh = xp.dtype == np.float32
    if via_tanh:
        half = np.full(G, 0.5, dtype=xp.dtype)
        half[2 * H:3 * H] = 1.0
        xp *= half
        WhhT *= half
    with np.errstate(over="ignore"):
        for t in range(T):
            a = gates[t]
            a += hs[t] @ WhhT
            g = a[:, 2 * H:3 * H]
            if via_tanh:
                np.tanh(a, out=a)
                for s_ in (a[:, :2 * H], a[:, 3 * H:]):
                    s_ *= 0.5
                    s_ += 0.5
            else:
                g *= 2.0
                sigmoid_inplace(a)
                g *= 2.0
                g -= 1.0
            c1 = cs[t + 1]
            np.multiply(a[:, H:2 * H], cs[t], out=c1)
            c1 += a[:, :H] * g
            tanh_into(c1, tc[t])
            np.multiply(a[:, 3 * H:], tc[t], out=hs[t + 1])
    return hs[1:].transpose(1, 0, 2), (xs, hs, cs, gates, tc)


def lstm_backward(dH: np.ndarray, p: dict, prefix: str, cache):
    xs, hs, cs, gates, tc = cache
    T, B, G = gates.shape
    H = G // 4
    dHs = np.asarray(dH, dtype=gates.dtype).transpose(1, 0, 2)
    W = p[f"{prefix}W_hh"]
    i, f, g, o = (gates[:, :, k * H:(k + 1) * H] for k in range(4))
    # local derivatives for all steps at once
    fc = o * (1.0 - tc * tc)                        # dh -> dc
    fi = g * i * (1.0 - i)
    ff = cs[:-1] * f * (1.0 - f)
    fg = i * (1.0 - g * g)
    fo = tc * o * (1.0 - o)
    da = np.empty((T, B, G), dtype=gates.dtype)
    dh = np.zeros((B, H), dtype=gates.dtype)
    dc = np.zeros((B, H), dtype=gates.dtype)
    for t in range(T - 1, -1, -1):
        dh += dHs[t]
        dc += dh * fc[t]
        np.multiply(dc, fi[t], out=da[t, :, :H])
        np.multiply(dc, ff[t], out=da[t, :, H:2 * H])
        np.multiply(dc, fg[t], out=da[t, :, 2 * H:3 * H])
        np.multiply(dh, fo[t], out=da[t, :, 3 * H:])
        dc *= f[t]
        dh = da[t] @ W
    return _finish(p, prefix, xs, hs[:-1], da, da)


FORWARD = {"rnn": rnn_forward, "gru": gru_forward, "lstm": lstm_forward}
BACKWARD = {"rnn": rnn_backward, "gru": gru_backward, "lstm": lstm_backward}

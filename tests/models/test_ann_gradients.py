"""Finite-difference checks of every hand-written backward in models.ann (float64)."""
import numpy as np
import pytest

from attnsim.models.ann import attention, ei_rnn, recurrent
from attnsim.models.ann.activations import ACTIVATIONS
from attnsim.models.ann.layers import dense_backward, dense_forward, layer_norm_backward, layer_norm_forward
from attnsim.models.ann.loss import masked_cross_entropy, uniform_cross_entropy
from attnsim.models.ann.networks import EIRNNNetwork, RecurrentNetwork, TransformerNetwork
from attnsim.models.ann.softmax import log_softmax, log_softmax_backward, softmax, softmax_backward
from tests.helpers.gradients import check


@pytest.fixture
def rng():
    return np.random.default_rng(1)


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_activation_gradients(name, rng):
    act = ACTIVATIONS[name]
    x = rng.normal(0, 2, (5, 7))
    x[np.abs(x) < 1e-3] = 0.5                       # keep ReLU kinks away from the probe
    w = rng.normal(size=x.shape)
    y = act.forward(x)
    dx = act.backward(w, x, y)
    check(lambda: np.sum(w * act.forward(x)), x, dx)


def test_activation_values():
    x = np.array([-800.0, -1.0, 0.0, 2.0, 800.0])
    with np.errstate(over="ignore"):
        expect = 1 / (1 + np.exp(-x))
    np.testing.assert_allclose(ACTIVATIONS["sigmoid"].forward(x), expect, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(ACTIVATIONS["softplus"].forward(x[1:4]), np.log1p(np.exp(x[1:4])))
    assert ACTIVATIONS["softplus"].forward(x)[-1] == 800.0
    np.testing.assert_allclose(ACTIVATIONS["leaky_relu"].forward(x), np.where(x > 0, x, 0.01 * x))


def test_softmax_and_log_softmax(rng):
    x = rng.normal(size=(4, 5))
    w = rng.normal(size=x.shape)
    y = softmax(x)
    check(lambda: np.sum(w * softmax(x)), x, softmax_backward(w, y))
    ly = log_softmax(x)
    check(lambda: np.sum(w * log_softmax(x)), x, log_softmax_backward(w, ly))
    # stable for huge logits, and agrees with the definition
    big = np.array([[1000.0, 0.0, -1000.0]])
    assert np.all(np.isfinite(log_softmax(big))) and softmax(big)[0, 0] == 1.0
    np.testing.assert_allclose(np.exp(ly), np.exp(x) / np.exp(x).sum(-1, keepdims=True))


def test_dense(rng):
    x = rng.normal(size=(3, 4, 5))
    W, b = rng.normal(size=(6, 5)), rng.normal(size=6)
    w = rng.normal(size=(3, 4, 6))
    f = lambda: np.sum(w * dense_forward(x, W, b))
    dx, dW, db = dense_backward(w, x, W)
    check(f, x, dx)
    check(f, W, dW)
    check(f, b, db)


def test_layer_norm(rng):
    x = rng.normal(size=(3, 4, 6))
    g, b = rng.normal(size=6), rng.normal(size=6)
    w = rng.normal(size=x.shape)
    f = lambda: np.sum(w * layer_norm_forward(x, g, b)[0])
    y, cache = layer_norm_forward(x, g, b)
    dx, dg, db = layer_norm_backward(w, cache)
    check(f, x, dx)
    check(f, g, dg)
    check(f, b, db)
    xhat = (y - b) / g
    np.testing.assert_allclose(xhat.mean(-1), 0, atol=1e-12)
    np.testing.assert_allclose(xhat.var(-1), 1, atol=1e-4)


def test_attention_with_mask(rng):
    q, k, v = (rng.normal(size=(2, 3, 5, 4)) for _ in range(3))
    mask = attention.causal_mask(5)
    w = rng.normal(size=(2, 3, 5, 4))
    f = lambda: np.sum(w * attention.attention_forward(q, k, v, mask)[0])
    out, cache = attention.attention_forward(q, k, v, mask)
    dq, dk, dv = attention.attention_backward(w, cache)
    for x, d in ((q, dq), (k, dk), (v, dv)):
        check(f, x, d)
    a = cache[0]
    assert np.all(a[..., ~mask] == 0)                 # no weight on future steps
    np.testing.assert_allclose(a.sum(-1), 1.0)
    # closed form for the first query: it sees only key 0
    np.testing.assert_allclose(out[..., 0, :], v[..., 0, :])


def test_attention_in_chunks_with_per_trial_mask(rng, monkeypatch):
    """Several score matrices per chunk, a ragged last chunk, and a key-padding mask per trial."""
    q, k, v = (rng.normal(size=(3, 2, 5, 4)) for _ in range(3))
    mask = np.ones((3, 1, 5, 5), dtype=bool)
    mask[1, :, :, 3:] = False                       # trial 1 may not attend keys 3, 4
    w = rng.normal(size=q.shape)
    whole, cache = attention.attention_forward(q, k, v, mask)
    grads_whole = attention.attention_backward(w, cache)
    monkeypatch.setattr(attention, "_CHUNK_BYTES", 8 * 25 * 4)     # 4 of the 6 matrices per chunk
    out, cache = attention.attention_forward(q, k, v, mask)
    np.testing.assert_allclose(out, whole, rtol=1e-14)
    assert np.all(cache[0][1, :, :, 3:] == 0)
    f = lambda: np.sum(w * attention.attention_forward(q, k, v, mask)[0])
    grads = attention.attention_backward(w, cache)
    for x, d, d_whole in zip((q, k, v), grads, grads_whole):
        np.testing.assert_allclose(d, d_whole, rtol=1e-12, atol=1e-14)
        check(f, x, d)


def test_multi_head(rng):
    d, heads = 8, 2
    p = attention.init_multi_head(rng, d, "mh.")
    for key in p:
        p[key] = p[key] + rng.normal(0, 0.1, p[key].shape)   # nonzero biases too
    x = rng.normal(size=(2, 5, d))
    mask = attention.causal_mask(5)
    w = rng.normal(size=x.shape)
    f = lambda: np.sum(w * attention.multi_head_forward(x, p, "mh.", heads, mask)[0])
    _, cache = attention.multi_head_forward(x, p, "mh.", heads, mask)
    dx, g = attention.multi_head_backward(w, p, "mh.", cache)
    check(f, x, dx)
    for key in p:
        check(f, p[key], g[key])


def test_encoder_block(rng):
    d, heads, ff = 8, 2, 12
    p = attention.init_encoder_block(rng, d, ff, "b.")
    for key in p:
        p[key] = p[key] + rng.normal(0, 0.1, p[key].shape)
    x = rng.normal(size=(2, 5, d))
    mask = attention.causal_mask(5)
    w = rng.normal(size=x.shape)
    f = lambda: np.sum(w * attention.encoder_block_forward(x, p, "b.", heads, mask)[0])
    _, cache = attention.encoder_block_forward(x, p, "b.", heads, mask)
    dx, g = attention.encoder_block_backward(w, p, "b.", cache)
    assert set(g) == set(p)
    check(f, x, dx)
    for key in p:
        check(f, p[key], g[key], n_probe=20)


def _loss_setup(rng, T=7, B=3):
    target = rng.integers(0, 2, B)
    mask = np.zeros(T, dtype=bool)
    mask[-3:] = True
    return target, mask


def test_masked_cross_entropy(rng):
    logits = rng.normal(size=(3, 6, 2))
    target, mask = _loss_setup(rng, T=6)
    loss, d = masked_cross_entropy(logits, target, mask)
    check(lambda: masked_cross_entropy(logits, target, mask)[0], logits, d)
    assert np.all(d[:, ~mask] == 0)
    # closed form: mean over trials and masked steps of -log p(target)
    p = np.exp(logits) / np.exp(logits).sum(-1, keepdims=True)
    expect = -np.mean([np.log(p[b, t, target[b]]) for b in range(3) for t in np.flatnonzero(mask)])
    assert loss == pytest.approx(expect, rel=1e-12)


def test_uniform_cross_entropy(rng):
    logits = rng.normal(size=(3, 6, 2))
    _, mask = _loss_setup(rng, T=6)
    loss, d = uniform_cross_entropy(logits, ~mask)
    check(lambda: uniform_cross_entropy(logits, ~mask)[0], logits, d)
    assert np.all(d[:, mask] == 0)
    # minimal (log 2) exactly at equal probabilities
    assert uniform_cross_entropy(np.zeros((2, 6, 2)), ~mask)[0] == pytest.approx(np.log(2))


def _check_network(net, rng, n_in=3, T=7, B=3, n_probe=25):
    p = net.init(rng, n_in)
    x = rng.random((B, T, n_in))
    target, mask = _loss_setup(rng, T, B)

    def loss():
        return masked_cross_entropy(net(p, x, np.random.default_rng(5))[0], target, mask)[0]

    logits, _, cache, _ = net(p, x, np.random.default_rng(5))
    _, d = masked_cross_entropy(logits, target, mask)
    g = net.backward(p, d, cache)
    assert set(g) == set(p)
    for key in p:
        check(loss, p[key], g[key], n_probe=n_probe)


@pytest.mark.parametrize("cell,activation,alpha", [("rnn", "tanh", 1.0), ("rnn", "tanh", 0.3),
                                                   ("rnn", "softplus", 0.5), ("gru", None, None),
                                                   ("lstm", None, None)])
def test_recurrent_through_time(cell, activation, alpha, rng):
    kw = {} if cell != "rnn" else {"alpha": alpha, "activation": activation}
    net = RecurrentNetwork(cell, 5, **kw)
    _check_network(net, rng)


def test_recurrent_input_gradient(rng):
    """dL/dx of each cell through time (what a stacked layer below would receive)."""
    for cell in ("rnn", "gru", "lstm"):
        p = recurrent.init_recurrent(rng, cell, 3, 4)
        x = rng.normal(size=(2, 6, 3))
        w = rng.normal(size=(2, 6, 4))
        f = lambda: np.sum(w * recurrent.FORWARD[cell](x, p)[0])
        _, cache = recurrent.FORWARD[cell](x, p)
        dx, _ = recurrent.BACKWARD[cell](w, p, "", cache)
        check(f, x, dx)


def test_ei_rnn_through_time(rng):
    net = EIRNNNetwork(10, exc_fraction=0.8, alpha=0.2, rho=1.5, sigma_rec=0.05)
    p = net.init(rng, 3)
    # keep weights away from |w|'s kink at 0
    for key in ("W_rec", "W_in", "readout_W"):
        p[key] = np.where(np.abs(p[key]) < 1e-3, 1e-2, p[key])
    _check_network(net, rng, n_probe=40)


def test_ei_rnn_input_gradient(rng):
    mask = ei_rnn.dale_mask(6, 0.5)
    p = ei_rnn.init_ei_rnn(rng, 3, 6, 0.5, 1.2)
    p["b_rec"] += 0.3
    u = rng.random((2, 5, 3))
    w = rng.normal(size=(2, 5, 6))
    f = lambda: np.sum(w * ei_rnn.ei_rnn_forward(u, p, mask, 0.25)[0])
    _, cache = ei_rnn.ei_rnn_forward(u, p, mask, 0.25)
    du, _ = ei_rnn.ei_rnn_backward(w, p, "", cache)
    check(f, u, du)


def test_transformer_network(rng):
    _check_network(TransformerNetwork(d_model=8, n_heads=2, d_ff=12, n_layers=2), rng, n_probe=15)

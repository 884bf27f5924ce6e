"""Precision of the artificial models: float32 by default, float64 on request.

The float64 backward passes are checked against finite differences in
test_ann_gradients.py; here the float32 ones are checked against float64 on the
same weights (finite differences in float32 would be dominated by rounding),
and the families' `dtype` parameter is checked end to end.
"""
import numpy as np
import pytest

from attnsim.models.ann.families import (DotProductAttentionModel, EIRNNModel, GRUModel, LSTMModel, RNNModel)
from attnsim.models.ann.heap import keep_freed_memory
from attnsim.models.ann.loss import masked_binary_cross_entropy, masked_cross_entropy
from attnsim.models.ann.networks import EIRNNNetwork, RecurrentNetwork, TransformerNetwork, cast
from attnsim.models.params import ParamError
from attnsim.tasks.selective import make_selective

NETWORKS = {
    "rnn": lambda: RecurrentNetwork("rnn", 8),
    "leaky_relu_rnn": lambda: RecurrentNetwork("rnn", 8, alpha=0.4, activation="leaky_relu"),
    "gru": lambda: RecurrentNetwork("gru", 8),
    "lstm": lambda: RecurrentNetwork("lstm", 8),
    "ei_rnn": lambda: EIRNNNetwork(10, sigma_rec=0.0),
    "transformer": lambda: TransformerNetwork(d_model=8, n_heads=2, d_ff=12, n_layers=2),
}


def _rel(a, b):
    return float(np.max(np.abs(a - b)) / max(1e-8, np.max(np.abs(b))))


@pytest.mark.parametrize("name", sorted(NETWORKS))
@pytest.mark.parametrize("binary", [False, True])
def test_float32_forward_and_backward_match_float64(name, binary):
    net = NETWORKS[name]()
    rng = np.random.default_rng(3)
    p64 = net.init(np.random.default_rng(1), 3)
    x = rng.random((4, 20, 3))
    mask = np.zeros(20, dtype=bool)
    mask[-6:] = True
    target = rng.integers(0, 2, (4, 2)) if binary else rng.integers(0, 2, 4)
    loss_fn = masked_binary_cross_entropy if binary else masked_cross_entropy
    out = {}
    for dtype in ("float64", "float32"):
        p = cast(p64, dtype)
        logits, hidden, cache, _ = net(p, x, None)
        loss, d = loss_fn(logits, target, mask)
        grads = net.backward(p, d, cache)
        assert logits.dtype == hidden.dtype == d.dtype == np.dtype(dtype)
        assert set(grads) == set(p) and all(g.dtype == np.dtype(dtype) for g in grads.values())
        out[dtype] = logits, loss, grads
    (l64, loss64, g64), (l32, loss32, g32) = out["float64"], out["float32"]
    assert _rel(l32, l64) < 1e-5
    assert loss32 == pytest.approx(loss64, rel=1e-5)
    for key in g64:
        assert _rel(g32[key], g64[key]) < 1e-3, key


def test_cast_keeps_arrays_already_in_dtype():
    p = {"a": np.ones(3, dtype=np.float32), "b": np.ones(2)}
    q = cast(p, "float32")
    assert q["a"] is p["a"] and q["b"].dtype == np.float32


def _trials(n, seed):
    return make_selective(n_trials=n, dt_ms=10.0, timing_ms=dict(fixation=100, cue=100, stimulus=200, response=100),
                          contrasts=[0.5], conditions=["attend_A", "attend_B"], seed=seed)


def _batch(n, rng):
    tr = _trials(n, int(rng.integers(2**31)))
    return tr.inputs, tr.target, tr.loss_mask()


@pytest.mark.parametrize("cls", [DotProductAttentionModel, RNNModel, GRUModel, LSTMModel, EIRNNModel])
def test_dtype_param_sets_the_precision_of_training_and_runs(cls):
    assert cls.Params().dtype == "float32"
    size = {"d_model": 8, "d_ff": 16} if cls is DotProductAttentionModel else {"hidden": 10}
    tr = _trials(6, 99)
    acts = {}
    for dtype in ("float32", "float64"):
        m = cls(cls.Params(max_steps=2, batch_size=4, dtype=dtype, **size))
        m.fit(_batch, tr.dt_ms, tr.channels, seed=5)
        assert all(w.dtype == np.dtype(dtype) for w in m.weights.values())
        act = m.run(tr.inputs, tr.dt_ms, tr.channels, seed=7)
        assert act.rates.dtype == np.float64            # reported in float64 whatever the precision
        acts[dtype] = act.rates
        # saved weights come back in the model's precision, also from the other precision
        other = cls(cls.Params(max_steps=2, batch_size=4, dtype="float64" if dtype == "float32" else "float32",
                               **size))
        other.load_state(m.state())
        assert all(w.dtype == np.dtype(other.params.dtype) for w in other.weights.values())
    # same seed, same initial weights (drawn in float64): the two precisions stay close
    assert np.max(np.abs(acts["float32"] - acts["float64"])) < 1e-2


def test_dtype_param_validates():
    with pytest.raises(ParamError, match="dtype"):
        GRUModel.Params(dtype="float16")


def test_keep_freed_memory_nests_and_restores():
    with keep_freed_memory():
        with keep_freed_memory():
            a = np.ones((1000, 1000))
        del a
    b = np.zeros((1000, 1000))                      # allocation still works after restoring
    assert b.sum() == 0

"""Outputs and gradients against PyTorch with the same weights (skipped without torch),
in float64 (to rounding) and float32 (the default precision; to float32 rounding).

PyTorch is not a project dependency; run with an interpreter that has it, e.g.
`python -m pytest tests/models/test_ann_torch_parity.py`.
"""
import numpy as np
import pytest

from attnsim.models.ann.loss import masked_cross_entropy
from attnsim.models.ann.networks import RecurrentNetwork, TransformerNetwork, cast, sinusoidal_positions

torch = pytest.importorskip("torch")
nn = torch.nn

B, T, I, H = 3, 9, 4, 6
# (outputs atol, gradients rtol, gradients atol) per precision; float32 carries ~7 digits
TOL = {"float64": (1e-12, 1e-9, 1e-12), "float32": (1e-5, 1e-3, 1e-5)}
TORCH_DTYPE = {"float64": torch.float64, "float32": torch.float32}


def _data():
    rng = np.random.default_rng(0)
    x = rng.random((B, T, I))
    target = rng.integers(0, 2, B)
    mask = np.zeros(T, dtype=bool)
    mask[-3:] = True
    return x, target, mask


def _compare(net, p, torch_forward, torch_params, dtype):
    """torch_params: numpy key -> torch Parameter holding the same values, both in `dtype`."""
    x, target, mask = _data()
    p = cast(p, dtype)
    logits, _, cache, _ = net(p, x)
    assert logits.dtype == np.dtype(dtype)
    _, d = masked_cross_entropy(logits, target, mask)
    grads = net.backward(p, d, cache)
    assert all(g.dtype == np.dtype(dtype) for g in grads.values())
    out = torch_forward(torch.from_numpy(x).to(TORCH_DTYPE[dtype]))
    sel = out[:, torch.from_numpy(mask)]
    loss = nn.functional.cross_entropy(sel.reshape(-1, 2),
                                       torch.from_numpy(target).repeat_interleave(int(mask.sum())))
    loss.backward()
    out_atol, g_rtol, g_atol = TOL[dtype]
    np.testing.assert_allclose(logits, out.detach().numpy(), rtol=0, atol=out_atol)
    for key, tp in torch_params.items():
        np.testing.assert_allclose(grads[key], tp.grad.numpy(), rtol=g_rtol, atol=g_atol, err_msg=key)


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("cell", ["rnn", "gru", "lstm"])
def test_recurrent_matches_pytorch(cell, dtype):
    net = RecurrentNetwork(cell, H)
    p = net.init(np.random.default_rng(1), I)
    core = {"rnn": nn.RNN, "gru": nn.GRU, "lstm": nn.LSTM}[cell](I, H, batch_first=True).double()
    readout = nn.Linear(H, 2).double()
    names = {"W_ih": core.weight_ih_l0, "W_hh": core.weight_hh_l0, "b_ih": core.bias_ih_l0,
             "b_hh": core.bias_hh_l0, "readout_W": readout.weight, "readout_b": readout.bias}
    with torch.no_grad():
        for k, tp in names.items():
            tp.copy_(torch.from_numpy(p[k]))
    core.to(TORCH_DTYPE[dtype])
    readout.to(TORCH_DTYPE[dtype])
    _compare(net, p, lambda x: readout(core(x)[0]), names, dtype)


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_transformer_matches_pytorch(dtype):
    d = 8
    net = TransformerNetwork(d_model=d, n_heads=2, d_ff=12, n_layers=1)
    p = net.init(np.random.default_rng(2), I)
    embed, readout = nn.Linear(I, d).double(), nn.Linear(d, 2).double()
    layer = nn.TransformerEncoderLayer(d, 2, 12, dropout=0.0, batch_first=True).double()
    names = {"embed_W": embed.weight, "embed_b": embed.bias, "readout_W": readout.weight,
             "readout_b": readout.bias}
    lp = dict(layer.named_parameters())
    for k in p:
        if k.startswith("layers.0."):
            name = k[len("layers.0."):].replace("out_proj_", "out_proj.")
            for mod in ("linear1", "linear2", "norm1", "norm2"):
                name = name.replace(f"{mod}_", f"{mod}.")
            names[k] = lp[name]
    with torch.no_grad():
        for k, tp in names.items():
            tp.copy_(torch.from_numpy(p[k]))
    for m in (embed, readout, layer):
        m.to(TORCH_DTYPE[dtype])
    pe = torch.from_numpy(sinusoidal_positions(T, d)).to(TORCH_DTYPE[dtype])
    causal = ~torch.from_numpy(np.tril(np.ones((T, T), dtype=bool)))
    _compare(net, p, lambda x: readout(layer(embed(x) + pe, src_mask=causal)), names, dtype)

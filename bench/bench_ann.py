"""Training-step speed of the numpy artificial models, against PyTorch when it is installed.

One training step = forward, masked cross-entropy, backward, Adam; batch 32,
150 time steps, 4 inputs, 64 hidden units; the transformer is one encoder
layer, d_model 32, 2 heads, feed-forward 64. Both libraries run on one thread.
Each family is timed in the project's default float32 and in float64 (the old
path, kept as a second reference). With PyTorch the same weights are loaded into
it first and the float64 outputs compared (max|diff|), which checks that the
weight layouts map one to one; then PyTorch is timed in float32 (its default)
and float64. The numpy "rnn" here is the non-leaky nn.RNN case (alpha = 1).

Timing: the four variants of a family are timed in interleaved blocks of
`--repeats` steps (so background load hits them alike), after one warm-up step
each; each time is the median over `--blocks` blocks.

    python bench/bench_ann.py [--repeats 10] [--blocks 5] [--families lstm gru]
PyTorch is not a project dependency; run this with an interpreter that has it
to get the torch columns and ratios.
"""
from __future__ import annotations

import argparse
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import numpy as np  # noqa: E402

from attnsim.models.ann.adam import Adam  # noqa: E402
from attnsim.models.ann.blas_threads import single_thread_blas  # noqa: E402
from attnsim.models.ann.heap import keep_freed_memory  # noqa: E402
from attnsim.models.ann.loss import masked_cross_entropy  # noqa: E402
from attnsim.models.ann.networks import (EIRNNNetwork, RecurrentNetwork, TransformerNetwork,  # noqa: E402
                                         cast, sinusoidal_positions)

B, T, N_IN, HIDDEN = 32, 150, 4, 64
RESPONSE_STEPS = 10

try:
    import torch
    from torch import nn
except ImportError:
    torch = None


def numpy_networks():
    return {
        "rnn": RecurrentNetwork("rnn", HIDDEN, alpha=1.0),         # = nn.RNN(tanh)
        "gru": RecurrentNetwork("gru", HIDDEN),
        "lstm": RecurrentNetwork("lstm", HIDDEN),
        "ei_rnn": EIRNNNetwork(HIDDEN, alpha=0.2, sigma_rec=0.05),
        "dot_product_attention": TransformerNetwork(d_model=32, n_heads=2, d_ff=64, n_layers=1),
    }


def time_interleaved(steps: dict, repeats: int, blocks: int) -> dict:
    """Median ms per call of each callable in `steps`, timed in interleaved blocks."""
    for step in steps.values():
        step()                                      # warm-up
    times = {k: [] for k in steps}
    for _ in range(blocks):
        for k, step in steps.items():
            t0 = time.perf_counter()
            for _ in range(repeats):
                step()
            times[k].append((time.perf_counter() - t0) / repeats)
    return {k: float(np.median(v)) * 1e3 for k, v in times.items()}


# ------------------------------------------------------------------ PyTorch twins
if torch is not None:
    class TorchRecurrent(nn.Module):
        def __init__(self, cell):
            super().__init__()
            self.core = {"rnn": nn.RNN, "gru": nn.GRU, "lstm": nn.LSTM}[cell](N_IN, HIDDEN, batch_first=True)
            self.readout = nn.Linear(HIDDEN, 2)

        def forward(self, x):
            return self.readout(self.core(x)[0])

        def load_numpy(self, p):
            with torch.no_grad():
                for a, b in (("W_ih", "weight_ih_l0"), ("W_hh", "weight_hh_l0"), ("b_ih", "bias_ih_l0"),
                             ("b_hh", "bias_hh_l0")):
                    getattr(self.core, b).copy_(torch.from_numpy(p[a]))
                self.readout.weight.copy_(torch.from_numpy(p["readout_W"]))
                self.readout.bias.copy_(torch.from_numpy(p["readout_b"]))

    class TorchEIRNN(nn.Module):
        """The same E/I RNN written with autograd (Python loop over time, as usual in PyTorch)."""

        def __init__(self, net):
            super().__init__()
            self.net = net
            self.W_rec = nn.Parameter(torch.zeros(HIDDEN, HIDDEN))
            self.W_in = nn.Parameter(torch.zeros(HIDDEN, N_IN))
            self.b_rec = nn.Parameter(torch.zeros(HIDDEN))
            self.readout_W = nn.Parameter(torch.zeros(2, net.n_exc))
            self.readout_b = nn.Parameter(torch.zeros(2))
            self.register_buffer("mask", torch.from_numpy(net.mask))

        def forward(self, x, noise=None):
            a = self.net.alpha
            W = (self.W_rec.abs() * self.mask).T
            drive = x @ self.W_in.abs().T + self.b_rec
            h = torch.zeros(x.shape[0], HIDDEN, dtype=x.dtype)
            r = torch.zeros_like(h)
            rs = []
            for t in range(x.shape[1]):
                h = (1 - a) * h + a * (r @ W + drive[:, t])
                if noise is not None:
                    h = h + noise[:, t]
                r = torch.relu(h)
                rs.append(r)
            r = torch.stack(rs, 1)[:, :, :self.net.n_exc]
            return r @ self.readout_W.abs().T + self.readout_b

        def load_numpy(self, p):
            with torch.no_grad():
                for k in ("W_rec", "W_in", "b_rec", "readout_W", "readout_b"):
                    getattr(self, k).copy_(torch.from_numpy(p[k]))

    class TorchTransformer(nn.Module):
        def __init__(self):
            super().__init__()
            self.embed = nn.Linear(N_IN, 32)
            self.layer = nn.TransformerEncoderLayer(32, 2, 64, dropout=0.0, batch_first=True)
            self.readout = nn.Linear(32, 2)
            self.register_buffer("pe", torch.from_numpy(sinusoidal_positions(T, 32)))
            self.register_buffer("causal", ~torch.from_numpy(np.tril(np.ones((T, T), dtype=bool))))

        def forward(self, x):
            return self.readout(self.layer(self.embed(x) + self.pe, src_mask=self.causal))

        def load_numpy(self, p):
            sd = {"embed.weight": p["embed_W"], "embed.bias": p["embed_b"],
                  "readout.weight": p["readout_W"], "readout.bias": p["readout_b"]}
            for k, v in p.items():
                if k.startswith("layers.0."):
                    name = k[len("layers.0."):].replace("out_proj_", "out_proj.")
                    for mod in ("linear1", "linear2", "norm1", "norm2"):
                        name = name.replace(f"{mod}_", f"{mod}.")
                    sd["layer." + name] = v
            self.load_state_dict({**{k: torch.from_numpy(v) for k, v in sd.items()},
                                  "pe": self.pe, "causal": self.causal})

    def torch_model(name, net):
        if name == "ei_rnn":
            return TorchEIRNN(net)
        if name == "dot_product_attention":
            return TorchTransformer()
        return TorchRecurrent(name)


def _data():
    rng = np.random.default_rng(0)
    x = rng.random((B, T, N_IN))
    target = rng.integers(0, 2, B)
    mask = np.zeros(T, dtype=bool)
    mask[-RESPONSE_STEPS:] = True
    return x, target, mask


def numpy_step(net, dtype, x, target, mask):
    """One numpy training step in `dtype`, on the bench's weights (seed 1)."""
    p = cast(net.init(np.random.default_rng(1), N_IN), dtype)
    opt = Adam(p, lr=1e-3)
    step_rng = np.random.default_rng(2)
    xd = x.astype(dtype)

    def step():
        logits, _, cache, _ = net(p, xd, step_rng)
        _, d = masked_cross_entropy(logits, target, mask)
        opt.step(p, net.backward(p, d, cache))
    return step


def torch_steps(name, net, x, target, mask):
    """(float32 step, float64 step, max|diff| of float64 outputs vs numpy) with the numpy weights."""
    p = net.init(np.random.default_rng(1), N_IN)
    tt = torch.from_numpy(target)
    tmask = torch.from_numpy(mask)
    reps = int(tmask.sum())
    out = []
    for dtype in (torch.float32, torch.float64):
        tm = torch_model(name, net).double()
        tm.load_numpy(p)
        tm.to(dtype)
        xt = torch.from_numpy(x).to(dtype)
        opt = torch.optim.Adam(tm.parameters(), lr=1e-3)

        def step(tm=tm, xt=xt, opt=opt):
            opt.zero_grad()
            o = tm(xt)[:, tmask]
            loss = nn.functional.cross_entropy(o.reshape(-1, 2), tt.repeat_interleave(reps))
            loss.backward()
            opt.step()
        out.append(step)
        if dtype == torch.float64:
            with torch.no_grad():
                ref = tm(xt).numpy()
            diff = float(np.max(np.abs(net(p, x, None)[0] - ref)))
    return out[0], out[1], diff


def measure(families=None, repeats: int = 10, blocks: int = 5, use_torch: bool = True) -> list[dict]:
    """Per family: median ms per training step of numpy float32 / float64 and, when torch is
    importable (and use_torch), PyTorch float32 / float64, plus the float64 output difference."""
    x, target, mask = _data()
    have_torch = use_torch and torch is not None
    if have_torch:
        torch.set_num_threads(1)
        torch.manual_seed(0)
    rows = []
    with single_thread_blas(), keep_freed_memory():      # as the families' fit() and run()
        for name, net in numpy_networks().items():
            if families and name not in families:
                continue
            steps = {"numpy_f32": numpy_step(net, "float32", x, target, mask),
                     "numpy_f64": numpy_step(net, "float64", x, target, mask)}
            diff = None
            if have_torch:
                steps["torch_f32"], steps["torch_f64"], diff = torch_steps(name, net, x, target, mask)
            row = {"family": name, **time_interleaved(steps, repeats, blocks)}
            if diff is not None:
                row["max_diff_f64"] = diff
            rows.append(row)
    return rows


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=10, help="steps per timed block")
    ap.add_argument("--blocks", type=int, default=5, help="timed blocks per variant (median)")
    ap.add_argument("--families", nargs="*", default=None)
    args = ap.parse_args()
    if torch is not None:
        print(f"PyTorch {torch.__version__} found: ratios are numpy / PyTorch, same command, 1 thread")
    else:
        print("PyTorch not installed: numpy timings only")
    print(f"batch {B}, {T} steps, {N_IN} inputs, hidden {HIDDEN}; one step = forward + backward + Adam; "
          f"ms per step, median of {args.blocks} blocks of {args.repeats}")
    print(f"{'family':<24}{'numpy f32':>10}{'numpy f64':>10}{'f32/f64':>8}{'torch f32':>10}{'ratio':>7}"
          f"{'torch f64':>10}{'ratio':>7}{'max|diff|':>10}")
    for r in measure(args.families, args.repeats, args.blocks):
        line = f"{r['family']:<24}{r['numpy_f32']:>10.1f}{r['numpy_f64']:>10.1f}{r['numpy_f32'] / r['numpy_f64']:>8.2f}"
        if "torch_f32" in r:
            line += (f"{r['torch_f32']:>10.1f}{r['numpy_f32'] / r['torch_f32']:>7.2f}"
                     f"{r['torch_f64']:>10.1f}{r['numpy_f64'] / r['torch_f64']:>7.2f}{r['max_diff_f64']:>10.1e}")
        print(line, flush=True)


if __name__ == "__main__":
    main()

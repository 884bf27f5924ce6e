"""All recurrent synapses of one PD14 column in compressed rows with ring-buffer delivery.

Why: at full scale (3e8 synapses, about 1e9 synaptic events per biological second) a Brian2
Synapses object is bound by memory: it stores 32 bytes per synapse (pre and post indices, weight
and delay in double precision, and the spike queue's own copy of the indices and delays), and
every event is touched twice, once when its index is pushed into the delay queue and once when
`I_syn_post += w` reads it back. Creating the synapses costs more than the run: push_back per
synapse, a pass each for weights and delays, and the queue's per-source index lists.

This layout keeps, per source neuron, its synapses in one contiguous row (CSR, Saad 2003,
Iterative Methods for Sparse Linear Systems, sec. 3.4), sorted by delay:

    post (int32), weight (float32, amperes), delay (uint8, time steps)     9 bytes per synapse

and delivers as NEST does (Morrison et al. 2005, Neural Comput 17:1776): a ring buffer of D rows
of N floats (D = longest delay in steps + 1, N neurons of the column). At step n, every spike of
neuron i adds its weights into the rows of their arrival steps,

    R[(n + d_k) mod D, post_k] += w_k        for k in row i,

and then the row of step n is added to the synaptic current and cleared,

    I_syn[j] += R[n mod D, j],  R[n mod D, j] = 0.

A spike emitted at step n is therefore received at step n + d_k, in the `synapses` slot of the
schedule, exactly as with Brian2's spike queue (delays rounded to steps as Brian2 does,
int(d / dt + 0.5), d >= dt). Rows sorted by delay keep consecutive updates inside one ring row.

Connectivity, weights and delays have the distribution of the fused Synapses build
(models/microcircuit/fused_pathways.py, whose tables this module reuses): out-degree
n ~ Poisson(sum_t K_ts / N_s) per source (std::poisson_distribution); target population by the
cumulative table and target cell uniform in it, both from one uniform draw; weight by inverse-CDF
sampling of its truncated normal (`attnsim_ndtri_fast`), the per-pathway gain (TimedArray
`<prefix>pathway_gain`, index t * P + s) multiplied in; delay directly in steps from the exact
distribution of the rounded truncated normal (`delay_step_thresholds`, a 64-bit threshold table
searched from a guide table, as models/microcircuit/poisson_table.py), which is all Brian2 keeps of
a delay. Per source cell, the three draws of each synapse are taken first (target, weight,
delay, synapse after synapse) and then turned into values one quantity at a time, so the
weights' inverse normal runs as a vectorized loop on its central branch
(`attnsim_ndtri_fast_central`); the values are those of drawing each synapse whole. The big
arrays are allocated on transparent huge pages where Linux offers them (the ring is written at
random), and each update prefetches the ring line PREFETCH_DISTANCE updates ahead. The draws
come from xoshiro256** seeded from
ATTNSIM_SEED_<seed_name> (models/microcircuit/xoshiro.py) and a stream constant per column, so
the connectivity depends on that seed only. The rows are built in the first time step of the run
(after the command line has set the pathway gains); the binary then writes
`attnsim_csr_<tag>.txt` to its results folder: the seconds the build took, then the synapse count
of every pathway of `pairs`, in that order (standalone.Binary.run reads both); with the
environment variable ATTNSIM_CSR_DUMP set it also writes the rows, `attnsim_csr_<tag>_row_start.bin`
(int64, N + 1), `_post.bin` (int32), `_weight.bin` (float32, A) and `_delay.bin` (uint8, steps).

The step is one C++ function called from a `run_regularly` that sets a shared counter (its
scalar code runs once per step, outside any OpenMP loop). cpp_standalone only. Its C++ is
cpp/csr_synapses.cpp; kernel_function fills the placeholders ({N}, {D_THRESHOLDS}, {NS}, ...).
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass

import numpy as np

from attnsim.models.microcircuit import cpp_sources
from attnsim.models.microcircuit import fused_pathways as FP
from attnsim.models.microcircuit import xoshiro as X

PREFETCH_DISTANCE = 16      # synaptic updates between a ring line's prefetch and its update
MAX_DELAY_STEPS = 255       # uint8 storage; PD14's delays (truncated normals) stay below ~80 steps

_CPP = cpp_sources.read("csr_synapses.cpp")


def delay_step_thresholds(d_mean_ms, d_sd_ms, dt_ms: float) -> np.ndarray:
    """Thresholds of the delay in time steps, k = int(d / dt + 0.5), for d ~ N(d_mean, d_sd^2)
    truncated below at dt, per source population: T[s, k - 1] = round(2^64 (1 - P(k_d > k))),
    k = 1..L, the last one 2^64 - 1 (L: the first k with P(k_d > k) < 2^-64). Shape (P, L), ints.

    P(k_d > k) = P(d >= (k + 1/2) dt) = Q(((k + 1/2) dt - d_mean) / d_sd) / Q((dt - d_mean) / d_sd),
    Q the standard normal survival function (scipy's, accurate in the tail)."""
    from scipy.stats import norm
    mu, sd = np.asarray(d_mean_ms, float), np.asarray(d_sd_ms, float)
    if np.any(sd <= 0) or np.any(mu <= 0) or dt_ms <= 0:
        raise ValueError(f"delays: need d_mean > 0, d_sd > 0, dt > 0 (got {mu}, {sd}, {dt_ms})")
    two64 = 2 ** 64
    log_mass = norm.logsf((dt_ms - mu) / sd)
    tails = []
    for s in range(len(mu)):
        row, k = [], 1
        while True:
            p = float(np.exp(norm.logsf(((k + 0.5) * dt_ms - mu[s]) / sd[s]) - log_mass[s]))
            if p < 2.0 ** -64:
                break
            row.append(p)
            k += 1
            if k > MAX_DELAY_STEPS:
                raise ValueError(f"delays: more than {MAX_DELAY_STEPS} steps of dt = {dt_ms} ms are likely")
        tails.append(row)
    length = max(len(r) for r in tails) + 1
    T = np.empty((len(mu), length), dtype=object)
    for s, row in enumerate(tails):
        vals = [min(two64 - 1, two64 - int(round(p * two64))) for p in row]
        T[s] = vals + [two64 - 1] * (length - len(vals))
    return T


@dataclass(frozen=True)
class KernelCounts:
    """Synapse counts of a csr_synapses kernel: the binary copies the count lines of
    `attnsim_csr_<tag>.txt` (one per pathway of the kernel's `pairs`) into its counts file."""
    tag: str
    n_pairs: int

    @property
    def name(self) -> str:
        return f"csr_synapses[{self.tag}, {self.n_pairs} pathways]"


def kernel_function(tab: dict, spikespace: str, i_syn: str, gain, pairs, tag_seed: str,
                    seed_name: str = "NET"):
    """The per-step Brian2 Function of one column (module doc).

    tab: fused_pathways.tables(...) of the column; spikespace, i_syn: the cpp_standalone array
    names of its NeuronGroup's `_spikespace` and `I_syn`; gain: the TimedArray of per-pathway
    gains, shape (1, P*P); pairs: ((target index, source index), ...) whose counts are reported;
    tag_seed: a string unique to the column (its prefix), for the stream and the file name.
    Returns (name, Function, KernelCounts)."""
    from brian2 import Function

    from attnsim.models.microcircuit import truncnorm as T

    pairs = tuple((int(t), int(s)) for t, s in pairs)
    n = int(np.sum(tab["sizes"]))
    expected = float(np.sum(tab["out_mean"] * tab["sizes"]))
    from attnsim.models.microcircuit.poisson_table import guide_table
    thr = delay_step_thresholds(tab["d"], tab["d_sd"], tab["dt_ms"])
    cdf = np.asarray(tab["target_cdf"], float)
    width = np.diff(np.concatenate([np.zeros((cdf.shape[0], 1)), cdf], axis=1), axis=1)
    scale = np.where(width > 0, tab["sizes"][None, :] / np.where(width > 0, width, 1.0), 0.0)
    parts = dict(P=str(tab["P"]), N=str(n), TABLES=FP.cpp_tables(tab, "{NS}"), D_LEN=str(thr.shape[1]),
                 D_THRESHOLDS="{" + ", ".join("{" + ", ".join(f"{int(v)}ULL" for v in r) + "}" for r in thr) + "}",
                 D_GUIDE=FP._c_array(guide_table(thr)), TARGET_SCALE=FP._c_array(scale), N_PAIRS=str(len(pairs)),
                 N_PAIRS_1=str(max(1, len(pairs))),
                 PAIRS="{" + ", ".join(f"{{{t}, {s}}}" for t, s in pairs) + "}" if pairs else "{{0, 0}}",
                 EXPECTED=repr(expected), SPIKESPACE=spikespace, ISYN=i_syn, GAIN=gain.name,
                 NDTRI=T.FAST_NAME, TAIL_P=repr(T.FAST_TAIL_P), PREFETCH=str(PREFETCH_DISTANCE))
    digest = hashlib.sha256((repr(sorted(parts.items())) + tag_seed + seed_name).encode()).hexdigest()[:10]
    ns = f"attnsim_csr_{digest}"
    name = f"attnsim_csr_step_{digest}"
    parts.update(NS=ns, NAME=name, TAG=digest)
    code = _CPP
    for k in sorted(parts, key=len, reverse=True):        # longer keys first (N_PAIRS before N)
        code = code.replace("{" + k + "}", parts[k])
    stream = int(hashlib.sha256(f"csr|{tag_seed}".encode()).hexdigest()[:8], 16)
    code = X.cpp_block(f"{ns}_rng", seed_name, stream) + code

    def pyfunc(calls):
        raise NotImplementedError(f"{name}: only the cpp_standalone device is supported")

    f = Function(pyfunc, arg_units=[1], arg_names=["calls"], return_unit=1, arg_types=["float"],
                 return_type="float", stateless=False)
    f.implementations.add_implementation("cpp", code, name=name,
                                         dependencies={T.FAST_NAME: T.ndtri_fast_function(), gain.name: gain})
    return name, f, KernelCounts(digest, len(pairs))

"""All recurrent pathways of one PD14 column as ONE Brian2 Synapses object.

Why: with one Synapses object per pathway (55 at full scale), every time step runs 55 spike-queue
pushes and 55 deliveries, most of them over a handful of spikes; the per-object overhead, not the
synaptic events, dominated the column's cost. One object has one queue and one delivery loop,
and its synapses are stored sorted by source neuron (contiguous per source).

Connectivity (the same distribution as the per-pathway build, network.py): for source neuron i
of population s, the number of its synapses onto population t is n_ts ~ Poisson(K_ts / N_s),
targets uniform in t with replacement. Here each source draws its total out-degree

    n ~ Poisson(sum_t K_ts / N_s)

and each of its n synapses picks the target population t with probability K_ts / sum_t' K_t's,
then a target uniform in t. By the splitting (thinning) property of the Poisson distribution the
per-target counts n_ts are then independent Poisson(K_ts / N_s), exactly as before (Kingman 1993,
Poisson Processes, ch. 2; any excluded pathway has K_ts = 0).

Weights and delays are drawn per synapse from the population pair (pop_pre, pop_post) by table
lookup with the same truncated normals as the per-pathway build (models/microcircuit/truncnorm.py,
inverse-CDF sampling; here with `attnsim_ndtri_fast`, exact to ~1e-9 of a standard deviation):
w ~ N(w_ts, (0.1 w_ts)^2) truncated to the sign of w_ts, d ~ N(d_s, (0.5 d_s)^2) truncated below at
dt. A per-pathway gain (TimedArray `<prefix>pathway_gain`, shape (1, P*P), index t * P + s, 1 by
default) multiplies the weights once at t = 0 of the run (network.build_column); it can be set
per run (Binary.run timed_arrays) without recompiling, for lesions.

The tables are compiled into C++ functions (cpp_standalone only); each function name carries a
digest of its tables so columns with different tables never share a symbol. The C++ templates
are cpp/fused_pathways_tables.cpp (cpp_tables) and cpp/fused_pathways.cpp (functions).
"""
from __future__ import annotations

import hashlib

import numpy as np
from scipy.special import ndtr

from attnsim.models.microcircuit import cpp_sources


def _c_array(values) -> str:
    """C initializer of a 1-d or 2-d array (floats with repr's round-trip precision)."""
    a = np.asarray(values)
    if a.ndim == 1:
        return "{" + ", ".join(repr(float(v)) if a.dtype.kind == "f" else str(int(v)) for v in a) + "}"
    return "{" + ", ".join(_c_array(r) for r in a) + "}"


def tables(K: np.ndarray, sizes: np.ndarray, w_mean_pA: np.ndarray, w_rel_sd: float,
           d_mean_ms: np.ndarray, d_rel_sd: float, dt_ms: float) -> dict:
    """Lookup tables of the fused build.

    K (P, P) synapse counts [target, source]; sizes (P,) neurons per population; w_mean_pA (P, P);
    d_mean_ms (P, P), constant down each column (delay by source). Returns out_mean (P,) mean
    out-degree per source, target_cdf (P, P) [source, target] cumulative target choice, starts (P,),
    and the weight/delay parameters with their truncation masses (truncnorm.expr)."""
    K = np.asarray(K, float)
    sizes = np.asarray(sizes, int)
    P = len(sizes)
    out_total = K.sum(axis=0)                                     # per source
    out_mean = np.where(sizes > 0, out_total / np.maximum(sizes, 1), 0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        cdf = np.where(out_total[:, None] > 0, np.cumsum(K.T, axis=1) / out_total[:, None], 1.0)
    cdf[:, -1] = 1.0
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    w = np.asarray(w_mean_pA, float)
    w_sd = np.abs(w) * w_rel_sd
    # mass of N(w, sd^2) on w's side of 0: Phi(|w| / sd)
    w_tail = ndtr(np.abs(w) / np.where(w_sd > 0, w_sd, 1.0))
    d = np.asarray(d_mean_ms, float)
    if not np.allclose(d, d[:1, :]):
        raise ValueError("fused pathways: the mean delay must depend on the source only")
    d_src = d[0]
    d_sd = d_src * d_rel_sd
    d_tail = ndtr((d_src - dt_ms) / d_sd)
    return dict(P=P, out_mean=out_mean, target_cdf=cdf, starts=starts, sizes=sizes, w=w, w_sd=w_sd,
                w_tail=w_tail, d=d_src, d_sd=d_sd, d_tail=d_tail, dt_ms=float(dt_ms))


_TABLES_CPP = cpp_sources.read("fused_pathways_tables.cpp")


def cpp_tables(tab: dict, ns: str) -> str:
    """C++ defining, in namespace `ns`, the connectivity and weight tables of `tables()`: P,
    out_mean[P], target_cdf[P][P] ([source][target]), starts[P], sizes[P], w_mean, w_sd, w_tail
    ([target][source]). The fused build and csr_synapses.py both draw from them."""
    parts = dict(NS=ns, P=str(tab["P"]), OUT_MEAN=_c_array(tab["out_mean"]), TARGET_CDF=_c_array(tab["target_cdf"]),
                 STARTS=_c_array(tab["starts"].astype(int)), SIZES=_c_array(tab["sizes"].astype(int)),
                 W=_c_array(tab["w"]), W_SD=_c_array(tab["w_sd"]), W_TAIL=_c_array(tab["w_tail"]))
    code = _TABLES_CPP
    for k in sorted(parts, key=len, reverse=True):
        code = code.replace("{" + k + "}", parts[k])
    return code


_CPP = cpp_sources.read("fused_pathways.cpp")


def functions(tab: dict) -> dict:
    """Brian2 Functions for the fused build, keyed by role: 'out_mean'(pop) -> mean out-degree,
    'target'(pop, u_pop, u_cell) -> global target index, 'weight'(pop_pre, pop_post, u) -> pA,
    'delay'(pop_pre, u) -> ms. Returns {role: (name, Function)}."""
    from brian2 import Function

    from attnsim.models.microcircuit import truncnorm as T

    parts = dict(P=str(tab["P"]), D=_c_array(tab["d"]), D_SD=_c_array(tab["d_sd"]), D_TAIL=_c_array(tab["d_tail"]),
                 DT_MS=repr(float(tab["dt_ms"])))
    tables_code = cpp_tables(tab, "{NS}")
    digest = hashlib.sha256((repr(sorted(parts.items())) + tables_code).encode()).hexdigest()[:10]
    names = {r: f"attnsim_pd14_{r}_{digest}" for r in ("out_mean", "target", "weight", "delay")}
    code = (tables_code + _CPP).replace("{NS}", f"attnsim_fp_{digest}").replace("{OUT}", names["out_mean"]) \
        .replace("{TARGET}", names["target"]).replace("{WEIGHT}", names["weight"]).replace("{DELAY}", names["delay"])
    for k, v in parts.items():
        code = code.replace("{" + k + "}", v)
    ndtri = T.ndtri_fast_function()
    spec = {"out_mean": ([1], ["pop"], ["integer"], "float"),
            "target": ([1, 1, 1], ["pop", "u_pop", "u_cell"], ["integer", "float", "float"], "integer"),
            "weight": ([1, 1, 1], ["pop_pre", "pop_post", "u"], ["integer", "integer", "float"], "float"),
            "delay": ([1, 1], ["pop_pre", "u"], ["integer", "float"], "float")}
    block = f"#ifndef ATTNSIM_FP_{digest}\n#define ATTNSIM_FP_{digest}\n{code}\n#endif\n"
    out = {}
    for role, (units, arg_names, arg_types, ret) in spec.items():
        def pyfunc(*args, _role=role):
            raise NotImplementedError(f"{names[_role]}: only the cpp_standalone device is supported")
        f = Function(pyfunc, arg_units=units, arg_names=arg_names, return_unit=1, arg_types=arg_types,
                     return_type=ret, stateless=True)
        # every role carries the whole (guarded) table block: a code object that uses two of
        # them (the connect call uses out_mean and target) defines it once
        f.implementations.add_implementation("cpp", block, name=names[role], dependencies={T.FAST_NAME: ndtri})
        out[role] = (names[role], f)
    return out

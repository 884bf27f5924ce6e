"""Build one PD14 microcircuit column as Brian2 objects (works on any Brian2 device).

Neurons: one NeuronGroup per column (iaf_psc_exp), one Subgroup per population.
Synapses: one Synapses object per non-zero pathway (55 of 64 at full scale), created in generated code:
each source neuron draws its out-degree n ~ Poisson(K / N_pre) (the Binomial(K, 1/N_pre)
marginal of the multinomial split, with p = 1/N_pre < 1 %) and that many targets uniformly
with replacement. This is NEST's fixed_total_number (random pre and post, multapses allowed)
except that the total is Poisson-distributed around K (relative sd 1/sqrt(K): < 2 % for
every pathway with K > 2500) instead of exactly K. Nothing is built as a numpy array in Python, so the full
scale (3e8 synapses) needs only the memory of the synapse arrays themselves.
Weights: normal (mean PSC, sd 10 %) truncated to the sign of the mean (> 0 excitatory, < 0
inhibitory); delays normal (sd 50 %) truncated below at dt. As NEST's PD14 example
(nest.math.redraw: values outside are redrawn, not clipped), drawn by inverse-CDF sampling in
generated code (models/microcircuit/truncnorm.py). Downscaling: in-degrees x K_scaling, weights / sqrt(K_scaling), DC
compensation (pd14_params.dc_compensation_pA).
"""
from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np

from attnsim.models.microcircuit import pd14_params as P
from attnsim.models.microcircuit import truncnorm as T

NEURON_EQS = """
dv/dt = (E_L - v) / tau_m + (I_syn + I_dc) / C_m : volt (unless refractory)
dI_syn/dt = -I_syn / tau_syn : amp
I_dc : amp (constant)
"""


@dataclass(frozen=True)
class ColumnConfig:
    """What determines the built network (hashed into the standalone project directory)."""
    N_scaling: float = 0.1
    K_scaling: float = 0.1
    background: str = "poisson"          # "poisson" (PoissonInput, 8 Hz x K_ext) or "dc" (its mean)
    thalamus: bool = False               # PD14 thalamic pulse (PoissonGroup -> L4, L6)
    th_start_ms: float = 700.0
    th_duration_ms: float = 10.0
    th_rate_hz: float = P.THALAMUS_RATE_HZ
    dt_ms: float = 0.1
    exclude_pathways: tuple = ()         # ((target, source), ...) left out (tests, lesions)

    def as_dict(self):
        return asdict(self)


def population_slices(N_scaling: float) -> dict[str, slice]:
    n = P.scaled_sizes(N_scaling)
    edges = np.concatenate([[0], np.cumsum(n)])
    return {p: slice(int(edges[k]), int(edges[k + 1])) for k, p in enumerate(P.POPULATIONS)}


def pathways(cfg: ColumnConfig):
    """(target, source, K) for every pathway with synapses in the scaled network."""
    K = P.scaled_synapse_counts(cfg.N_scaling, cfg.K_scaling)
    out = []
    for t, tgt in enumerate(P.POPULATIONS):
        for s, src in enumerate(P.POPULATIONS):
            if K[t, s] > 0 and (tgt, src) not in cfg.exclude_pathways:
                out.append((tgt, src, int(K[t, s])))
    return out


def build_column(cfg: ColumnConfig, prefix: str = "", extra_eqs: str = "", namespace: dict | None = None):
    """Create one column's Brian2 objects. Returns a dict with 'neurons' (NeuronGroup),
    'pops' (name -> Subgroup), 'synapses' ((target, source) -> Synapses), 'inputs' (list),
    'spikes' (SpikeMonitor) and 'objects' (everything, for brian2.Network)."""
    import brian2 as b2
    from brian2 import NeuronGroup, PoissonGroup, PoissonInput, SpikeMonitor, Synapses
    from brian2 import Hz, mV, ms, pA, pF

    nrn = P.NEURON
    sl = population_slices(cfg.N_scaling)
    n_total = max(s.stop for s in sl.values())
    ns = dict(E_L=nrn["E_L_mV"] * mV, tau_m=nrn["tau_m_ms"] * ms, tau_syn=nrn["tau_syn_ms"] * ms,
              C_m=nrn["C_m_pF"] * pF, V_th=nrn["V_th_mV"] * mV, V_reset=nrn["V_reset_mV"] * mV)
    ns.update(namespace or {})
    G = NeuronGroup(n_total, NEURON_EQS + extra_eqs, threshold="v > V_th", reset="v = V_reset",
                    refractory=nrn["t_ref_ms"] * ms, method="exact", namespace=ns,
                    name=f"{prefix}neurons")
    pops = {p: G[s] for p, s in sl.items()}
    objects = [G]

    # initial state and DC, per population, drawn in generated code
    dc = P.dc_compensation_pA(cfg.K_scaling, poisson_background=cfg.background == "poisson")
    if cfg.background == "dc":
        dc = dc + P.dc_background_pA()
    for k, p in enumerate(P.POPULATIONS):
        pops[p].v = f"({float(P.V0_MEAN_MV[k])!r} + {float(P.V0_SD_MV[k])!r} * randn()) * mV"
        pops[p].I_dc = f"{float(dc[k])!r} * pA"

    w_scale = 1.0 / np.sqrt(cfg.K_scaling)
    psc = P.mean_psc_matrix() * w_scale
    delay_ms = P.mean_delay_matrix()
    synapses = {}
    for tgt, src, K in pathways(cfg):
        t, s = P.POPULATIONS.index(tgt), P.POPULATIONS.index(src)
        pre, post = pops[src], pops[tgt]
        n_pre = sl[src].stop - sl[src].start
        name = f"{prefix}syn_{src}_to_{tgt}"
        # `gain` (shared, 1 by default) can be set per run without recompiling (lesion tests)
        S = Synapses(pre, post, "w : amp (constant)\ngain : 1 (shared, constant)",
                     on_pre="I_syn_post += gain * w", name=name, namespace=T.namespace())
        S.connect(j=f"int(rand() * N_post) for _ in range(poisson({K / n_pre!r}))")
        S.gain = 1.0
        S.w = T.weight_expr(float(psc[t, s]), P.WEIGHT_REL_SD)
        S.delay = T.delay_expr(float(delay_ms[t, s]), P.DELAY_REL_SD, cfg.dt_ms)
        synapses[(tgt, src)] = S
        objects.append(S)

    inputs = []
    if cfg.background == "poisson":
        w_ext = P.PSC_EXC_PA * w_scale * pA
        for k, p in enumerate(P.POPULATIONS):
            k_ext = int(round(P.K_EXT[k] * cfg.K_scaling))
            inp = PoissonInput(pops[p], "I_syn", k_ext, P.BG_RATE_HZ * Hz, weight=w_ext)
            inputs.append(inp)
    if cfg.thalamus:
        n_th = int(round(P.N_THALAMUS * cfg.N_scaling))
        th = PoissonGroup(n_th, rates=f"{cfg.th_rate_hz!r} * Hz * int(t >= {cfg.th_start_ms!r} * ms "
                                      f"and t < {cfg.th_start_ms + cfg.th_duration_ms!r} * ms)",
                          name=f"{prefix}thalamus")
        inputs.append(th)
        for k, p in enumerate(P.POPULATIONS):
            if P.CONN_PROB_TH[k] == 0:
                continue
            n_post = sl[p].stop - sl[p].start
            K = int(round(P.synapse_count(P.CONN_PROB_TH[k], P.N_THALAMUS, P.N_FULL[k])
                          * cfg.N_scaling * cfg.K_scaling))
            name = f"{prefix}syn_TH_to_{p}"
            S = Synapses(th, pops[p], "w : amp (constant)", on_pre="I_syn_post += w", name=name,
                         namespace=T.namespace())
            S.connect(j=f"int(rand() * N_post) for _ in range(poisson({K / n_th!r}))")
            w = float(P.PSC_EXC_PA * w_scale)
            S.w = T.weight_expr(w, P.WEIGHT_REL_SD)
            S.delay = T.delay_expr(P.DELAY_EXC_MS, P.DELAY_REL_SD, cfg.dt_ms)
            synapses[(p, "TH")] = S
            inputs.append(S)
    objects += inputs
    spikes = SpikeMonitor(G, name=f"{prefix}spikes")
    objects.append(spikes)
    _ = b2  # keep the import local: models.microcircuit.pd14_params must not pull in Brian2
    return dict(neurons=G, pops=pops, slices=sl, synapses=synapses, inputs=inputs, spikes=spikes,
                objects=objects)

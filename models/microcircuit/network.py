"""Build one PD14 microcircuit column as Brian2 objects (works on any Brian2 device).

Neurons: one NeuronGroup per column (iaf_psc_exp), one Subgroup per population.
Synapses (`synapses`): "csr" (default) keeps all recurrent synapses of a column in compressed
rows per source neuron with ring-buffer delivery (models/microcircuit/csr_synapses.py: 9 bytes
per synapse, one pass per event); "fused" puts them in one Brian2 Synapses object
(models/microcircuit/fused_pathways.py: one spike queue and one delivery per step instead of 55);
"per_pathway" builds one Synapses object per non-zero pathway (55 of 64 at full scale). All three
create the synapses in generated code with the same distribution: each source neuron draws its out-degree n ~ Poisson(K / N_pre) (the Binomial(K, 1/N_pre)
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
Background (`background: "poisson"`): K_ext x 8 Hz Poisson input per neuron, sampled by
`poisson_sampler`: "table" (default; one exact count per neuron and step from a per-population
CDF table, models/microcircuit/poisson_table.py), "poisson_input" (Brian2's PoissonInput, one per
population) or "poisson_fn" (Brian2's poisson() in a run_regularly). `float32` stores state
variables and weights in single precision (Brian2's prefs.core.default_float_dtype).
"""
from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass

import numpy as np

from attnsim.models.microcircuit import csr_synapses as CSR
from attnsim.models.microcircuit import fused_pathways as FP
from attnsim.models.microcircuit import pd14_params as P
from attnsim.models.microcircuit import poisson_table as PT
from attnsim.models.microcircuit import truncnorm as T

NEURON_EQS = """
dv/dt = (E_L - v) / tau_m + (I_syn + I_dc) / C_m : volt (unless refractory)
dI_syn/dt = -I_syn / tau_syn : amp
I_dc : amp (constant)
pop : integer (constant)
"""

SYNAPSE_LAYOUTS = ("csr", "fused", "per_pathway")
POISSON_SAMPLERS = ("table", "poisson_input", "poisson_fn")


@dataclass(frozen=True)
class ColumnConfig:
    """What determines the built network (hashed into the standalone project directory)."""
    N_scaling: float = 0.1
    K_scaling: float = 0.1
    background: str = "poisson"          # "poisson" (8 Hz x K_ext) or "dc" (its mean)
    poisson_sampler: str = "table"       # how the Poisson background is drawn (POISSON_SAMPLERS)
    synapses: str = "csr"                # SYNAPSE_LAYOUTS
    float32: bool = False                # single-precision state variables and weights
    thalamus: bool = False               # PD14 thalamic pulse (PoissonGroup -> L4, L6)
    th_start_ms: float = 700.0
    th_duration_ms: float = 10.0
    th_rate_hz: float = P.THALAMUS_RATE_HZ
    dt_ms: float = 0.1
    exclude_pathways: tuple = ()         # ((target, source), ...) left out (tests, lesions)

    def __post_init__(self):
        if self.synapses not in SYNAPSE_LAYOUTS:
            raise ValueError(f"ColumnConfig.synapses: expected one of {SYNAPSE_LAYOUTS}, got {self.synapses!r}")
        if self.poisson_sampler not in POISSON_SAMPLERS:
            raise ValueError(f"ColumnConfig.poisson_sampler: expected one of {POISSON_SAMPLERS}, "
                             f"got {self.poisson_sampler!r}")
        if self.background not in ("poisson", "dc"):
            raise ValueError(f"ColumnConfig.background: expected 'poisson' or 'dc', got {self.background!r}")

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


def _reserve(S, expected: float) -> None:
    """cpp_standalone: reserve the synapse index arrays for the expected number of synapses plus
    6 sd of its Poisson total, before the connect call. Without it they grow by push_back, whose
    capacity doubling leaves up to 2x the needed memory (1.9 GB of the 2.4 GB index arrays at full
    scale) and copies them at each doubling."""
    from brian2 import get_device
    from brian2.devices.cpp_standalone.device import CPPStandaloneDevice
    device = get_device()
    if not isinstance(device, CPPStandaloneDevice):
        return
    n = int(expected + 6 * np.sqrt(expected) + 1000)
    lines = [f"{device.get_array_name(S.variables[v], access_data=False)}.reserve({n});"
             for v in ("_synaptic_pre", "_synaptic_post")]
    device.insert_code("main", "{ using namespace brian; " + " ".join(lines) + " }")


def weight_scale(cfg: ColumnConfig) -> float:
    """PD14's downscaling of the weights: 1 / sqrt(K_scaling) (module doc)."""
    return 1.0 / np.sqrt(cfg.K_scaling)


@dataclass
class Column:
    """One column's Brian2 objects, as build_column returns them.

    neurons: the NeuronGroup of all populations; pops: population name -> its Subgroup; slices:
    population name -> index range in `neurons`; synapses: (target, source) -> Synapses (the
    per_pathway layout's recurrent pathways and the thalamic ones); recurrent: the fused layout's
    one Synapses object, else None; counts: what the binary reports as synapse counts, one entry
    per pathway of `pathways(cfg)` in that order, then the thalamic ones (Synapses objects, a
    standalone.PathwayCounts or a csr_synapses.KernelCounts); timed_arrays: name -> TimedArray
    that may be set per run (the csr and fused layouts' pathway gain); inputs: background and
    thalamic objects; spikes: the SpikeMonitor; objects: everything, for brian2.Network.
    """
    neurons: object
    pops: dict
    slices: dict
    synapses: dict
    recurrent: object
    counts: list
    timed_arrays: dict
    inputs: list
    spikes: object
    objects: list


@dataclass
class Recurrent:
    """The recurrent synapses of one layout (connect_recurrent): Brian2 objects to run, the
    per-pathway Synapses (per_pathway), the fused Synapses (fused), the counts and TimedArrays."""
    objects: list
    synapses: dict
    recurrent: object
    counts: list
    timed_arrays: dict


@dataclass(frozen=True)
class Background:
    """How the Poisson background (K_ext x 8 Hz) enters a column (background_drive): neuron
    variables the sampler needs, namespace entries, and the per-step code (None when
    PoissonInput objects or the 'dc' background stand for it). `lam` is the mean number of
    background spikes per neuron and step, per population; `k_ext` the scaled in-degree."""
    equations: str
    namespace: dict
    code: str | None
    lam: np.ndarray
    k_ext: np.ndarray


def build_column(cfg: ColumnConfig, prefix: str = "", extra_eqs: str = "", namespace: dict | None = None) -> Column:
    """Create one column's Brian2 objects, in the steps of NEST's PD14 example (network.py):

    1. background_drive: how the Poisson background is sampled (it adds neuron variables);
    2. create_neurons: the NeuronGroup, its population Subgroups, initial V and DC;
    3. connect_recurrent: the recurrent synapses in the layout cfg.synapses;
    4. create_inputs: the background's per-step code or PoissonInputs, and the thalamus;
    5. create_monitors: the SpikeMonitor.

    `extra_eqs` and `namespace` add neuron variables and names (attention_columns' drive). The
    steps run in this order and draw in generated code, so the same seeds give the same network.
    """
    import brian2 as b2

    if cfg.float32:          # read when each variable is created; build_once restores it
        b2.prefs.core.default_float_dtype = np.float32
    background = background_drive(cfg, prefix)
    equations = NEURON_EQS + extra_eqs + background.equations
    if cfg.synapses == "csr":
        equations += "csr_calls : 1 (shared)\n"
    names = dict(namespace or {}, **background.namespace)
    neurons, pops, slices = create_neurons(cfg, prefix, equations, names, background)
    recurrent = connect_recurrent(cfg, prefix, neurons, pops, slices)
    inputs, thalamic = create_inputs(cfg, prefix, neurons, pops, background)
    spikes = create_monitors(prefix, neurons)
    return Column(neurons=neurons, pops=pops, slices=slices, synapses={**recurrent.synapses, **thalamic},
                  recurrent=recurrent.recurrent, counts=recurrent.counts + list(thalamic.values()),
                  timed_arrays=recurrent.timed_arrays, inputs=inputs, spikes=spikes,
                  objects=[neurons, *recurrent.objects, *inputs, spikes])


def background_drive(cfg: ColumnConfig, prefix: str) -> Background:
    """The background sampler of cfg.poisson_sampler (module doc): "table" adds a per-column
    count function (its stream from the prefix), "poisson_fn" a per-neuron mean `lam_bg`."""
    from brian2 import pA

    k_ext = np.array([int(round(P.K_EXT[k] * cfg.K_scaling)) for k in range(len(P.POPULATIONS))])
    lam = k_ext * P.BG_RATE_HZ * cfg.dt_ms * 1e-3          # background spikes per neuron and step
    w_bg = P.PSC_EXC_PA * weight_scale(cfg) * pA
    if cfg.background == "poisson" and cfg.poisson_sampler == "table":
        stream = int(hashlib.sha256(prefix.encode()).hexdigest()[:8], 16)
        fname, f = PT.count_function(lam, seed_name="TRIAL", stream=stream)
        return Background("", {fname: f, "w_bg": w_bg}, f"I_syn += w_bg * {fname}(pop)", lam, k_ext)
    if cfg.background == "poisson" and cfg.poisson_sampler == "poisson_fn":
        return Background("lam_bg : 1 (constant)\n", {"w_bg": w_bg}, "I_syn += w_bg * poisson(lam_bg)", lam, k_ext)
    return Background("", {}, None, lam, k_ext)


def create_neurons(cfg: ColumnConfig, prefix: str, equations: str, namespace: dict, background: Background):
    """The column's NeuronGroup (iaf_psc_exp, PD14's NEURON table) with `equations` and the
    names in `namespace`; per population: V0 ~ N(V0_MEAN, V0_SD), the DC (downscaling
    compensation, plus the background mean for 'dc') and the population index `pop`.
    Returns (NeuronGroup, population name -> Subgroup, population name -> slice)."""
    from brian2 import NeuronGroup, mV, ms, pF

    nrn = P.NEURON
    slices = population_slices(cfg.N_scaling)
    ns = dict(E_L=nrn["E_L_mV"] * mV, tau_m=nrn["tau_m_ms"] * ms, tau_syn=nrn["tau_syn_ms"] * ms,
              C_m=nrn["C_m_pF"] * pF, V_th=nrn["V_th_mV"] * mV, V_reset=nrn["V_reset_mV"] * mV)
    ns.update(namespace)
    G = NeuronGroup(max(s.stop for s in slices.values()), equations, threshold="v > V_th", reset="v = V_reset",
                    refractory=nrn["t_ref_ms"] * ms, method="exact", namespace=ns, name=f"{prefix}neurons")
    pops = {p: G[s] for p, s in slices.items()}
    # initial state and DC, per population, drawn in generated code
    dc = P.dc_compensation_pA(cfg.K_scaling, poisson_background=cfg.background == "poisson")
    if cfg.background == "dc":
        dc = dc + P.dc_background_pA()
    for k, p in enumerate(P.POPULATIONS):
        pops[p].v = f"({float(P.V0_MEAN_MV[k])!r} + {float(P.V0_SD_MV[k])!r} * randn()) * mV"
        pops[p].I_dc = f"{float(dc[k])!r} * pA"
        pops[p].pop = k
        if background.code is not None and cfg.poisson_sampler == "poisson_fn":
            pops[p].lam_bg = float(background.lam[k])
    return G, pops, slices


def connect_recurrent(cfg: ColumnConfig, prefix: str, G, pops: dict, slices: dict) -> Recurrent:
    """The recurrent synapses of `pathways(cfg)` in the layout cfg.synapses (module doc): weights
    N(PSC, (0.1 PSC)^2) / sqrt(K_scaling) truncated to the sign of PSC, delays N(d, (0.5 d)^2)
    truncated below at dt, both drawn in generated code."""
    import brian2 as b2
    from brian2 import Synapses, TimedArray, ms

    from attnsim.models.microcircuit.standalone import PathwayCounts

    n_pops = len(P.POPULATIONS)
    psc = P.mean_psc_matrix() * weight_scale(cfg)
    delay_ms = P.mean_delay_matrix()
    paths = pathways(cfg)
    if cfg.synapses in ("csr", "fused"):
        K = np.zeros((n_pops, n_pops))
        for tgt, src, k in paths:
            K[P.POPULATIONS.index(tgt), P.POPULATIONS.index(src)] = k
        sizes = np.array([s.stop - s.start for s in slices.values()])
        tab = FP.tables(K, sizes, psc, P.WEIGHT_REL_SD, delay_ms, P.DELAY_REL_SD, cfg.dt_ms)
        gain = TimedArray(np.ones((1, n_pops * n_pops)), dt=cfg.dt_ms * ms, name=f"{prefix}pathway_gain")
    if cfg.synapses == "csr":
        from brian2 import device
        pairs = [(P.POPULATIONS.index(t), P.POPULATIONS.index(s)) for t, s, _ in paths]
        fname, f, kcounts = CSR.kernel_function(tab, device.get_array_name(G.variables["_spikespace"]),
                                                device.get_array_name(G.variables["I_syn"]), gain, pairs,
                                                tag_seed=prefix or "column", seed_name="NET")
        G.namespace[fname] = f
        step = G.run_regularly(f"csr_calls = {fname}(csr_calls)", when="synapses", name=f"{prefix}syn_recurrent")
        return Recurrent([step], {}, None, [kcounts], {"pathway_gain": gain})
    if cfg.synapses == "fused":
        fn = FP.functions(tab)
        sns = {name: f for name, f in fn.values()}
        sns["pathway_gain"] = gain
        S = Synapses(G, G, "w : amp (constant)", on_pre="I_syn_post += w", name=f"{prefix}syn_recurrent",
                     namespace=sns)
        out_mean, target = fn["out_mean"][0], fn["target"][0]
        _reserve(S, K.sum())
        S.connect(j=f"{target}(pop_pre, rand(), rand()) for _ in range(poisson({out_mean}(pop_pre)))")
        S.w = f"{fn['weight'][0]}(pop_pre, pop_post, rand()) * pA"
        S.delay = f"{fn['delay'][0]}(pop_pre, rand()) * ms"
        # the per-pathway gain, applied once at t = 0 inside the run: a TimedArray given on the
        # binary's command line is only set right before the run, after the weights are drawn
        apply_gain = S.run_regularly(f"w *= pathway_gain(t, pop_post * {n_pops} + pop_pre)", dt=1e9 * b2.second,
                                     when="start", name=f"{prefix}syn_recurrent_gain")
        counts = PathwayCounts(S, "pop", n_pops, tuple((P.POPULATIONS.index(t), P.POPULATIONS.index(s))
                                                       for t, s, _ in paths))
        return Recurrent([S, apply_gain], {}, S, [counts], {"pathway_gain": gain})
    synapses = {}
    for tgt, src, K in paths:
        t, s = P.POPULATIONS.index(tgt), P.POPULATIONS.index(src)
        pre, post = pops[src], pops[tgt]
        n_pre = slices[src].stop - slices[src].start
        # `gain` (shared, 1 by default) can be set per run without recompiling (lesion tests)
        S = Synapses(pre, post, "w : amp (constant)\ngain : 1 (shared, constant)",
                     on_pre="I_syn_post += gain * w", name=f"{prefix}syn_{src}_to_{tgt}", namespace=T.namespace())
        S.connect(j=f"int(rand() * N_post) for _ in range(poisson({K / n_pre!r}))")
        S.gain = 1.0
        S.w = T.weight_expr(float(psc[t, s]), P.WEIGHT_REL_SD)
        S.delay = T.delay_expr(float(delay_ms[t, s]), P.DELAY_REL_SD, cfg.dt_ms)
        synapses[(tgt, src)] = S
    return Recurrent(list(synapses.values()), synapses, None, list(synapses.values()), {})


def create_inputs(cfg: ColumnConfig, prefix: str, G, pops: dict, background: Background):
    """The background (its per-step code, or one PoissonInput of K_ext x 8 Hz per population)
    and, with cfg.thalamus, PD14's thalamic pulse: a PoissonGroup and its synapses onto L4 and
    L6. Returns (input objects, (population, "TH") -> thalamic Synapses)."""
    from brian2 import Hz, PoissonGroup, PoissonInput, Synapses, pA

    inputs = []
    if background.code is not None:
        inputs.append(G.run_regularly(background.code, when="synapses", name=f"{prefix}background"))
    elif cfg.background == "poisson":
        w_ext = P.PSC_EXC_PA * weight_scale(cfg) * pA
        for k, p in enumerate(P.POPULATIONS):
            inputs.append(PoissonInput(pops[p], "I_syn", int(background.k_ext[k]), P.BG_RATE_HZ * Hz, weight=w_ext))
    thalamic = {}
    if cfg.thalamus:
        n_th = int(round(P.N_THALAMUS * cfg.N_scaling))
        th = PoissonGroup(n_th, rates=f"{cfg.th_rate_hz!r} * Hz * int(t >= {cfg.th_start_ms!r} * ms "
                                      f"and t < {cfg.th_start_ms + cfg.th_duration_ms!r} * ms)",
                          name=f"{prefix}thalamus")
        inputs.append(th)
        for k, p in enumerate(P.POPULATIONS):
            if P.CONN_PROB_TH[k] == 0:
                continue
            K = int(round(P.synapse_count(P.CONN_PROB_TH[k], P.N_THALAMUS, P.N_FULL[k])
                          * cfg.N_scaling * cfg.K_scaling))
            S = Synapses(th, pops[p], "w : amp (constant)", on_pre="I_syn_post += w", name=f"{prefix}syn_TH_to_{p}",
                         namespace=T.namespace())
            S.connect(j=f"int(rand() * N_post) for _ in range(poisson({K / n_th!r}))")
            S.w = T.weight_expr(float(P.PSC_EXC_PA * weight_scale(cfg)), P.WEIGHT_REL_SD)
            S.delay = T.delay_expr(P.DELAY_EXC_MS, P.DELAY_REL_SD, cfg.dt_ms)
            thalamic[(p, "TH")] = S
            inputs.append(S)
    return inputs, thalamic


def create_monitors(prefix: str, G):
    """The SpikeMonitor of all the column's neurons."""
    from brian2 import SpikeMonitor
    return SpikeMonitor(G, name=f"{prefix}spikes")

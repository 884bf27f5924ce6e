"""Spiking attention circuit: a sensory ring biased by a working-memory ring (Ardid, Wang & Compte 2007).

Two reciprocally connected networks of conductance-based LIF cells with AMPA, NMDA and GABA_A
synapses (Compte et al. 2000; Wang 2002):

- a sensory (MT-like) network: P direction-selective pyramidal pools on a ring (pool k prefers
  360 k / P deg) and interneurons; weak structured E -> E recurrence, unstructured feedback
  inhibition (E -> I -> E); asynchronous irregular at rest (high-conductance background);
- a working-memory (PFC-like) network of the same shape whose strong NMDA self-excitation
  (footprint peak `w_plus`) holds the cued direction after the cue is gone (Compte et al. 2000);
- a top-down AMPA projection WM -> sensory, selective by direction similarity (Gaussian footprint
  sigma_td), onto sensory pyramidal cells (g_td_E) and onto sensory interneurons (g_td_I), as in
  Ardid et al. 2007; either can be cut (set to 0) for a control; and the weak bottom-up
  projection sensory -> WM of the same paper (g_bu_E, g_bu_I).

Cell i (every cell of both networks; constants per cell type and network; CELL_EQS):

    C_m dV/dt = -g_L (V - V_L) - I_syn + I_stim,   V > V_th: V <- V_reset, refractory tau_ref
    I_syn     = I_AMPA,ext + I_AMPA + I_NMDA + I_GABA
    I_AMPA,ext = g_ext s_ext (V - V_E)                       s_ext += 1 per background Poisson spike
    I_AMPA    = G_AMPA (V - V_E)
    I_NMDA    = G_NMDA (V - V_E) / (1 + [Mg]/3.57 exp(-0.062 V/mV))
    I_GABA    = G_GABA (V - V_I)
    ds_AMPA/dt = -s_AMPA / tau_AMPA,   ds_GABA/dt = -s_GABA / tau_GABA       (+1 per spike)
    ds_NMDA/dt = -s_NMDA / tau_NMDA,decay + alpha x (1 - s_NMDA),  dx/dt = -x / tau_NMDA,rise (+1 per spike)

with the recurrent and long-range conductances of a cell of type T in network n, pool k:

    G_AMPA = sum_l (G^AMPA_{ET,n} / N_E) W^{rec}_{T,n}[k, l] S^AMPA_{n,l}
             + sum_l (G^long_T / N_E) W^{long}[k, l] S^AMPA_{m,l}
    G_NMDA = sum_l (G^NMDA_{ET,n} / N_E) W^{rec}_{T,n}[k, l] S^NMDA_{n,l}
    G_GABA = (G^GABA_{IT,n} / N_I) S^GABA_n

where S_{n,l} = sum over the cells j of pool l of network n of s_j (the gatings live on the
presynaptic cell), m is the other network (long = top-down td into the sensory network, bottom-up
bu into the WM network), G = g * 1024 (AMPA, NMDA) or g * 256 (GABA) is the paper's total
conductance and N_E = P n_exc_per_pool, N_I = P n_inh_per_pool are the model's sizes per network.
Footprints on the discretized ring (d_kl the angle between pools k and l):

    W^{rec}_E[k, l] = J- + (J+ - J-) exp(-d_kl^2 / 2 sigma^2), J- such that mean_l W[k, l] = 1
    W^{rec}_I[k, l] = 1                                    (E -> I unstructured, Ardid 2007)
    W^{long}[k, l]  = exp(-d_kl^2 / 2 sigma^2) / c,        c such that mean_l W[k, l] = 1 / (2 pi)

(the last is the paper's normalized Gaussian exp(-d^2/2 sigma^2) / (sigma sqrt(2 pi)) in radians,
whose mean over the ring is 1 / (2 pi); the discretization keeps that mean). `ring_footprints`
computes them.

Inputs are currents, as in Ardid 2007: a stimulus at contrast c (c = the largest stim_f<k> of the
step) drives sensory pyramidal pool k with I0_E c + I1_E stim_f<k> and its interneurons with
I0_I c + I1_I stim_f<k>; the cue channels cue_f<k> drive WM pyramidal pool k with I_cue cue_f<k>;
every WM cell gets the gating current I_gate. Background: Poisson 1.8 kHz per cell on s_ext. With
the two-location channels (stim_A, stim_B, cue_A, cue_B) the ring has P = 2 pools, A at 0 deg and
B at 180 deg (models.feature_channels.location_angles_deg).

Speed lever (exact, as in models/spiking_competition.py): connectivity is all-to-all with one
weight per pair of pools, so a summed-variable synapse adds each cell's gatings into one total per
(trial, network, pool) (S, the `sources` group), a second one applies the pool-to-pool weights
once per (trial, network, cell type, pool) (G, the `targets` group), and every cell reads its
target's G as linked variables: O(N + P^2) per step instead of O(N^2) synapses. Both sums run at
the start of each step, before the cells integrate (Brian2 schedules a summed variable just before
its target group), so every cell sees the gatings of the previous step's end, like a synapse
without delay. Differences from a synapse-per-pair network: autapses are included in the pool sums
and there is no transmission delay.

Readout (declared here, decided from the sensory network only):
- ring channels, cued trial (any cue_f<k> > 0): the held template is the WM pool with the highest
  rate over the `wm_window_ms` before stimulus onset; "match" (choice 0) at the first bin after
  onset where the sensory rate of the template's pool exceeds the mean rate of the sensory ring by
  `match_margin_hz` (reaction time from onset); otherwise "non-match" (choice 1, no RT).
- ring channels, neutral trial (no cue): the direction of the sensory population vector over the
  stimulus epoch; choice 0 if it lies in [0, 180) deg, else 1 (no RT).
- two-location channels: the first of sensory pools A (0 deg) and B (180 deg) to reach
  `threshold_hz` after onset (models.readout.threshold_readout), and per-location reports.

Shapes: run(inputs (n_trials, n_steps, n_channels), dt_ms) -> Activity with rates
(n_trials, n_bins, 2 P + 2) in Hz per cell: groups sens_f<k> (role sensory), wm_f<k>, sens_inh,
wm_inh (role hidden); spikes of every group; selective_groups the sensory pools at 0 and 180 deg.

Build once / run many (models/spiking_competition.py): all trials of a call run side by side in
one network (trial index as a cell variable), built at the first run and restored to t = 0 before
each run; new inputs enter through a per-cell current rewritten once per input step, so
`build_count` stays 1. The same seed and batch size give the same spikes.

References: Ardid, Wang & Compte 2007 J Neurosci 27:8486; Compte, Brunel, Goldman-Rakic & Wang
2000 Cereb Cortex 10:910; Wang 2002 Neuron 36:955. Parameter values: the X.-J. Wang lab's
reference implementation of Ardid 2007 (xjwanglab/book, chapter 8).
"""
from __future__ import annotations

import time
from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from attnsim.models.activity import Activity
from attnsim.models.attention_circuit_params import AttentionCircuitParams
from attnsim.models.base import BrainModel, channel_index
from attnsim.models.feature_channels import (MEMORY_RING_PREFIX, SENSORY_RING_PREFIX, ring_groups,
                                             ring_indices)
from attnsim.models.params import ParamError
from attnsim.models.rate_smoothing import causal_boxcar_rate
from attnsim.models.readout import location_fields, threshold_readout
from attnsim.models.registry import FAMILIES

N_E_PAPER, N_I_PAPER = 1024, 256          # Ardid 2007: cells per area the conductances refer to
TWO_LOCATION = ("stim_A", "stim_B", "cue_A", "cue_B")

# One line per current (module doc); the recurrent and long-range conductances G_* are linked from
# the per-(trial, network, type, pool) totals of the `targets` group.
CELL_EQS = """
dv/dt = (g_L * (V_L - v) - I_syn + I_stim) / C_m : volt (unless refractory)
I_syn = I_AMPA_ext + I_AMPA + I_NMDA + I_GABA : amp
I_AMPA_ext = g_ext * s_ext * (v - V_E) : amp
I_AMPA = G_AMPA * (v - V_E) : amp
I_NMDA = G_NMDA * (v - V_E) / (1 + Mg / 3.57 * exp(-0.062 * v / mV)) : amp
I_GABA = G_GABA * (v - V_I) : amp
ds_ext/dt = -s_ext / tau_AMPA : 1
ds_AMPA/dt = -s_AMPA / tau_AMPA : 1
ds_NMDA/dt = -s_NMDA / tau_NMDA_decay + alpha_NMDA * x * (1 - s_NMDA) : 1
dx/dt = -x / tau_NMDA_rise : 1
ds_GABA/dt = -s_GABA / tau_GABA : 1
C_m : farad (constant)
g_L : siemens (constant)
g_ext : siemens (constant)
tau_ref : second (constant)
is_exc : 1 (constant)
I_stim : amp
G_AMPA : siemens (linked)
G_NMDA : siemens (linked)
G_GABA : siemens (linked)
"""
# a pyramidal cell's spike opens its AMPA and NMDA gatings, an interneuron's its GABA gating
CELL_RESET = "v = V_reset; s_AMPA += is_exc; x += is_exc; s_GABA += 1 - is_exc"
SOURCE_EQS = """
S_AMPA : 1
S_NMDA : 1
S_GABA : 1
"""
TARGET_EQS = """
G_AMPA : siemens
G_NMDA : siemens
G_GABA : siemens
"""
GATHER = """
S_AMPA_post = s_AMPA_pre : 1 (summed)
S_NMDA_post = s_NMDA_pre : 1 (summed)
S_GABA_post = s_GABA_pre : 1 (summed)
"""
SPREAD = """
w_AMPA : siemens (constant)
w_NMDA : siemens (constant)
w_GABA : siemens (constant)
G_AMPA_post = w_AMPA * S_AMPA_pre : siemens (summed)
G_NMDA_post = w_NMDA * S_NMDA_pre : siemens (summed)
G_GABA_post = w_GABA * S_GABA_pre : siemens (summed)
"""
SENS, WM = 0, 1
EXC, INH = 0, 1


def ring_distance_deg(n_pools: int) -> np.ndarray:
    """(P, P) angle between the preferred directions of pools k and l, in [0, 180] deg."""
    k = np.arange(n_pools)
    d = np.abs(k[:, None] - k[None, :])
    return np.minimum(d, n_pools - d) * 360.0 / n_pools


def recurrent_footprint(n_pools: int, w_plus: float, sigma_deg: float) -> np.ndarray:
    """(P, P) E -> E weights J- + (J+ - J-) exp(-d^2 / 2 sigma^2), mean over sources 1 (Compte 2000).

    Raises ValueError when J+ is so large that J- would be negative."""
    g = np.exp(-ring_distance_deg(n_pools) ** 2 / (2.0 * sigma_deg ** 2))
    m = g.mean(axis=1, keepdims=True)
    if np.allclose(m, 1.0):
        return np.ones_like(g)
    j_minus = (1.0 - w_plus * m) / (1.0 - m)
    if np.any(j_minus < 0):
        raise ValueError(f"footprint peak J+ = {w_plus} with sigma {sigma_deg} deg on {n_pools} pools needs "
                         f"J- = {float(j_minus.min()):.3g} < 0; lower J+")
    return j_minus + (w_plus - j_minus) * g


def long_range_footprint(n_pools: int, sigma_deg: float) -> np.ndarray:
    """(P, P) normalized Gaussian exp(-d^2 / 2 sigma^2), scaled so that its mean over sources is
    1 / (2 pi): the mean of Ardid 2007's exp(-d^2/2 sigma^2) / (sigma sqrt(2 pi)) over the ring."""
    g = np.exp(-ring_distance_deg(n_pools) ** 2 / (2.0 * sigma_deg ** 2))
    return g / g.mean(axis=1, keepdims=True) / (2.0 * np.pi)


@dataclass
class InputFeed:
    """The per-cell stimulus current I_stim, rewritten once per input step from t = 0.

    table: (n_steps, n_columns) currents in amp of the current run; column: the table column of
    every cell (the last column is zero); view: the cells' I_stim values; k: the next input step."""
    view: np.ndarray
    column: np.ndarray
    table: np.ndarray
    k: int = 0

    def step(self) -> None:
        row = min(self.k, self.table.shape[0] - 1)
        self.view[:] = self.table[row, self.column]
        self.k += 1


@dataclass
class CircuitNetwork:
    """One built batch (AttentionCircuit._build): the Brian2 network stored at t = 0, its cells,
    spike monitor and input feed, and the trial-major layout of the cells (trial_of, group_of:
    the Activity group index of each cell, local_of: its index inside its group)."""
    b2: object
    net: object
    cells: object
    spikes: object
    feed: InputFeed
    n_batch: int
    n_pools: int
    trial_of: np.ndarray
    group_of: np.ndarray
    local_of: np.ndarray
    input_dt_ms: float


@FAMILIES.register("attention_circuit", summary="Ardid, Wang & Compte 2007 spiking attention circuit: a sensory ring "
                   "biased top-down by an NMDA working-memory ring (Compte 2000)")
class AttentionCircuit(BrainModel):
    """Sensory ring + working-memory ring with selective top-down excitation (module doc)."""

    family: ClassVar[str] = "attention_circuit"
    capabilities: ClassVar[frozenset] = frozenset({"spiking"})
    input_channels: ClassVar[tuple[str, ...]] = ("feature_ring", "two_locations")
    paper: ClassVar[str] = ("Ardid, Wang & Compte 2007 J Neurosci 27:8486; Compte et al. 2000 Cereb Cortex 10:910; "
                            "Wang 2002 Neuron 36:955")
    Params: ClassVar[type] = AttentionCircuitParams

    def __init__(self, params: AttentionCircuitParams | None = None):
        self.params = params or AttentionCircuitParams()
        self.build_count = 0
        self.built: CircuitNetwork | None = None
        self.last_timing: dict[str, float] = {}

    # ------------------------------------------------------------------ layout
    def group_names(self, n_pools: int) -> tuple[str, ...]:
        return (ring_groups(SENSORY_RING_PREFIX, n_pools) + ring_groups(MEMORY_RING_PREFIX, n_pools)
                + ("sens_inh", "wm_inh"))

    def group_sizes(self, n_pools: int) -> dict[str, int]:
        p = self.params
        sizes = {g: p.n_exc_per_pool for g in self.group_names(n_pools)}
        sizes["sens_inh"] = sizes["wm_inh"] = n_pools * p.n_inh_per_pool
        return sizes

    def _layout(self, n_pools: int):
        """Per cell of one trial: network, type, pool, Activity group and index inside the group.

        Order: sensory E (pool-major), sensory I, WM E, WM I."""
        p = self.params
        ne, ni = p.n_exc_per_pool, p.n_inh_per_pool
        net, typ, pool, group, local = [], [], [], [], []
        for n in (SENS, WM):
            net += [n] * (n_pools * (ne + ni))
            typ += [EXC] * (n_pools * ne) + [INH] * (n_pools * ni)
            pool += list(np.repeat(np.arange(n_pools), ne)) + list(np.repeat(np.arange(n_pools), ni))
            group += list(n * n_pools + np.repeat(np.arange(n_pools), ne)) + [2 * n_pools + n] * (n_pools * ni)
            local += list(np.tile(np.arange(ne), n_pools)) + list(np.arange(n_pools * ni))
        return tuple(np.asarray(a, dtype=np.int64) for a in (net, typ, pool, group, local))

    # ------------------------------------------------------------------ weights
    def spread_weights(self, n_pools: int) -> dict[str, np.ndarray]:
        """Pool-to-target weights of one trial in nS: w_AMPA, w_NMDA, w_GABA of shape (n_src, n_tgt).

        Sources: index n (P + 1) + l is E pool l of network n, n (P + 1) + P its interneurons.
        Targets: index n 2P + T P + k is cell type T (0 E, 1 I) of pool k in network n."""
        p, P = self.params, n_pools
        N_E, N_I = P * p.n_exc_per_pool, P * p.n_inh_per_pool
        n_src, n_tgt = 2 * (P + 1), 4 * P
        w = {k: np.zeros((n_src, n_tgt)) for k in ("w_AMPA", "w_NMDA", "w_GABA")}
        rec = {SENS: recurrent_footprint(P, p.w_plus_sens, p.sigma_EE_sens_deg),
               WM: recurrent_footprint(P, p.w_plus, p.sigma_EE_wm_deg)}
        g = {  # (network, target type) -> total AMPA, NMDA (E ->) and GABA (I ->) conductance, nS
            (SENS, EXC): (p.g_AMPA_EE_sens_nS, p.g_NMDA_EE_sens_nS, p.g_GABA_IE_sens_nS),
            (SENS, INH): (p.g_AMPA_EI_sens_nS, p.g_NMDA_EI_sens_nS, p.g_GABA_II_sens_nS),
            (WM, EXC): (p.g_AMPA_EE_wm_nS, p.g_NMDA_EE_wm_nS, p.g_GABA_IE_wm_nS),
            (WM, INH): (p.g_AMPA_EI_wm_nS, p.g_NMDA_EI_wm_nS, p.g_GABA_II_wm_nS)}
        long = {(SENS, EXC): (p.g_td_E_nS, long_range_footprint(P, p.sigma_td_deg)),
                (SENS, INH): (p.g_td_I_nS, long_range_footprint(P, p.sigma_td_deg)),
                (WM, EXC): (p.g_bu_E_nS, long_range_footprint(P, p.sigma_bu_deg)),
                (WM, INH): (p.g_bu_I_nS, long_range_footprint(P, p.sigma_bu_deg))}
        for n in (SENS, WM):
            other = 1 - n
            for T in (EXC, INH):
                tgt = n * 2 * P + T * P + np.arange(P)                  # targets (n, T, k), k = 0..P-1
                src_e = n * (P + 1) + np.arange(P)                      # E pools of the same network
                W = rec[n] if T == EXC else np.ones((P, P))             # W[k, l]: onto pool k from pool l
                g_ampa, g_nmda, g_gaba = g[(n, T)]
                w["w_AMPA"][np.ix_(src_e, tgt)] += g_ampa * N_E_PAPER / N_E * W.T
                w["w_NMDA"][np.ix_(src_e, tgt)] += g_nmda * N_E_PAPER / N_E * W.T
                w["w_GABA"][n * (P + 1) + P, tgt] = g_gaba * N_I_PAPER / N_I
                g_long, W_long = long[(n, T)]
                src_other = other * (P + 1) + np.arange(P)
                w["w_AMPA"][np.ix_(src_other, tgt)] += g_long * N_E_PAPER / N_E * W_long.T
        return w

    # ------------------------------------------------------------------ build
    def _build(self, n_batch: int, n_pools: int, input_dt_ms: float) -> None:
        """Build `n_batch` trials side by side: cells, the two pool sums, inputs, spike monitor."""
        import brian2 as b2

        p = self.params
        b2.prefs.codegen.target = p.codegen_target
        b2.prefs.logging.console_log_level = "WARNING"
        ms, mV, nS, nF = b2.ms, b2.mV, b2.nS, b2.nF
        dt = p.sim_dt_ms * ms
        net_c, typ_c, pool_c, group_c, local_c = self._layout(n_pools)
        per = net_c.size
        trial = np.repeat(np.arange(n_batch), per)
        net_all, typ_all, pool_all = (np.tile(a, n_batch) for a in (net_c, typ_c, pool_c))
        namespace = dict(V_L=p.V_L_mV * mV, V_E=p.V_E_mV * mV, V_I=p.V_I_mV * mV, Mg=p.Mg_mM,
                         V_th=p.V_th_mV * mV, V_reset=p.V_reset_mV * mV, tau_AMPA=p.tau_AMPA_ms * ms,
                         tau_NMDA_rise=p.tau_NMDA_rise_ms * ms, tau_NMDA_decay=p.tau_NMDA_decay_ms * ms,
                         alpha_NMDA=p.alpha_NMDA_per_ms / ms, tau_GABA=p.tau_GABA_ms * ms,
                         lam_ext=p.nu_ext_hz * p.sim_dt_ms * 1e-3)
        cells = b2.NeuronGroup(n_batch * per, CELL_EQS, threshold="v > V_th", reset=CELL_RESET,
                               refractory="tau_ref", method="euler", namespace=namespace, dt=dt, name="cells")
        exc = typ_all == EXC
        cells.is_exc = exc.astype(float)
        cells.C_m = np.where(exc, p.C_m_E_nF, p.C_m_I_nF) * nF
        cells.g_L = np.where(exc, p.g_L_E_nS, p.g_L_I_nS) * nS
        cells.tau_ref = np.where(exc, p.tau_ref_E_ms, p.tau_ref_I_ms) * ms
        g_ext = np.array([[p.g_ext_E_sens_nS, p.g_ext_I_sens_nS], [p.g_ext_E_wm_nS, p.g_ext_I_wm_nS]])
        cells.g_ext = g_ext[net_all, typ_all] * nS
        cells.run_regularly("s_ext += poisson(lam_ext)", when="before_groups", name="background")

        # the two pool sums (module doc, speed lever); order: gather, spread, then the cells integrate
        P = n_pools
        n_src, n_tgt = 2 * (P + 1), 4 * P
        sources = b2.NeuronGroup(n_batch * n_src, SOURCE_EQS, dt=dt, name="sources", order=-4)
        targets = b2.NeuronGroup(n_batch * n_tgt, TARGET_EQS, dt=dt, name="targets", order=-2)
        gather = b2.Synapses(cells, sources, GATHER, dt=dt, name="gather")
        src_of = np.where(typ_all == EXC, net_all * (P + 1) + pool_all, net_all * (P + 1) + P)
        gather.connect(i=np.arange(cells.N), j=trial * n_src + src_of)
        weights = self.spread_weights(P)
        si, ti = np.nonzero((weights["w_AMPA"] != 0) | (weights["w_NMDA"] != 0) | (weights["w_GABA"] != 0))
        spread = b2.Synapses(sources, targets, SPREAD, dt=dt, name="spread")
        offs = np.repeat(np.arange(n_batch), si.size)
        spread.connect(i=offs * n_src + np.tile(si, n_batch), j=offs * n_tgt + np.tile(ti, n_batch))
        for name, w in weights.items():
            setattr(spread, name, np.tile(w[si, ti], n_batch) * nS)
        tgt_of = trial * n_tgt + net_all * 2 * P + typ_all * P + pool_all
        for var in ("G_AMPA", "G_NMDA", "G_GABA"):
            setattr(cells, var, b2.linked_var(targets, var, index=tgt_of))

        # stimulus, cue and gate currents: column per (trial, network, type, pool), last column zero
        feed = InputFeed(view=cells.variables["I_stim"].get_value(), column=tgt_of,
                         table=np.zeros((1, n_batch * n_tgt + 1)))

        def feed_step():
            feed.step()

        feeder = b2.NetworkOperation(feed_step, dt=input_dt_ms * ms, when="start", name="input_feed")
        spikes = b2.SpikeMonitor(cells, name="spikes")
        net = b2.Network(cells, sources, targets, gather, spread, feeder, spikes)
        net.store("t0")
        self.built = CircuitNetwork(b2=b2, net=net, cells=cells, spikes=spikes, feed=feed, n_batch=n_batch,
                                    n_pools=P, trial_of=trial, group_of=np.tile(group_c, n_batch),
                                    local_of=np.tile(local_c, n_batch), input_dt_ms=input_dt_ms)
        self.build_count += 1

    # ------------------------------------------------------------------ inputs
    def _ring_inputs(self, inputs: np.ndarray, channels: tuple[str, ...]):
        """(stim, cue, mode): (n, steps, P) stimulus and cue drives on the ring, mode 'ring' or 'locations'."""
        stim_idx, cue_idx = ring_indices(tuple(channels))
        if stim_idx.size:
            return inputs[:, :, stim_idx], inputs[:, :, cue_idx], "ring"
        idx = [channel_index(tuple(channels), c) for c in TWO_LOCATION]
        return inputs[:, :, idx[:2]], inputs[:, :, idx[2:]], "locations"

    def _current_table(self, stim: np.ndarray, cue: np.ndarray) -> np.ndarray:
        """(n_steps, n_batch * 4P + 1) currents in amp for the feed (columns as the targets group)."""
        p, P, nb = self.params, self.built.n_pools, self.built.n_batch
        n, n_steps, _ = stim.shape
        contrast = stim.max(axis=2, keepdims=True)                      # (n, steps, 1)
        cur = np.zeros((n, n_steps, 4 * P))
        cur[:, :, 0:P] = p.I0_E_nA * contrast + p.I1_E_nA * stim          # sensory E pools
        cur[:, :, P:2 * P] = p.I0_I_nA * contrast + p.I1_I_nA * stim      # sensory interneurons
        cur[:, :, 2 * P:3 * P] = p.I_gate_nA + p.I_cue_nA * cue          # WM E pools
        cur[:, :, 3 * P:4 * P] = p.I_gate_nA                             # WM interneurons
        table = np.zeros((n_steps, nb * 4 * P + 1))
        table[:, : n * 4 * P] = cur.transpose(1, 0, 2).reshape(n_steps, n * 4 * P)
        return table * 1e-9

    # ------------------------------------------------------------------ run
    def footprint(self, n_steps: int, dt_ms: float) -> dict:
        """Size of one trial's Activity (for the run's memory estimate): 2P + 2 group rates per bin and
        the spikes of every cell at an assumed 20 Hz (P = 8 when not yet known)."""
        P = self.built.n_pools if self.built else (self.params.n_pools or 8)
        n_bins = int(np.ceil(n_steps * dt_ms / self.params.record_dt_ms))
        n_cells = 2 * P * (self.params.n_exc_per_pool + self.params.n_inh_per_pool)
        return {"values_per_trial": (2 * P + 2) * n_bins, "spikes_per_trial": n_cells * 20.0 * n_steps * dt_ms * 1e-3}

    def run(self, inputs, dt_ms, channels, *, seed, progress=None) -> Activity:
        """Simulate the trials in chunks of the built batch size and read the choice from the sensory ring.

        inputs: (n_trials, n_steps, n_channels) on a dt_ms grid (a multiple of sim_dt_ms), with the
        ring channels stim_f<k>, cue_f<k> or the two-location channels. Chunk seeds are spawned from `seed`.
        """
        p = self.params
        inputs = np.asarray(inputs, dtype=float)
        if inputs.ndim != 3:
            raise ParamError(type(self).__name__, "inputs", f"expected (trials, steps, channels), got {inputs.shape}")
        n_trials, n_steps, _ = inputs.shape
        ratio = dt_ms / p.sim_dt_ms
        if abs(ratio - round(ratio)) > 1e-9 or ratio < 1:
            raise ValueError(f"input dt_ms={dt_ms} must be a multiple of sim_dt_ms={p.sim_dt_ms}")
        stim, cue, mode = self._ring_inputs(inputs, channels)
        P = stim.shape[2]
        if p.n_pools is not None and p.n_pools != P:
            raise ValueError(f"n_pools={p.n_pools} but the channels hold a ring of {P} directions")
        if self.built is None:
            self._build(min(n_trials, p.max_batch_trials), P, dt_ms)
        elif dt_ms != self.built.input_dt_ms or P != self.built.n_pools:
            raise ValueError(f"input dt_ms {dt_ms} / ring of {P} differ from the built network's "
                             f"{self.built.input_dt_ms} / {self.built.n_pools}; build a new model")
        names = self.group_names(P)
        rss = np.random.SeedSequence(seed)
        parts = []
        self.last_timing = {"sim_loop_s": 0.0, "total_s": 0.0}
        t_start = time.perf_counter()
        batch = self.built.n_batch
        for c, chunk_seed in zip(range(0, n_trials, batch), rss.spawn(-(-n_trials // batch))):
            stop = min(c + batch, n_trials)
            parts.append(self._run_batch(stim[c:stop], cue[c:stop], n_steps * dt_ms, chunk_seed))
            if progress is not None:
                progress(stop, n_trials)
        rates = np.concatenate([q[0] for q in parts])
        spikes = {g: [tr for q in parts for tr in q[1][g]] for g in names}
        choice, rt, extra = self._readout(rates, stim, cue, dt_ms, mode)
        self.last_timing["total_s"] = time.perf_counter() - t_start
        a, b = f"{SENSORY_RING_PREFIX}0", f"{SENSORY_RING_PREFIX}{P // 2}"
        roles = {g: ("sensory" if g.startswith(SENSORY_RING_PREFIX) else "hidden") for g in names}
        return Activity(rates=rates, dt_ms=p.record_dt_ms, groups={g: slice(k, k + 1) for k, g in enumerate(names)},
                        selective_groups=(a, b), choice=choice, reaction_time_ms=rt, rate_unit="Hz",
                        spikes=spikes, group_sizes=self.group_sizes(P), roles=roles, **extra)

    def _run_batch(self, stim, cue, duration_ms, seed_seq):
        built, p = self.built, self.params
        b2 = built.b2
        built.net.restore("t0")
        built.feed.table = self._current_table(stim, cue)
        built.feed.k = 0
        seed = int(seed_seq.generate_state(1)[0] % (2**31 - 1))
        b2.seed(seed)
        rng = np.random.default_rng(seed)
        # random start between reset and threshold so that cells do not fire in lockstep
        built.cells.v = rng.uniform(p.V_reset_mV, p.V_th_mV, size=len(built.cells)) * b2.mV
        built.net.run(duration_ms * b2.ms)
        self.last_timing["sim_loop_s"] += float(b2.get_device()._last_run_time)
        idx = np.asarray(built.spikes.i[:])
        t_ms = np.asarray(built.spikes.t[:] / b2.ms)
        return self._rates_and_spikes(idx, t_ms, stim.shape[0], duration_ms)

    def _rates_and_spikes(self, idx, t_ms, n, duration_ms):
        """Rates (n, n_bins, 2P + 2) in Hz per cell and spikes per group, padding trials dropped."""
        p, built = self.params, self.built
        names = self.group_names(built.n_pools)
        sizes = self.group_sizes(built.n_pools)
        rec = p.record_dt_ms
        n_bins = max(1, int(round(duration_ms / rec)))
        trial, group, local = built.trial_of[idx], built.group_of[idx], built.local_of[idx]
        keep = trial < n
        trial, group, local, t_ms = trial[keep], group[keep], local[keep], t_ms[keep]
        b = np.minimum((t_ms / rec).astype(int), n_bins - 1)
        counts = np.zeros((n, n_bins, len(names)))
        np.add.at(counts, (trial, b, group), 1.0)
        size = np.array([sizes[g] for g in names], dtype=float)
        rates = causal_boxcar_rate(counts, p.rate_window_ms, rec, axis=1, start="available") / size
        order = np.lexsort((t_ms, group, trial))
        trial, group, local, t_ms = trial[order], group[order], local[order], t_ms[order]
        spikes = {g: [] for g in names}
        bounds = np.searchsorted(trial * len(names) + group, np.arange(n * len(names) + 1))
        for tr in range(n):
            for k, g in enumerate(names):
                s = slice(bounds[tr * len(names) + k], bounds[tr * len(names) + k + 1])
                spikes[g].append((local[s].astype(np.int64), t_ms[s].astype(float)))
        return rates, spikes

    # ------------------------------------------------------------------ readout
    def _readout(self, rates, stim, cue, dt_ms, mode):
        """Choice, reaction time and per-location fields (module doc, Readout)."""
        p, P = self.params, self.built.n_pools
        rec = p.record_dt_ms
        n, n_bins, _ = rates.shape
        on = (stim > 0).any(axis=2)
        onset = np.where(on.any(axis=1), on.argmax(axis=1), stim.shape[1])
        onset_bins = np.minimum(np.ceil(onset * dt_ms / rec - 1e-9).astype(int), n_bins)
        sens = rates[:, :, :P]
        if mode == "locations":
            choice, rt = threshold_readout(sens[:, :, 0], sens[:, :, 1], rec, onset_bins, p.threshold_hz)
            loc_inputs = np.concatenate([stim, cue], axis=2)
            extra = location_fields(loc_inputs, TWO_LOCATION, dt_ms, sens[:, :, 0], sens[:, :, 1], rec,
                                    p.report_criterion_hz)
            return choice, rt, extra
        wm = rates[:, :, P:2 * P]
        cued = (cue > 0).any(axis=(1, 2))
        window = max(1, int(round(p.wm_window_ms / rec)))
        angles = np.deg2rad(360.0 * np.arange(P) / P)
        choice = np.full(n, -1, dtype=int)
        rt = np.full(n, np.nan)
        template = np.full(n, -1, dtype=int)
        for i in range(n):
            s = onset_bins[i]
            if s >= n_bins:
                continue                                   # no stimulus: no decision
            if cued[i]:
                template[i] = int(np.argmax(wm[i, max(0, s - window):max(s, 1)].mean(axis=0)))
                evidence = sens[i, s:, template[i]] - sens[i, s:].mean(axis=1)
                cross = np.flatnonzero(evidence > p.match_margin_hz)
                if cross.size:
                    choice[i], rt[i] = 0, cross[0] * rec
                else:
                    choice[i] = 1
            else:
                r = sens[i, s:].mean(axis=0)
                direction = np.rad2deg(np.arctan2((r * np.sin(angles)).sum(), (r * np.cos(angles)).sum())) % 360.0
                choice[i] = 0 if direction < 180.0 else 1
        return choice, rt, {"extras": {"template_pool": template}}

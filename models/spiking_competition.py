"""Brunel & Wang (2001) / Wang (2002) spiking decision network with top-down cueing.

Per trial: N_E pyramidal cells (two selective pools A and B of f*N_E cells each and a
nonselective rest) and N_I = N_E/4 interneurons; conductance-based LIF cells with AMPA
(external and recurrent), saturating NMDA (x/s gating, Mg block 1/(1+[Mg]/3.57 exp(-0.062 V)))
and GABA_A. Recurrent weights: w_plus inside A and inside B, w_minus = 1 - f(w_plus-1)/(1-f)
from the other selective pool and from the nonselective pool onto A/B, 1 elsewhere.
Background: Poisson 2.4 kHz per cell on AMPA. A stimulus adds mu0_hz * stim_X and a cue
adds cue_rate_hz * cue_X of Poisson rate to every cell of pool X. Optional (off by default, then
the network is built exactly as Wang 2002's): interneuron subgroups I_A, I_B, I_N with pool-specific
E <-> I weights (w_plus_I) and top-down drive cue_inh_rate_hz * cue_X onto I_X (see LOCAL_* below).
Cell i of pool X (Wang 2002 Methods; EXC_EQS / INH_EQS below):

    C_m dV/dt = -g_L (V - V_L) - I_syn,   V > V_th: V <- V_reset, refractory tau_ref
    I_syn = I_AMPA,ext + I_AMPA,rec + I_NMDA,rec + I_GABA,rec
    I_AMPA,ext = g_AMPA,ext s_ext (V - V_E)
    I_AMPA,rec = g_AMPA,rec sum_Y w_XY S_AMPA,Y (V - V_E)
    I_NMDA,rec = g_NMDA sum_Y w_XY S_NMDA,Y (V - V_E) / (1 + [Mg]/3.57 exp(-0.062 V/mV))
    I_GABA,rec = g_GABA S_GABA (V - V_I)
    ds_AMPA/dt = -s_AMPA / tau_AMPA,   ds_GABA/dt = -s_GABA / tau_GABA   (+1 per spike)
    ds_NMDA/dt = -s_NMDA / tau_NMDA,decay + alpha x (1 - s_NMDA),  dx/dt = -x / tau_NMDA,rise (+1 per spike)

In EXC_EQS / INH_EQS each current is one line of its conductance (G_AMPA_ext, G_AMPA_rec,
G_NMDA_rec, G_GABA_rec), and I_syn multiplies the three excitatory ones, which share V_E, by
(V - V_E) once: the same currents, in the order of floating-point operations of the results so far.

Speed lever (exact, not an approximation): connectivity is all-to-all with one weight per
pair of pools, and the gating variables s_AMPA, s_NMDA, s_GABA of a synapse depend only on
its presynaptic cell (Wang 2002 uses the same convention). So the recurrent input of cell i
in pool X is g (V_i - V_E) sum_Y w_XY S_Y with S_Y = sum_{j in Y} s_j: the gatings live on
the presynaptic cell (incremented in its reset), one summed-variable synapse per cell adds
them into a per-(trial, pool) total, and each cell reads the totals of its trial through
linked variables. Cost is O(N) per step instead of O(N^2) synapses. Differences from a
synapse-per-pair network: autapses are included in the pool sums (weight 1/N_pool of the
pool drive) and there is no 0.5 ms transmission delay.

External inputs: background, stimulus and cue are Poisson spike trains onto the external AMPA
gating (g_AMPA_ext); each step adds a Poisson count of mean (2.4 kHz + mu0_hz*stim + cue_rate_hz*cue)*dt.

Build once / run many: all trials of a call run side by side in ONE runtime network (trial
index as a cell variable, pools per trial; up to `max_batch_trials`, fixed by the first call;
later, smaller chunks are padded with silent trials). It is built and stored once; each run()
restores the t=0 state, reseeds, writes the new inputs and runs. Inputs enter as a per-cell rate
`nu_in` refreshed once per input step by a network_operation (a numpy row copy), so new inputs
never change generated code and nothing is rebuilt or recompiled after the first run()
(`build_count` stays 1). Batching shares the fixed per-step overhead of the ~15 code objects
between trials; the cython cache (~/.cython) makes the cold compile a once-per-machine cost.
Timings and the standalone alternative: docs/model_notes.md.

Shapes: run(inputs (n_trials, n_steps, n_channels), dt_ms) -> Activity with rates
(n_trials, n_bins, 4) in Hz per cell, groups GROUPS, n_bins = duration / record_dt_ms; the rate
at bin k is the causal `rate_window_ms` boxcar over the bins present (models.rate_smoothing,
start="available"); spikes per group and trial as (cell index in the group, time in ms).

Determinism: the same seed and the same batch size give the same spikes (trials of one batch
share Brian2's random stream, so changing the batch size changes the draws).

References: Brunel & Wang 2001 J Comput Neurosci 11:63; Wang 2002 Neuron 36:955;
Kanashiro et al. 2017 eLife 6:e23978 (pool-specific interneurons).
"""
from __future__ import annotations

import time
from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from attnsim.models.activity import Activity
from attnsim.models.base import BrainModel, channel_index
from attnsim.models.rate_smoothing import causal_boxcar_rate
from attnsim.models.readout import location_fields, stimulus_onset_index, threshold_readout
from attnsim.models.spiking_competition_params import SpikingCompetitionParams
from attnsim.models.registry import FAMILIES

GROUPS = ("pool_A", "pool_B", "nonselective", "inhibitory")
# A decision circuit (Wang 2002): the selective pools compete winner-take-all, so they are
# decision pools, not a sensory population (Activity.roles; docs/reference.md, "sensory
# population"). Sensory signatures (rows 8, 9, 11, 12) are n/a until a sensory stage exists.
ROLES = {"pool_A": "decision", "pool_B": "decision", "nonselective": "hidden", "inhibitory": "hidden"}

# Constants of each cell type come from the namespace (scalars), so the E and I groups are
# separate NeuronGroups. One line per synaptic conductance (module doc); the recurrent totals S_*
# (summed presynaptic gatings of a pool) are linked from the per-(trial, pool) sums, and w_X is
# the weight from pool X.
EXC_EQS = """
dv/dt = (g_L * (V_L - v) - I_syn) / C_m : volt (unless refractory)
I_syn = (G_AMPA_ext + G_AMPA_rec + G_NMDA_rec) * (v - V_E) + G_GABA_rec * (v - V_I) : amp
G_AMPA_ext = g_ext * s_ext : siemens
G_AMPA_rec = g_AMPA * (w_A * SA_A + w_B * SA_B + w_N * SA_N) : siemens
G_NMDA_rec = g_NMDA * (w_A * SN_A + w_B * SN_B + w_N * SN_N) / (1 + Mg / 3.57 * exp(-0.062 * v / mV)) : siemens
G_GABA_rec = g_GABA * S_GABA : siemens
ds_ext/dt = -s_ext / tau_AMPA : 1
ds_AMPA/dt = -s_AMPA / tau_AMPA : 1
ds_NMDA/dt = -s_NMDA / tau_NMDA_decay + alpha_NMDA * x * (1 - s_NMDA) : 1
dx/dt = -x / tau_NMDA_rise : 1
w_A : 1 (constant)
w_B : 1 (constant)
w_N : 1 (constant)
nu_in : Hz
SA_A : 1 (linked)
SA_B : 1 (linked)
SA_N : 1 (linked)
SN_A : 1 (linked)
SN_B : 1 (linked)
SN_N : 1 (linked)
S_GABA : 1 (linked)
"""
INH_EQS = """
dv/dt = (g_L * (V_L - v) - I_syn) / C_m : volt (unless refractory)
I_syn = (G_AMPA_ext + G_AMPA_rec + G_NMDA_rec) * (v - V_E) + G_GABA_rec * (v - V_I) : amp
G_AMPA_ext = g_ext * s_ext : siemens
G_AMPA_rec = g_AMPA * (SA_A + SA_B + SA_N) : siemens
G_NMDA_rec = g_NMDA * (SN_A + SN_B + SN_N) / (1 + Mg / 3.57 * exp(-0.062 * v / mV)) : siemens
G_GABA_rec = g_GABA * S_GABA : siemens
ds_ext/dt = -s_ext / tau_AMPA : 1
ds_GABA/dt = -s_GABA / tau_GABA : 1
SA_A : 1 (linked)
SA_B : 1 (linked)
SA_N : 1 (linked)
SN_A : 1 (linked)
SN_B : 1 (linked)
SN_N : 1 (linked)
S_GABA : 1 (linked)
"""

# Optional pool-specific interneurons (w_plus_I != 1 or cue_inh_rate_hz > 0). Wang 2002 has one
# interneuron pool shared by all pyramidal cells, so top-down drive onto it would raise inhibition
# of the attended and the unattended pool alike and could not separate attend-in from attend-out.
# Kanashiro et al. 2017 (eLife 6:e23978) model the attended population as a local E/I circuit whose
# top-down drive lands mainly on its own interneurons; the interneurons are therefore split like the
# pyramidal cells into I_A, I_B (f*N_I each) and I_N, with E_X -> I_X and I_X -> E_X at w_plus_I and
# between pools at w_minus_I (normalised like w_minus, so the mean drive is unchanged); I -> I stays
# all-to-all. Only then are these equations used: the default network is built exactly as before.
# They differ from EXC_EQS / INH_EQS in G_GABA_rec, summed per interneuron subgroup SG_X (weight
# u_X onto a pyramidal cell, 1 onto an interneuron), in the pool weights w_X onto interneurons, and
# in the top-down rate nu_in onto interneurons.
LOCAL_EXC_EQS = """
dv/dt = (g_L * (V_L - v) - I_syn) / C_m : volt (unless refractory)
I_syn = (G_AMPA_ext + G_AMPA_rec + G_NMDA_rec) * (v - V_E) + G_GABA_rec * (v - V_I) : amp
G_AMPA_ext = g_ext * s_ext : siemens
G_AMPA_rec = g_AMPA * (w_A * SA_A + w_B * SA_B + w_N * SA_N) : siemens
G_NMDA_rec = g_NMDA * (w_A * SN_A + w_B * SN_B + w_N * SN_N) / (1 + Mg / 3.57 * exp(-0.062 * v / mV)) : siemens
G_GABA_rec = g_GABA * (u_A * SG_A + u_B * SG_B + u_N * SG_N) : siemens
ds_ext/dt = -s_ext / tau_AMPA : 1
ds_AMPA/dt = -s_AMPA / tau_AMPA : 1
ds_NMDA/dt = -s_NMDA / tau_NMDA_decay + alpha_NMDA * x * (1 - s_NMDA) : 1
dx/dt = -x / tau_NMDA_rise : 1
w_A : 1 (constant)
w_B : 1 (constant)
w_N : 1 (constant)
u_A : 1 (constant)
u_B : 1 (constant)
u_N : 1 (constant)
nu_in : Hz
SA_A : 1 (linked)
SA_B : 1 (linked)
SA_N : 1 (linked)
SN_A : 1 (linked)
SN_B : 1 (linked)
SN_N : 1 (linked)
SG_A : 1 (linked)
SG_B : 1 (linked)
SG_N : 1 (linked)
"""
LOCAL_INH_EQS = """
dv/dt = (g_L * (V_L - v) - I_syn) / C_m : volt (unless refractory)
I_syn = (G_AMPA_ext + G_AMPA_rec + G_NMDA_rec) * (v - V_E) + G_GABA_rec * (v - V_I) : amp
G_AMPA_ext = g_ext * s_ext : siemens
G_AMPA_rec = g_AMPA * (w_A * SA_A + w_B * SA_B + w_N * SA_N) : siemens
G_NMDA_rec = g_NMDA * (w_A * SN_A + w_B * SN_B + w_N * SN_N) / (1 + Mg / 3.57 * exp(-0.062 * v / mV)) : siemens
G_GABA_rec = g_GABA * (SG_A + SG_B + SG_N) : siemens
ds_ext/dt = -s_ext / tau_AMPA : 1
ds_GABA/dt = -s_GABA / tau_GABA : 1
w_A : 1 (constant)
w_B : 1 (constant)
w_N : 1 (constant)
nu_in : Hz
SA_A : 1 (linked)
SA_B : 1 (linked)
SA_N : 1 (linked)
SN_A : 1 (linked)
SN_B : 1 (linked)
SN_N : 1 (linked)
SG_A : 1 (linked)
SG_B : 1 (linked)
SG_N : 1 (linked)
"""


@dataclass
class InputFeed:
    """The per-cell extra Poisson rate nu_in, rewritten once per input step from t = 0.

    table: (n_steps, n_columns) rates in Hz of the current run (columns: 2 per trial for pools A
    and B, one zero column, then, with local inhibition, 2 per trial for I_A and I_B); column_exc,
    column_inh: the table column of every pyramidal cell and interneuron; nu_in_exc, nu_in_inh:
    direct views of the groups' nu_in (None for interneurons without local inhibition); k: the
    next input step (reset to 0 before each run)."""
    nu_in_exc: np.ndarray
    column_exc: np.ndarray
    nu_in_inh: np.ndarray | None
    column_inh: np.ndarray
    table: np.ndarray
    k: int = 0

    def step(self) -> None:
        row = min(self.k, self.table.shape[0] - 1)
        self.nu_in_exc[:] = self.table[row, self.column_exc]
        if self.nu_in_inh is not None:
            self.nu_in_inh[:] = self.table[row, self.column_inh]
        self.k += 1


@dataclass
class CompetitionNetwork:
    """One built batch of trials (SpikingCompetition._build): the Brian2 network stored at t = 0,
    its E and I groups and spike monitors, the input feed, and the trial-major layout of the
    n_batch * (N_E + N_I) cells (trial_of, group_of: trial and group index 0..3 of each)."""
    b2: object
    net: object
    exc: object
    inh: object
    spikes_exc: object
    spikes_inh: object
    feed: InputFeed
    n_batch: int
    trial_of: np.ndarray
    group_of: np.ndarray
    sim_dt_ms: float
    input_dt_ms: float


@FAMILIES.register("spiking_competition", summary="Brunel & Wang 2001 / Wang 2002 spiking E/I network: two selective pools with self-excitation (AMPA/NMDA/GABA_A)")
class SpikingCompetition(BrainModel):
    family: ClassVar[str] = "spiking_competition"
    capabilities: ClassVar[frozenset] = frozenset({"spiking"})
    paper: ClassVar[str] = "Brunel & Wang 2001 J Comput Neurosci 11:63; Wang 2002 Neuron 36:955"
    Params: ClassVar[type] = SpikingCompetitionParams

    def __init__(self, params: SpikingCompetitionParams | None = None):
        self.params = params or SpikingCompetitionParams()
        p = self.params
        self.N_I = p.N_E // 4
        self.N_A = int(round(p.f * p.N_E))
        self.N_ns = p.N_E - 2 * self.N_A
        self.sizes = {"pool_A": self.N_A, "pool_B": self.N_A, "nonselective": self.N_ns,
                      "inhibitory": self.N_I}
        self.n_per_trial = p.N_E + self.N_I
        # interneuron subgroups I_A, I_B, I_N (local index order); used only if p.local_inhibition
        self.N_IA = int(round(p.f * self.N_I))
        self.build_count = 0
        self.built: CompetitionNetwork | None = None
        self.last_timing: dict[str, float] = {}

    # ------------------------------------------------------------------ layout
    def _layout(self, n_trials: int):
        """Per-cell trial index and group index (0..3), trial-major."""
        per = np.repeat(np.arange(4), [self.sizes[g] for g in GROUPS])
        group = np.tile(per, n_trials)
        trial = np.repeat(np.arange(n_trials), self.n_per_trial)
        return trial, group

    def _inh_subgroups(self) -> np.ndarray:
        """Subgroup of each interneuron of a trial (local order): 0 = I_A, 1 = I_B, 2 = I_N."""
        return np.repeat([0, 1, 2], [self.N_IA, self.N_IA, self.N_I - 2 * self.N_IA])

    # ------------------------------------------------------------------ build
    def _build(self, n_batch: int, sim_dt_ms: float, input_dt_ms: float):
        """Build the network of `n_batch` trials side by side, in four steps: create the E and I
        groups, connect them through the per-(trial, pool) gating sums, add the Poisson inputs,
        add the spike monitors. Stores it as `self.built` (CompetitionNetwork)."""
        import brian2 as b2

        p = self.params
        b2.prefs.codegen.target = p.codegen_target
        b2.prefs.logging.console_log_level = "WARNING"
        trial, group = self._layout(n_batch)
        exc, inh = self._create_neurons(trial, group, sim_dt_ms)
        sums = self._connect(exc, inh, trial, group, sim_dt_ms)
        feed, feeder = self._create_inputs(exc, inh, trial, group, input_dt_ms)
        spikes_exc, spikes_inh = self._create_monitors(exc, inh)
        net = b2.Network(exc, inh, *sums, feeder, spikes_exc, spikes_inh)
        net.store("t0")
        self.built = CompetitionNetwork(b2=b2, net=net, exc=exc, inh=inh, spikes_exc=spikes_exc,
                                        spikes_inh=spikes_inh, feed=feed, n_batch=n_batch, trial_of=trial,
                                        group_of=group, sim_dt_ms=sim_dt_ms, input_dt_ms=input_dt_ms)
        self.build_count += 1

    def _create_neurons(self, trial: np.ndarray, group: np.ndarray, sim_dt_ms: float):
        """The pyramidal cells (EXC_EQS) and interneurons (INH_EQS) of all trials, with Wang
        2002's constants (recurrent conductances scaled by 1600 / N_E) and the E -> E pool weights
        w_X (and, with local inhibition, the pool-specific E <-> I weights u_X, w_X). trial, group:
        the trial-major layout of the cells (_layout)."""
        import brian2 as b2

        p = self.params
        n_batch = int(trial[-1]) + 1
        ms, mV, nS, nF = b2.ms, b2.mV, b2.nS, b2.nF
        scale = 1600.0 / p.N_E
        shared = dict(
            V_L=p.V_L_mV * mV, V_E=p.V_E_mV * mV, V_I=p.V_I_mV * mV, Mg=p.Mg_mM,
            tau_AMPA=p.tau_AMPA_ms * ms, tau_NMDA_rise=p.tau_NMDA_rise_ms * ms,
            tau_NMDA_decay=p.tau_NMDA_decay_ms * ms, alpha_NMDA=p.alpha_NMDA_per_ms / ms,
            tau_GABA=p.tau_GABA_ms * ms, V_th=p.V_th_mV * mV, V_reset=p.V_reset_mV * mV,
            lam_ext=p.nu_ext_hz * sim_dt_ms * 1e-3)

        def cell_type(C_m, g_L, g_ext, g_AMPA, g_NMDA, g_GABA, tau_ref):
            return dict(shared, C_m=C_m * nF, g_L=g_L * nS, g_ext=g_ext * nS, g_AMPA=g_AMPA * scale * nS,
                        g_NMDA=g_NMDA * scale * nS, g_GABA=g_GABA * scale * nS, tau_ref=tau_ref * ms)

        dt = sim_dt_ms * ms
        ns_E = cell_type(p.C_m_E_nF, p.g_L_E_nS, p.g_AMPA_ext_E_nS, p.g_AMPA_rec_E_nS, p.g_NMDA_E_nS,
                         p.g_GABA_E_nS, p.tau_ref_E_ms)
        ns_I = cell_type(p.C_m_I_nF, p.g_L_I_nS, p.g_AMPA_ext_I_nS, p.g_AMPA_rec_I_nS, p.g_NMDA_I_nS,
                         p.g_GABA_I_nS, p.tau_ref_I_ms)
        local = p.local_inhibition
        # a spike opens the cell's own outgoing gatings (shared by all its synapses)
        exc = b2.NeuronGroup(n_batch * p.N_E, LOCAL_EXC_EQS if local else EXC_EQS, threshold="v > V_th",
                             reset="v = V_reset; s_AMPA += 1; x += 1", refractory="tau_ref",
                             method="euler", namespace=ns_E, dt=dt, name="exc")
        inh = b2.NeuronGroup(n_batch * self.N_I, LOCAL_INH_EQS if local else INH_EQS, threshold="v > V_th",
                             reset="v = V_reset; s_GABA += 1", refractory="tau_ref",
                             method="euler", namespace=ns_I, dt=dt, name="inh")
        group_e = group[group < 3]
        # weight from source pool (A, B, nonselective) onto each excitatory target pool
        w_minus = p.w_minus
        w_src = np.array([(p.w_plus, w_minus, w_minus), (w_minus, p.w_plus, w_minus), (1.0, 1.0, 1.0)])
        W = w_src[group_e]
        exc.w_A, exc.w_B, exc.w_N = W[:, 0], W[:, 1], W[:, 2]
        if local:
            wi = np.array([(p.w_plus_I, p.w_minus_I, p.w_minus_I), (p.w_minus_I, p.w_plus_I, p.w_minus_I),
                           (1.0, 1.0, 1.0)])
            U = wi[group_e]                     # I_X -> E pool, same pattern as the E -> E weights
            exc.u_A, exc.u_B, exc.u_N = U[:, 0], U[:, 1], U[:, 2]
            V = wi[np.tile(self._inh_subgroups(), n_batch)]      # E pool -> I_X
            inh.w_A, inh.w_B, inh.w_N = V[:, 0], V[:, 1], V[:, 2]
        return exc, inh

    def _connect(self, exc, inh, trial: np.ndarray, group: np.ndarray, sim_dt_ms: float) -> list:
        """The recurrent input (module doc, speed lever): summed-variable synapses add each cell's
        gatings into one total per (trial, excitatory pool) and per trial (per (trial, interneuron
        subgroup) with local inhibition), and every cell reads its trial's totals as linked
        variables S*_X. Returns the sum groups and synapses."""
        import brian2 as b2

        local = self.params.local_inhibition
        dt = sim_dt_ms * b2.ms
        n_batch = int(trial[-1]) + 1
        is_e = group < 3
        trial_e, group_e, trial_i = trial[is_e], group[is_e], trial[~is_e]
        pools = b2.NeuronGroup(3 * n_batch, "S_AMPA : 1\nS_NMDA : 1", name="pool_sums", dt=dt)
        gaba = b2.NeuronGroup((3 if local else 1) * n_batch, "S_GABA : 1", name="gaba_sums", dt=dt)
        sum_e = b2.Synapses(exc, pools, "S_AMPA_post = s_AMPA_pre : 1 (summed)\n"
                            "S_NMDA_post = s_NMDA_pre : 1 (summed)", name="sum_exc", dt=dt)
        sum_e.connect(i=np.arange(trial_e.size), j=trial_e * 3 + group_e)
        ipool = np.tile(self._inh_subgroups(), n_batch)          # 0 = I_A, 1 = I_B, 2 = I_N
        sum_i = b2.Synapses(inh, gaba, "S_GABA_post = s_GABA_pre : 1 (summed)", name="sum_inh", dt=dt)
        sum_i.connect(i=np.arange(trial_i.size), j=trial_i * 3 + ipool if local else trial_i)
        for g, tr in ((exc, trial_e), (inh, trial_i)):
            for k, src in enumerate("ABN"):
                setattr(g, f"SA_{src}", b2.linked_var(pools, "S_AMPA", index=tr * 3 + k))
                setattr(g, f"SN_{src}", b2.linked_var(pools, "S_NMDA", index=tr * 3 + k))
                if local:
                    setattr(g, f"SG_{src}", b2.linked_var(gaba, "S_GABA", index=tr * 3 + k))
            if not local:
                g.S_GABA = b2.linked_var(gaba, "S_GABA", index=tr)
        return [pools, gaba, sum_e, sum_i]

    def _create_inputs(self, exc, inh, trial: np.ndarray, group: np.ndarray, input_dt_ms: float):
        """Background + stimulus + cue as Poisson counts per step on the external AMPA gating:
        s_ext += Poisson(lam_ext + nu_in dt), with nu_in rewritten once per input step from the
        run's input table (InputFeed). Returns (InputFeed, its NetworkOperation)."""
        import brian2 as b2

        local = self.params.local_inhibition
        n_batch = int(trial[-1]) + 1
        exc.run_regularly("s_ext += poisson(lam_ext + nu_in * dt)", when="before_groups", name="drive_exc")
        inh.run_regularly("s_ext += poisson(lam_ext + nu_in * dt)" if local else "s_ext += poisson(lam_ext)",
                          when="before_groups", name="drive_inh")
        is_e = group < 3
        trial_e, group_e, trial_i = trial[is_e], group[is_e], trial[~is_e]
        ipool = np.tile(self._inh_subgroups(), n_batch)
        feed = InputFeed(
            # column of the per-step input table that drives each cell (column 2 n_batch: no input)
            nu_in_exc=exc.variables["nu_in"].get_value(),      # direct view, no unit checks
            column_exc=np.where(group_e < 2, trial_e * 2 + group_e, 2 * n_batch),
            # interneurons of I_A / I_B read the cue columns (after the 2 n_batch E columns and the zero one)
            nu_in_inh=inh.variables["nu_in"].get_value() if local else None,
            column_inh=np.where(ipool < 2, 2 * n_batch + 1 + trial_i * 2 + ipool, 2 * n_batch),
            table=np.zeros((1, 2 * n_batch + 1)))

        def feed_step():
            feed.step()

        return feed, b2.NetworkOperation(feed_step, dt=input_dt_ms * b2.ms, when="start", name="input_feed")

    def _create_monitors(self, exc, inh):
        """Spike monitors of the pyramidal cells and of the interneurons."""
        import brian2 as b2
        return b2.SpikeMonitor(exc, name="spikes_exc"), b2.SpikeMonitor(inh, name="spikes_inh")

    # ------------------------------------------------------------------ run
    def footprint(self, n_steps: int, dt_ms: float) -> dict:
        """Size of one trial's Activity, for the run's memory estimate: 4 group rates per
        `record_dt_ms` bin, and the spikes of all N_E + N_I cells at an assumed 20 Hz mean
        (above Wang 2002's stimulus-epoch population average, so the estimate errs high)."""
        n_bins = int(np.ceil(n_steps * dt_ms / self.params.record_dt_ms))
        return {"values_per_trial": len(GROUPS) * n_bins,
                "spikes_per_trial": self.n_per_trial * 20.0 * n_steps * dt_ms * 1e-3}

    def run(self, inputs, dt_ms, channels, *, seed, progress=None) -> Activity:
        """Simulate the trials in chunks of the built batch size; threshold readout on the A/B rates.

        inputs: (n_trials, n_steps, n_channels) on a dt_ms grid (a multiple of sim_dt_ms); pool X
        gets mu0_hz * stim_X + cue_rate_hz * cue_X extra Poisson rate (and, with local inhibition,
        its interneurons cue_inh_rate_hz * cue_X). Chunk seeds are spawned from `seed`.
        """
        p = self.params
        inputs = np.asarray(inputs, dtype=float)
        n_trials, n_steps, _ = inputs.shape
        ratio = dt_ms / p.sim_dt_ms
        if abs(ratio - round(ratio)) > 1e-9 or ratio < 1:
            raise ValueError(f"input dt_ms={dt_ms} must be a multiple of sim_dt_ms={p.sim_dt_ms}")
        if self.built is None:
            self._build(min(n_trials, p.max_batch_trials), p.sim_dt_ms, dt_ms)
        elif dt_ms != self.built.input_dt_ms:
            raise ValueError(f"input dt_ms changed from {self.built.input_dt_ms} to {dt_ms}; build a new model")
        ia, ib = channel_index(channels, "stim_A"), channel_index(channels, "stim_B")
        ca, cb = channel_index(channels, "cue_A"), channel_index(channels, "cue_B")
        extra = np.stack([p.mu0_hz * inputs[:, :, ia] + p.cue_rate_hz * inputs[:, :, ca],
                          p.mu0_hz * inputs[:, :, ib] + p.cue_rate_hz * inputs[:, :, cb]], axis=2)
        if p.local_inhibition:   # cue onto the interneurons of the cued pool: columns 2, 3
            extra = np.concatenate([extra, p.cue_inh_rate_hz * inputs[:, :, [ca, cb]]], axis=2)

        rss = np.random.SeedSequence(seed)
        parts, done = [], 0
        self.last_timing = {"sim_loop_s": 0.0, "total_s": 0.0}
        t_start = time.perf_counter()
        batch = self.built.n_batch
        for c, chunk_seed in zip(range(0, n_trials, batch), rss.spawn(-(-n_trials // batch))):
            stop = min(c + batch, n_trials)
            parts.append(self._run_batch(extra[c:stop], n_steps, dt_ms, chunk_seed))
            done = stop
            if progress is not None:
                progress(done, n_trials)
        rates = np.concatenate([q[0] for q in parts])
        spikes = {g: [tr for q in parts for tr in q[1][g]] for g in GROUPS}
        rec_dt = p.record_dt_ms
        onset = stimulus_onset_index(inputs, tuple(channels))
        onset_bins = np.minimum(np.ceil(onset * dt_ms / rec_dt - 1e-9).astype(int), rates.shape[1])
        choice, rt = threshold_readout(rates[:, :, 0], rates[:, :, 1], rec_dt, onset_bins, p.threshold_hz)
        self.last_timing["total_s"] = time.perf_counter() - t_start
        return Activity(rates=rates, dt_ms=rec_dt, groups={g: slice(k, k + 1) for k, g in enumerate(GROUPS)},
                        selective_groups=("pool_A", "pool_B"), choice=choice, reaction_time_ms=rt,
                        rate_unit="Hz", spikes=spikes, group_sizes=dict(self.sizes), roles=dict(ROLES),
                        **location_fields(inputs, channels, dt_ms, rates[:, :, 0], rates[:, :, 1], rec_dt,
                                          p.report_criterion_hz))

    def _run_batch(self, extra, n_steps, dt_ms, seed_seq):
        """Simulate up to `_batch` trials; extra: (n, n_steps, 2 or 4) added rates in Hz to pools A/B
        (and, with local inhibition, to interneuron subgroups I_A/I_B)."""
        built, p = self.built, self.params
        b2 = built.b2
        n = extra.shape[0]
        nb = 2 * built.n_batch
        table = np.zeros((n_steps, 2 * nb + 1 if p.local_inhibition else nb + 1))
        table[:, : 2 * n] = extra[:, :, :2].transpose(1, 0, 2).reshape(n_steps, 2 * n)
        if p.local_inhibition:
            table[:, nb + 1: nb + 1 + 2 * n] = extra[:, :, 2:].transpose(1, 0, 2).reshape(n_steps, 2 * n)
        built.net.restore("t0")
        built.feed.table = table
        built.feed.k = 0
        seed = int(seed_seq.generate_state(1)[0] % (2**31 - 1))
        b2.seed(seed)
        rng = np.random.default_rng(seed)
        # random start between rest and threshold so cells do not fire in lockstep
        for g in (built.exc, built.inh):
            g.v = rng.uniform(p.V_L_mV, p.V_th_mV, size=len(g)) * b2.mV
        duration = n_steps * dt_ms
        built.net.run(duration * b2.ms)
        self.last_timing["sim_loop_s"] += float(b2.get_device()._last_run_time)
        # cell index in the trial-major layout [A, B, nonselective, inhibitory] of every spike
        is_e = built.group_of < 3
        monitors = ((built.spikes_exc, np.flatnonzero(is_e)), (built.spikes_inh, np.flatnonzero(~is_e)))
        idx = np.concatenate([where[np.asarray(m.i[:])] for m, where in monitors])
        t_ms = np.concatenate([np.asarray(m.t[:] / b2.ms) for m, _ in monitors])
        return self._rates_and_spikes(idx, t_ms, n, duration)

    def _rates_and_spikes(self, idx, t_ms, n, duration_ms):
        """Rates (n, n_bins, 4) in Hz per cell and spikes per group from the batch's monitors.

        idx: cell index in the trial-major layout of every spike; t_ms: its time. Trials >= n
        (padding) are dropped. Counts per (trial, bin, group) go through the causal boxcar over
        the bins present, then are divided by the group size.
        """
        p = self.params
        rec = p.record_dt_ms
        n_bins = int(round(duration_ms / rec))
        trial, group = self.built.trial_of[idx], self.built.group_of[idx]
        keep = trial < n
        trial, group, idx, t_ms = trial[keep], group[keep], idx[keep], t_ms[keep]
        b = np.minimum((t_ms / rec).astype(int), n_bins - 1)
        counts = np.zeros((n, n_bins, 4))
        np.add.at(counts, (trial, b, group), 1.0)
        # causal sliding window over the bins present (fewer than w at the start), then per cell
        sizes = np.array([self.sizes[g] for g in GROUPS], dtype=float)
        rates = causal_boxcar_rate(counts, p.rate_window_ms, rec, axis=1, start="available") / sizes[None, None, :]
        first = np.concatenate([[0], np.cumsum([self.sizes[g] for g in GROUPS])])
        local = idx % self.n_per_trial
        spikes = {g: [] for g in GROUPS}
        for tr in range(n):
            in_tr = trial == tr
            for k, g in enumerate(GROUPS):
                m = in_tr & (group == k)
                spikes[g].append(((local[m] - first[k]).astype(np.int64), t_ms[m].astype(float)))
        return rates, spikes

"""Two PD14 columns (one prefers stimulus A, one B) with layer-specific top-down attention.

Each column is a downscaled Potjans & Diesmann (2014) microcircuit (network.build_column).
- Stimulus "stim_A"/"stim_B" (contrast in [0, 1]) is extra Poisson input to L4E and L4I of
  column A/B with the thalamic full-scale in-degrees of PD14 (C_th x N_th: 89 to L4E, 56 to
  L4I) at `stim_rate_hz` x contrast, full-scale weight (the inputs are not neurons of the
  network, so they are not downscaled).
- Top-down attention "cue_A"/"cue_B" is extra Poisson input (`cue_indegree` inputs at
  `cue_rate_hz` x cue) to the `cue_targets` populations of that column; default L2/3 and L5
  excitatory cells, following Wagatsuma et al. (2011), where top-down input to L2/3 and L5
  raises their responses and suppresses L4 through the interlaminar pathways.
- Lateral inhibition: L2/3E of each column excites L2/3I of the other (PD14 rule with
  connection probability `lateral_prob`).
Readout: threshold on the smoothed L2/3E rates of the two columns (the output layer of the
column to higher areas), models.readout.threshold_readout. The readout and the rate window are
applied in Python to the binary's spikes, so they are not part of the build key.
`n_columns: 1` builds column A only (spontaneous validation; groups still named "A_L23E" ...;
no readout: choice -1).
Layer 1 (extension beyond PD14, models.microcircuit.layer1): `L1I_enabled: true` adds an L1
inhibitory population per column (groups "A_L1I", "B_L1I", listed after the 16 PD14 groups so
their indices do not move) that inhibits L2/3E and L2/3I; "L1I" then becomes a valid cue target
(top-down input to L1). Off by default: the build key and behaviour of PD14-only runs are unchanged.

Runs are cpp_standalone: the binary is built once per configuration (cached under
ATTNSIM_CACHE_DIR) with the inputs as a TimedArray, and each trial is one run of the binary
with that trial's inputs as a run argument, so run() never recompiles.
"""
from __future__ import annotations

import hashlib
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from typing import ClassVar

import numpy as np

from attnsim.models.activity import Activity
from attnsim.models.base import BrainModel, channel_index
from attnsim.models.layer_layout import LayerLayout
from attnsim.models.microcircuit import layer1 as L1
from attnsim.models.microcircuit import pd14_params as P
from attnsim.models.rate_smoothing import causal_boxcar_rate
from attnsim.models.microcircuit.network import (POISSON_SAMPLERS, SYNAPSE_LAYOUTS, ColumnConfig, build_column,
                                                 population_slices)
from attnsim.models.microcircuit.standalone import build_once, seed_point
from attnsim.models.params import check_params, param
from attnsim.models.readout import location_fields, stimulus_onset_index, threshold_readout
from attnsim.models.registry import FAMILIES

COLUMNS = ("A", "B")
CHANNELS = ("stim_A", "stim_B", "cue_A", "cue_B")
SENSORY_POPULATIONS = ("L23E", "L4E")    # Activity.roles "sensory" (docs/reference.md, "sensory population")


@dataclass(frozen=True)
class MicrocircuitColumnsParams:
    N_scaling: float = param(0.05, "PD14 N_scaling: fraction of the full-scale neuron numbers per column", gt=0, le=1)
    K_scaling: float = param(0.05, "PD14 K_scaling: fraction of the full-scale in-degrees (weights / sqrt)", gt=0, le=1)
    background: str = param("poisson", "background input: 'poisson' (8 Hz x K_ext) or 'dc' (its mean)",
                            choices=("poisson", "dc"))
    synapses: str = param("csr", "recurrent synapses of a column: 'csr' (compressed rows and a ring buffer, "
                                 "fastest), 'fused' (one Synapses object) or 'per_pathway' (one per pathway, "
                                 "the build before 2026-12-02); the same distribution, different realizations "
                                 "(network.py)",
                          choices=SYNAPSE_LAYOUTS)
    poisson_sampler: str = param("table", "how the Poisson background is drawn: 'table' (exact per-population "
                                          "CDF table, fast), 'poisson_input' (Brian2 PoissonInput, the build "
                                          "before 2026-12-02) or 'poisson_fn'; the same distribution",
                                 choices=POISSON_SAMPLERS)
    stim_rate_hz: float = param(20.0, "rate of each thalamic stimulus input at contrast 1", ge=0)
    cue_rate_hz: float = param(10.0, "rate of each top-down input at cue 1", ge=0)
    cue_indegree: int = param(200, "top-down inputs per target neuron (full-scale weight 87.81 pA)", ge=0)
    cue_targets: list = param(["L23E", "L5E"], "populations receiving top-down attention input (Wagatsuma 2011: L2/3 and L5)")
    lateral_prob: float = param(0.05, "connection probability L2/3E of one column -> L2/3I of the other", ge=0, lt=1)
    n_columns: int = param(2, "columns built: 2 (A and B, attention tasks) or 1 (A only, spontaneous validation)",
                           choices=(1, 2))
    # 4 Hz: the L2/3E rate of the attended column crosses it under the default cue at 0.03-0.1
    # scale (spontaneous L2/3E is 0.4-0.9 Hz; measured numbers in scenarios/microcircuit_attention.yaml),
    # while 15 Hz (the Wong-Wang value) is never reached by these small networks
    readout_threshold_hz: float = param(4.0, "decision threshold on the smoothed L2/3E rate (Python only: not in the build key)", gt=0)
    rate_window_ms: float = param(20.0, "boxcar window for the population rates (Python only: not in the build key)", gt=0)
    report_criterion_hz: float | None = param(None, "dual-report criterion: a location is reported present when its selective group's mean rate in the stimulus epoch exceeds it; one value for both locations and every condition (None: evidence only, no reports); Python only: not in the build key (Hz)", ge=0)
    sim_dt_ms: float = param(0.1, "integration time step", gt=0)
    parallel_trials: int = param(2, "trials run at once (separate processes of the same binary)", ge=1)
    # extension beyond PD14 (models/microcircuit/layer1.py): off keeps the PD14-only build key
    L1I_enabled: bool = param(False, "add a layer-1 inhibitory population per column (not in PD14; "
                                     "inhibits L2/3E and L2/3I; 'L1I' becomes a valid cue target)")
    L1I_p_from_L23E: float = param(0.0, "connection probability L2/3E -> L1I (0: none, as for L1 "
                                        "neurogliaform cells in Wozny & Williams 2011)", ge=0, lt=1)

    def __post_init__(self):
        check_params(self)
        from attnsim.models.params import ParamError
        valid = list(self.populations)
        bad = [p for p in self.cue_targets if p not in valid]
        if bad:
            hint = (" ('L1I' needs L1I_enabled: true)" if L1.NAME in bad and not self.L1I_enabled else "")
            raise ParamError("MicrocircuitColumnsParams", "cue_targets",
                             f"Value must be populations of {valid} (got {bad}){hint}")
        if self.L1I_p_from_L23E > 0 and not self.L1I_enabled:
            raise ParamError("MicrocircuitColumnsParams", "L1I_p_from_L23E",
                             f"Value must be 0 unless L1I_enabled is true (got {self.L1I_p_from_L23E!r})")

    @property
    def populations(self) -> tuple:
        """Populations of one column: PD14's 8, plus L1I when enabled."""
        return P.POPULATIONS + ((L1.NAME,) if self.L1I_enabled else ())


@FAMILIES.register("microcircuit", summary="Potjans & Diesmann 2014 layered cortical microcircuit, two columns with layer-specific top-down attention")
class MicrocircuitColumns(BrainModel):
    family: ClassVar[str] = "microcircuit"
    capabilities: ClassVar[frozenset] = frozenset({"spiking", "layered"})
    paper: ClassVar[str] = "Potjans & Diesmann 2014 Cereb Cortex 24:785"
    Params: ClassVar[type] = MicrocircuitColumnsParams
    # what the layer figures draw (attnsim.plots.layer_figures reads only this)
    layer_layout: ClassVar[LayerLayout] = LayerLayout(
        populations=P.POPULATIONS,
        labels=tuple(p.replace("L23", "L2/3") for p in P.POPULATIONS),
        is_excitatory=tuple(bool(e) for e in P.IS_EXCITATORY),
        columns=COLUMNS,
        group_format="{column}_{population}",
        reference_rates_hz=tuple(float(r) for r in P.FULL_MEAN_RATES_HZ),
        reference_label="PD14 full scale (published)",
        scaled_reference_rates_hz=tuple(float(r) for r in P.REF_RATES_01_HZ),
        scaled_reference_label="NEST 0.1 scale",
        scaled_reference_scale=0.1,
        full_sizes=tuple(int(n) for n in P.N_FULL),
        scale_name="N_scaling",
        modulation_note="Wagatsuma et al. 2011: L2/3, L5 up; L4 down",
    )

    def __init__(self, params: MicrocircuitColumnsParams | None = None):
        self.params = params or MicrocircuitColumnsParams()
        self._binary = None
        self._built_for = None
        self.n_builds = 0                  # how often a binary was obtained (tests: 1 per shape)

    # ---- build -------------------------------------------------------------------------
    # used only in Python after the binary ran: changing them must not rebuild
    PYTHON_ONLY: ClassVar[tuple] = ("readout_threshold_hz", "rate_window_ms", "parallel_trials",
                                    "report_criterion_hz")

    def _config(self, n_steps: int, dt_ms: float) -> dict:
        cfg = {k: v for k, v in asdict(self.params).items() if k not in self.PYTHON_ONLY}
        if not self.params.L1I_enabled:     # PD14-only: same key as before layer 1 existed
            cfg = {k: v for k, v in cfg.items() if not k.startswith("L1I_")}
        return dict(cfg, n_steps=n_steps, dt_ms=dt_ms)

    @property
    def columns(self) -> tuple:
        return COLUMNS[:self.params.n_columns]

    def _get_binary(self, n_steps: int, dt_ms: float):
        key = (n_steps, dt_ms)
        if self._binary is not None and self._built_for == key:
            return self._binary
        p = self.params
        cfg = ColumnConfig(N_scaling=p.N_scaling, K_scaling=p.K_scaling, background=p.background,
                           dt_ms=p.sim_dt_ms, synapses=p.synapses, poisson_sampler=p.poisson_sampler)

        def build():
            import brian2 as b2
            from brian2 import Hz, Synapses, TimedArray, ms, pA
            b2.defaultclock.dt = p.sim_dt_ms * ms
            drive = TimedArray(np.zeros((n_steps, len(CHANNELS))), dt=dt_ms * ms, name="drive")
            seed_point("NET")
            cols, layer1, objects = {}, {}, []
            for c in self.columns:
                extra = "nu_stim : Hz (constant)\nnu_cue : Hz (constant)\n"
                col = build_column(cfg, prefix=f"{c}_", extra_eqs=extra,
                                   namespace={"drive": drive, "ch_stim": CHANNELS.index(f"stim_{c}"),
                                              "ch_cue": CHANNELS.index(f"cue_{c}"),
                                              "w_in": P.PSC_EXC_PA * pA})
                for k, pop in enumerate(P.POPULATIONS):
                    k_th = P.synapse_count(P.CONN_PROB_TH[k], P.N_THALAMUS, P.N_FULL[k]) / P.N_FULL[k]
                    if pop in ("L4E", "L4I"):
                        col.pops[pop].nu_stim = float(k_th * p.stim_rate_hz) * Hz
                    if pop in p.cue_targets:
                        col.pops[pop].nu_cue = float(p.cue_indegree * p.cue_rate_hz) * Hz
                G = col.neurons
                objects.append(G.run_regularly(
                    "I_syn += w_in * poisson((nu_stim * drive(t, ch_stim) + nu_cue * drive(t, ch_cue)) * dt)",
                    dt=p.sim_dt_ms * ms, when="synapses", name=f"{c}_inputs"))
                cols[c] = col
                objects += col.objects
                if p.L1I_enabled:
                    l1 = L1.build_layer1(f"{c}_", col.pops, p.N_scaling, p.K_scaling, p.sim_dt_ms,
                                         p_from_l23e=p.L1I_p_from_L23E, extra_eqs=extra,
                                         namespace={"drive": drive, "ch_cue": CHANNELS.index(f"cue_{c}"),
                                                    "w_in": P.PSC_EXC_PA * pA})
                    if L1.NAME in p.cue_targets:
                        l1["neurons"].nu_cue = float(p.cue_indegree * p.cue_rate_hz) * Hz
                        objects.append(l1["neurons"].run_regularly(
                            "I_syn += w_in * poisson(nu_cue * drive(t, ch_cue) * dt)",
                            dt=p.sim_dt_ms * ms, when="synapses", name=f"{c}_L1I_inputs"))
                    layer1[c] = l1
                    objects += l1["objects"]
            lateral = []
            if p.lateral_prob > 0 and len(cols) == 2:
                k23e, k23i = P.POPULATIONS.index("L23E"), P.POPULATIONS.index("L23I")
                K = int(round(P.synapse_count(p.lateral_prob, P.N_FULL[k23e], P.N_FULL[k23i])
                              * p.N_scaling * p.K_scaling))
                # not named `w`: Brian2 resolves names from this frame too (warns on the clash)
                w_lat = float(P.PSC_EXC_PA / np.sqrt(p.K_scaling))
                for src, tgt in (("A", "B"), ("B", "A")):
                    pre, post = cols[src].pops["L23E"], cols[tgt].pops["L23I"]
                    S = Synapses(pre, post, "w : amp (constant)", on_pre="I_syn_post += w",
                                 name=f"lateral_{src}_L23E_to_{tgt}_L23I")
                    S.connect(j=f"int(rand() * N_post) for _ in range(poisson({K / len(pre)!r}))")
                    S.w = f"clip({w_lat!r} + {w_lat * P.WEIGHT_REL_SD!r} * randn(), 0, inf) * pA"
                    S.delay = (f"clip({P.DELAY_EXC_MS!r} + {P.DELAY_EXC_MS * P.DELAY_REL_SD!r} * randn(), "
                               f"{p.sim_dt_ms!r}, inf) * ms")
                    lateral.append(S)
            seed_point("TRIAL")
            net = b2.Network(*objects, *lateral)
            net.run(n_steps * dt_ms * ms)
            outputs = {f"{c}_{v}": cols[c].spikes.variables[v] for c in cols for v in ("i", "t")}
            counts = [S for c in cols for S in cols[c].counts] + lateral
            if p.L1I_enabled:      # after the PD14 counts, so their positions do not move
                for c in cols:
                    l1 = layer1[c]
                    outputs.update({f"{c}_L1I_{v}": l1["spikes"].variables[v] for v in ("i", "t")})
                    counts += list(l1["synapses"].values())
            timed = {"drive": drive}
            for c in cols:
                timed.update({f"{c}_{k}": v for k, v in cols[c].timed_arrays.items()})
            return outputs, counts, timed

        sources = (__file__, L1.__file__) if p.L1I_enabled else (__file__,)
        self._binary = build_once("pd14_columns", self._config(n_steps, dt_ms), build, sources=sources)
        self._built_for = key
        self.n_builds += 1
        return self._binary

    # ---- run ---------------------------------------------------------------------------
    def footprint(self, n_steps: int, dt_ms: float) -> dict:
        """Size of one trial's Activity, for the run's memory estimate: one rate per population and
        column per step, and the spikes of every neuron of both columns at an assumed 10 Hz mean
        (PD14's spontaneous mean is 3.2 Hz; stimulus and cue raise it)."""
        n_pops = len(P.POPULATIONS) + 1                      # + layer 1
        n_neurons = 2 * sum(int(round(n * self.params.N_scaling)) for n in P.N_FULL)
        return {"values_per_trial": 2 * n_pops * n_steps,
                "spikes_per_trial": n_neurons * 10.0 * n_steps * dt_ms * 1e-3}

    def run(self, inputs, dt_ms, channels, *, seed, progress=None) -> Activity:
        inputs = np.asarray(inputs, float)
        n_trials, n_steps, _ = inputs.shape
        ordered = np.stack([inputs[:, :, channel_index(tuple(channels), ch)] for ch in CHANNELS], axis=2)
        binary = self._get_binary(n_steps, float(dt_ms))
        sl = population_slices(self.params.N_scaling)
        trial_seeds = np.random.SeedSequence(seed).generate_state(n_trials + 1, dtype=np.uint32)
        net_seed = int(trial_seeds[0])

        def one(k):
            return binary.run({"NET": net_seed, "TRIAL": int(trial_seeds[k + 1])}, {"drive": ordered[k]})

        done = [0]

        def tick(res):
            done[0] += 1
            if progress is not None:
                progress(done[0], n_trials)
            return res

        with ThreadPoolExecutor(max_workers=self.params.parallel_trials) as ex:
            outs = list(ex.map(lambda k: tick(one(k)), range(n_trials)))

        groups, names = {}, []
        for c in self.columns:
            for pop in P.POPULATIONS:
                groups[f"{c}_{pop}"] = slice(len(names), len(names) + 1)
                names.append((c, pop))
        if self.params.L1I_enabled:        # after the PD14 groups: their indices do not move
            sl = dict(sl, **{L1.NAME: slice(0, L1.scaled_size(self.params.N_scaling))})
            for c in self.columns:
                groups[f"{c}_{L1.NAME}"] = slice(len(names), len(names) + 1)
                names.append((c, L1.NAME))
        rates = np.zeros((n_trials, n_steps, len(names)))
        spikes = {g: [] for g in groups}
        for k, out in enumerate(outs):
            for u, (c, pop) in enumerate(names):
                src = f"{c}_{L1.NAME}" if pop == L1.NAME else c      # L1I has its own monitor
                i, t_ms = out[f"{src}_i"].astype(np.int64), out[f"{src}_t"] * 1000.0
                s = sl[pop]
                m = (i >= s.start) & (i < s.stop)
                ids, ts = i[m] - s.start, t_ms[m]
                spikes[f"{c}_{pop}"].append((ids, ts))
                counts = np.bincount(np.minimum((ts / dt_ms).astype(np.int64), n_steps - 1),
                                     minlength=n_steps)[:n_steps] / (s.stop - s.start)
                # causal boxcar: the rate at step n uses spikes up to n (no look-ahead for the readout);
                # the first w-1 steps divide by the full window (zero padding before the trial)
                rates[k, :, u] = causal_boxcar_rate(counts, self.params.rate_window_ms, dt_ms, start="window")
        sizes = {f"{c}_{pop}": sl[pop].stop - sl[pop].start for c, pop in names}
        location = {}
        if self.params.n_columns == 1:     # no competitor column: no decision
            choice, rt, selective = np.full(n_trials, -1), np.full(n_trials, np.nan), ("A_L23E", "A_L23E")
        else:
            location = location_fields(inputs, channels, dt_ms, rates[:, :, groups["A_L23E"]].mean(2),
                                       rates[:, :, groups["B_L23E"]].mean(2), dt_ms, self.params.report_criterion_hz)
            onset = stimulus_onset_index(inputs, tuple(channels))
            choice, rt = threshold_readout(rates[:, :, groups["A_L23E"]].mean(2), rates[:, :, groups["B_L23E"]].mean(2),
                                           dt_ms, onset, self.params.readout_threshold_hz)
            selective = ("A_L23E", "B_L23E")
        # Sensory (Activity.roles): L2/3E and L4E of each column, the stimulus-driven cells of
        # the column that prefers that stimulus: location A is column A (A_L23E, A_L4E), location
        # B column B (B_L23E, B_L4E); the attended column is the cued one's. The sensory pair is
        # (A_L23E, B_L23E), the output layer the readout thresholds; L4E is sensory for
        # per-layer measures. Every other population (inhibitory cells, L5E, L6E, L1I) is hidden.
        roles = {g: ("sensory" if pop in SENSORY_POPULATIONS else "hidden")
                 for g, (c, pop) in zip(groups, names)}
        return Activity(rates=rates, dt_ms=float(dt_ms), groups=groups, selective_groups=selective, roles=roles,
                        choice=choice, reaction_time_ms=rt, spikes=spikes, group_sizes=sizes,
                        extras={"synapse_counts": np.stack([o["synapse_counts"] for o in outs])}, **location)

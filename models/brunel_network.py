"""Brunel (2000) sparsely connected E/I network of LIF neurons with delta synapses (model A).

N_E excitatory and N_I = N_E / 4 inhibitory neurons, tau_m dV/dt = -V; spike at theta, reset
to V_r and clamped for tau_rp (inputs arriving while refractory are ignored, as in the
paper). Every neuron receives exactly C_E = epsilon N_E excitatory and C_I = epsilon N_I
inhibitory synapses (distinct presynaptic cells drawn at random; autapses allowed) of
amplitude J and -g J, all with delay D, plus C_ext = C_E external Poisson synapses at rate
nu_ext = eta nu_thr, nu_thr = theta / (J C_E tau_m). The external drive is added as
J * poisson(C_ext nu_ext dt) per neuron per step: the exact superposition of C_ext
independent Poisson trains (what PoissonInput approximates by a binomial), written out so
that it can skip refractory neurons and carry the task's input.

    tau_m dV_i/dt = -V_i + tau_m sum_j J_ij sum_k delta(t - t_j^k - D)   (V_i >= theta: spike, V_i <- V_r)

Task interface: the E population is split into two halves, "exc_A" (even indices) and
"exc_B" (odd), which receive stim_A / stim_B (and cue_A / cue_B, when present) as extra
external rate: eta rises by eta_stim * stim_X + eta_cue * cue_X. Spontaneous protocols
give all-zero inputs. Interleaving keeps both halves in the first n_record_E recorded cells.

Scaling: the mean-field theory (rates, phase diagram) depends on C_E, J, g, eta, D and the
neuron constants, not on N_E. A smaller network that keeps C_E = 1000 (param C_E) keeps
the theory; only the sparseness epsilon = C_E / N_E (and so shared-input correlation) rises.

Build once / run many: the network (connectivity from `network_seed`, so the same network
serves every trial and every run() call) is built on the first call and stored; each trial
restores t = 0, reseeds, draws initial V uniformly in [V_r, theta) and runs. Inputs enter
through a TimedArray rewritten in place, so later calls compile nothing new. Trials run one
after another (a 12 500-cell, 15.6 M-synapse network is too large to batch).

Shapes: run(inputs (n_trials, n_steps, n_channels), dt_ms) -> Activity with rates
(n_trials, n_bins, 3) = (exc_A, exc_B, inh) population rates in Hz per record_dt_ms bin
(unsmoothed); spikes of the first n_record_E / n_record_I cells. The threshold readout sees a
causal READOUT_WINDOW_MS running mean of exc_A and exc_B (models.rate_smoothing, start="window"),
since single 0.5 ms bins cross any threshold by chance.

Reference: Brunel 2000 J Comput Neurosci 8:183 (model A; mean field eqs. 4-5, 21).
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from attnsim.models.activity import Activity
from attnsim.models.base import BrainModel, channel_index
from attnsim.models.params import check_params, param
from attnsim.models.rate_smoothing import causal_boxcar_mean
from attnsim.models.readout import location_fields, stimulus_onset_index, threshold_readout
from attnsim.models.registry import FAMILIES

GROUPS = ("exc_A", "exc_B", "inh")
# causal running mean of the A/B rates that the threshold readout sees (the returned rates stay raw)
READOUT_WINDOW_MS = 20.0


@dataclass(frozen=True)
class BrunelParams:
    N_E: int = param(10000, "number of excitatory neurons; N_I = N_E / 4 (Brunel 2000: 10000)", ge=8)
    epsilon: float = param(0.1, "connection probability; in-degrees C_E = epsilon N_E, C_I = epsilon N_I",
                           gt=0, le=1)
    C_E: int | None = param(None, "excitatory in-degree; None = epsilon N_E. Set 1000 to keep the paper's "
                            "mean field in a smaller network (C_I = C_E / 4, epsilon then unused)", ge=1)
    J_mV: float = param(0.1, "J: EPSP amplitude (delta synapse)", gt=0)
    g: float = param(5.0, "g: relative strength of inhibition (IPSP = -g J)", ge=0)
    eta: float = param(2.0, "eta = nu_ext / nu_thr: external rate relative to threshold rate", ge=0)
    D_ms: float = param(1.5, "D: transmission delay of every recurrent synapse", gt=0)
    tau_m_ms: float = param(20.0, "tau: membrane time constant", gt=0)
    theta_mV: float = param(20.0, "theta: firing threshold", gt=0)
    V_r_mV: float = param(10.0, "V_r: reset potential", ge=0)
    tau_rp_ms: float = param(2.0, "tau_rp: absolute refractory period", ge=0)
    eta_stim: float = param(0.5, "extra eta per unit of stim_X drive to the E half X (task input)", ge=0)
    eta_cue: float = param(0.1, "extra eta per unit of cue_X drive to the E half X (task input)", ge=0)
    threshold_hz: float = param(80.0, "decision threshold on exc_A / exc_B population rate", gt=0)
    report_criterion_hz: float | None = param(None, "dual-report criterion: a location is reported present when its selective group's mean rate in the stimulus epoch exceeds it; one value for both locations and every condition (None: evidence only, no reports) (Hz)", ge=0)
    n_record_E: int = param(500, "excitatory neurons whose spikes are returned (the first ones)", ge=0)
    n_record_I: int = param(125, "inhibitory neurons whose spikes are returned (the first ones)", ge=0)
    record_dt_ms: float = param(0.5, "bin width of the returned population rates", gt=0)
    sim_dt_ms: float = param(0.1, "integration step; D must be a multiple of it", gt=0)
    network_seed: int = param(2000, "seed of the random connectivity (one fixed network per model)", ge=0)
    codegen_target: str = param("cython", "Brian2 runtime code generation target", choices=("cython", "numpy"))

    def __post_init__(self):
        check_params(self)
        if self.V_r_mV >= self.theta_mV:
            raise ValueError(f"BrunelParams.V_r_mV: Value must be less than theta_mV={self.theta_mV} "
                             f"(got {self.V_r_mV})")
        for name, v in (("D_ms", self.D_ms), ("record_dt_ms", self.record_dt_ms)):
            r = v / self.sim_dt_ms
            if abs(r - round(r)) > 1e-9:
                raise ValueError(f"BrunelParams.{name}: Value must be a multiple of sim_dt_ms="
                                 f"{self.sim_dt_ms} (got {v})")

    @property
    def N_I(self) -> int:
        return self.N_E // 4

    @property
    def in_degrees(self) -> tuple[int, int]:
        """(C_E, C_I)."""
        if self.C_E is not None:
            return int(self.C_E), max(1, int(round(self.C_E / 4)))
        return max(1, int(round(self.epsilon * self.N_E))), max(1, int(round(self.epsilon * self.N_I)))

    @property
    def nu_thr_hz(self) -> float:
        """Rate per external synapse that brings the mean free membrane potential to theta."""
        return self.theta_mV / (self.J_mV * self.in_degrees[0] * self.tau_m_ms * 1e-3)


def siegert_rate_hz(mu_mV: float, sigma_mV: float, p: BrunelParams) -> float:
    """Stationary LIF rate for white-noise input (Brunel 2000 eq. 21, tau dV = (mu - V) dt + sigma sqrt(tau) dW)."""
    from scipy.integrate import quad
    from scipy.special import erfcx

    lo, hi = (p.V_r_mV - mu_mV) / sigma_mV, (p.theta_mV - mu_mV) / sigma_mV
    # e^{u^2}(1 + erf u) = erfcx(-u): finite for the large negative u of strong drive
    integral, _ = quad(lambda u: erfcx(-u), lo, hi, limit=200)
    return 1.0 / (p.tau_rp_ms * 1e-3 + p.tau_m_ms * 1e-3 * math.sqrt(math.pi) * integral)


def mean_field_rate_hz(p: BrunelParams) -> float:
    """Self-consistent stationary rate nu_0 of Brunel's (2000) mean-field theory (eqs. 4-5, 21)."""
    from scipy.optimize import brentq

    C_E, C_I = p.in_degrees
    gamma = C_I / C_E
    tau = p.tau_m_ms * 1e-3
    nu_ext = p.eta * p.nu_thr_hz

    def mu_sigma(nu):
        mu = C_E * p.J_mV * tau * (nu_ext + nu * (1 - gamma * p.g))
        sigma = p.J_mV * math.sqrt(C_E * tau * (nu * (1 + gamma * p.g ** 2) + nu_ext))
        return mu, max(sigma, 1e-9)

    f = lambda nu: siegert_rate_hz(*mu_sigma(nu), p) - nu
    top = 1e3 / p.tau_rp_ms if p.tau_rp_ms > 0 else 1e4
    return float(brentq(f, 1e-6, top - 1e-6, xtol=1e-6))


def fixed_indegree(n_post: int, n_pre: int, k: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """(pre, post) int32 arrays: each post cell gets k distinct presynaptic cells out of n_pre."""
    k = min(k, n_pre)
    pre = np.empty((n_post, k), dtype=np.int32)
    for j in range(n_post):
        pre[j] = rng.choice(n_pre, size=k, replace=False)
    post = np.repeat(np.arange(n_post, dtype=np.int32), k)
    return pre.ravel(), post


EQS = """
dv/dt = -v / tau_m : volt (unless refractory)
side : integer (constant)
"""


@FAMILIES.register("brunel_network", summary="Brunel 2000 sparse E/I LIF network (delta synapses, fixed in-degree, delay D): AI/SR/SI states")
class BrunelNetwork(BrainModel):
    family: ClassVar[str] = "brunel_network"
    capabilities: ClassVar[frozenset] = frozenset({"spiking"})
    paper: ClassVar[str] = "Brunel 2000 J Comput Neurosci 8:183"
    Params: ClassVar[type] = BrunelParams

    def __init__(self, params: BrunelParams | None = None):
        self.params = params or BrunelParams()
        p = self.params
        self.N_E, self.N_I = p.N_E, p.N_I
        self.n_rec_E, self.n_rec_I = min(p.n_record_E, p.N_E), min(p.n_record_I, p.N_I)
        self.build_count = 0
        self._net = None
        self._key = None
        self.last_timing: dict[str, float] = {}

    # ------------------------------------------------------------------ build
    def _build(self, n_steps: int, dt_ms: float):
        import brian2 as b2

        p = self.params
        b2.prefs.codegen.target = p.codegen_target
        b2.prefs.logging.console_log_level = "WARNING"
        ms, mV = b2.ms, b2.mV
        dt = p.sim_dt_ms * ms
        C_E, C_I = p.in_degrees
        N = self.N_E + self.N_I
        lam_thr = C_E * p.nu_thr_hz * p.sim_dt_ms * 1e-3     # mean external spikes per step at eta = 1
        # per-input-step extra eta of [A half, B half, nobody]; rewritten in place per trial
        self._eta_in = b2.TimedArray(np.zeros((n_steps, 3)), dt=dt_ms * ms, name="brunel_eta_in")
        ns = dict(tau_m=p.tau_m_ms * ms, theta=p.theta_mV * mV, V_r=p.V_r_mV * mV, J=p.J_mV * mV,
                  J_I=-p.g * p.J_mV * mV, eta=p.eta, lam_thr=lam_thr, eta_in=self._eta_in)
        G = b2.NeuronGroup(N, EQS, threshold="v > theta", reset="v = V_r", refractory=p.tau_rp_ms * ms,
                           method="exact", namespace=ns, dt=dt, name="brunel_neurons")
        side = np.full(N, 2)
        side[: self.N_E] = np.arange(self.N_E) % 2
        G.side = side
        # external Poisson drive; skipped while refractory (the clamp of Brunel's model)
        G.run_regularly("v += J * poisson(lam_thr * (eta + eta_in(t, side))) * int(not_refractory)",
                        when="synapses", name="brunel_external")
        rng = np.random.default_rng(p.network_seed)
        syn = []
        for name, lo, n_pre, k, w in (("brunel_exc", 0, self.N_E, C_E, "J"),
                                      ("brunel_inh", self.N_E, self.N_I, C_I, "J_I")):
            pre, post = fixed_indegree(N, n_pre, k, rng)
            S = b2.Synapses(G, G, on_pre=f"v_post += {w} * int(not_refractory_post)", delay=p.D_ms * ms,
                            namespace=ns, dt=dt, name=name)
            S.connect(i=pre + lo, j=post)
            del pre, post
            syn.append(S)
        rate_inh = b2.PopulationRateMonitor(G[self.N_E:], name="brunel_rate_inh")
        spk = [b2.SpikeMonitor(G[: max(1, self.n_rec_E)], name="brunel_spikes_exc"),
               b2.SpikeMonitor(G[self.N_E: self.N_E + max(1, self.n_rec_I)], name="brunel_spikes_inh")]
        # the interleaved A/B halves are not contiguous subgroups, so their rates come from a
        # per-step spike count per half (one counting synapse per E cell)
        counts = b2.NeuronGroup(2, "n_spk : 1", name="brunel_side_counts", dt=dt)
        count_syn = b2.Synapses(G[: self.N_E], counts, on_pre="n_spk_post += 1", name="brunel_count_syn", dt=dt)
        count_syn.connect(i=np.arange(self.N_E), j=np.arange(self.N_E) % 2)
        side_mon = b2.StateMonitor(counts, "n_spk", record=True, when="end", dt=dt, name="brunel_side_mon")
        counts.run_regularly("n_spk = 0", when="start", name="brunel_side_reset")
        net = b2.Network(G, *syn, counts, count_syn, side_mon, rate_inh, *spk)
        net.store("t0")
        self._b2, self._net, self._G = b2, net, G
        self._rate_inh, self._spk, self._side_mon = rate_inh, spk, side_mon
        self._key = (n_steps, float(dt_ms))
        self.build_count += 1

    # ------------------------------------------------------------------ run
    def footprint(self, n_steps: int, dt_ms: float) -> dict:
        """Size of one trial's Activity, for the run's memory estimate: 3 population rates per
        `record_dt_ms` bin, and the spikes of the recorded cells at an assumed 100 Hz mean (between
        the SI/AI rates and the 312 Hz of the synchronous regular state A of Brunel 2000 Fig. 8)."""
        p = self.params
        n_bins = int(np.ceil(n_steps * dt_ms / p.record_dt_ms))
        return {"values_per_trial": 3 * n_bins,
                "spikes_per_trial": (p.n_record_E + p.n_record_I) * 100.0 * n_steps * dt_ms * 1e-3}

    def run(self, inputs, dt_ms, channels, *, seed, progress=None) -> Activity:
        """Trials one after another on the one built network; eta of half X rises by
        eta_stim * stim_X + eta_cue * cue_X. Trial seeds are generated from `seed`."""
        import time

        p = self.params
        inputs = np.asarray(inputs, dtype=float)
        n_trials, n_steps, _ = inputs.shape
        channels = tuple(channels)
        duration_ms = n_steps * dt_ms
        rec = p.record_dt_ms
        if abs(duration_ms / rec - round(duration_ms / rec)) > 1e-6:
            raise ValueError(f"trial duration {duration_ms} ms must be a multiple of record_dt_ms={rec}")
        if self._net is None:
            self._build(n_steps, dt_ms)
        elif self._key != (n_steps, float(dt_ms)):
            raise ValueError(f"BrunelNetwork was built for (n_steps, dt_ms)={self._key}, got "
                             f"{(n_steps, float(dt_ms))}; build a new model")
        drive = np.zeros((n_trials, n_steps, 3))
        for k, half in enumerate("AB"):
            drive[:, :, k] = p.eta_stim * inputs[:, :, channel_index(channels, f"stim_{half}")]
            if f"cue_{half}" in channels:
                drive[:, :, k] += p.eta_cue * inputs[:, :, channels.index(f"cue_{half}")]
        n_bins = int(round(duration_ms / rec))
        rates = np.zeros((n_trials, n_bins, len(GROUPS)))
        spikes = {"exc": [], "inh": []}
        seeds = np.random.SeedSequence(seed).generate_state(n_trials)
        t_start = time.perf_counter()
        for tr in range(n_trials):
            rates[tr], sp = self._run_trial(drive[tr], duration_ms, int(seeds[tr] % (2**31 - 1)))
            spikes["exc"].append(sp[0])
            spikes["inh"].append(sp[1])
            if progress is not None:
                progress(tr + 1, n_trials)
        self.last_timing = {"total_s": time.perf_counter() - t_start}
        onset = stimulus_onset_index(inputs, channels)
        onset_bins = np.minimum(np.ceil(onset * dt_ms / rec - 1e-9).astype(int), n_bins)
        # 0.5 ms population rates swing past any threshold by chance: decide on a causal
        # READOUT_WINDOW_MS running mean, full-window division from the first bin (the rates
        # returned stay unsmoothed)
        smooth = [causal_boxcar_mean(rates[:, :, k], READOUT_WINDOW_MS, rec, axis=1, start="window") for k in (0, 1)]
        choice, rt = threshold_readout(smooth[0], smooth[1], rec, onset_bins, p.threshold_hz)
        return Activity(rates=rates, dt_ms=rec,
                        groups={"exc_A": slice(0, 1), "exc_B": slice(1, 2), "inh": slice(2, 3),
                                "exc": slice(0, 2)},
                        selective_groups=("exc_A", "exc_B"), choice=choice, reaction_time_ms=rt,
                        rate_unit="Hz", spikes=spikes,
                        group_sizes={"exc": self.n_rec_E, "inh": self.n_rec_I},
                        # exc_A / exc_B are stimulus-driven halves of one E/I network with no
                        # competition between them: sensory (Activity.roles). "exc" (both halves)
                        # and "inh" have no A/B identity: hidden.
                        roles={"exc_A": "sensory", "exc_B": "sensory", "exc": "hidden", "inh": "hidden"},
                        **location_fields(inputs, channels, dt_ms, rates[:, :, 0], rates[:, :, 1], rec,
                                          p.report_criterion_hz))

    def _run_trial(self, drive: np.ndarray, duration_ms: float, seed: int):
        """One trial; drive (n_steps, 3) extra eta of [A half, B half, nobody].

        Returns rates (n_bins, 3) in Hz (A and B halves from per-step spike counts summed per bin
        / cells / bin width; inh the mean of the PopulationRateMonitor per bin) and the recorded
        (ids, times in ms) of the E and I cells.
        """
        b2, p = self._b2, self.params
        self._net.restore("t0")
        self._eta_in.values[:] = drive
        b2.seed(seed)
        rng = np.random.default_rng(seed)
        self._G.v = rng.uniform(p.V_r_mV, p.theta_mV, size=len(self._G)) * b2.mV
        self._net.run(duration_ms * b2.ms, namespace={})
        rec = p.record_dt_ms
        per_bin = int(round(rec / p.sim_dt_ms))
        n_bins = int(round(duration_ms / rec))
        n_sim = n_bins * per_bin
        half = np.array([(self.N_E + 1) // 2, self.N_E // 2], dtype=float)
        side = np.asarray(self._side_mon.n_spk)[:, :n_sim]                 # (2, n_sim) spike counts
        side_hz = side.reshape(2, n_bins, per_bin).sum(axis=2) / half[:, None] / (rec * 1e-3)
        inh = np.asarray(self._rate_inh.rate_)[:n_sim].reshape(n_bins, per_bin).mean(axis=1)
        out = np.stack([side_hz[0], side_hz[1], inh], axis=1)
        sp = []
        for mon, n_rec in zip(self._spk, (self.n_rec_E, self.n_rec_I)):
            ids = np.asarray(mon.i[:], dtype=np.int64)
            t = np.asarray(mon.t[:] / b2.ms, dtype=float)
            keep = ids < n_rec
            sp.append((ids[keep], t[keep]))
        return out, sp

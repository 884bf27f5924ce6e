"""Wong & Wang (2006) reduced two-variable decision model as Brian2 rate equations.

Two NMDA gating variables S_A, S_B (one per selective pool) with self-excitation J_11,
cross-inhibition J_12, an Ornstein-Uhlenbeck noise current per pool and the Abbott-Chance
input-output function H (Wong & Wang 2006 eqs. 1-7 of the reduced model):

    dS_X/dt = -S_X / tau_S + (1 - S_X) gamma H(x_X)
    x_A = J_11 S_A - J_12 S_B + I_0 + I_ext,A + I_noise,A        (x_B likewise, A <-> B)
    dI_noise,X/dt = -I_noise,X / tau_AMPA + sigma_noise xi_X / sqrt(tau_AMPA)
    H(x) = (a x - b) / (1 - exp(-d (a x - b)))
    I_ext,X = J_ext mu_max stim_X + cue_bias cue_X

stim_X = 0.5 (1 +- c) gives the paper's mu0 (1 +- c) input rates; the cue is a top-down bias
current to the cued pool. Both pools start at the low fixed point S* (resting_gating).

All trials of a run() call are simulated at once as independent copies: one Brian2 "neuron"
per trial carries both pools' variables (S_A, S_B, noise_A, noise_B), so the two pools of a
trial interact without a Synapses object. The build-once / run-many loop is
models.rate_run.TrialBatch: inputs reach the group through two 2-D TimedArrays (time x trial)
rewritten in place, padded to the built trial count; the stored initial state is restored and
Brian2 re-seeded per call, so nothing is rebuilt.

Shapes: run(inputs (n_trials, n_steps, n_channels), dt_ms) -> Activity with rates
(n_trials, n_rec, 2) = (r_A, r_B) in Hz sampled every record_dt_ms, extras["S"] the gatings
(n_trials, n_rec, 2); choice and reaction time from the first crossing of threshold_hz.

Codegen target "numpy" by default: the per-step work is a few vector ops and the monitor
dominates, so compiling buys nothing (timings: docs/model_notes.md).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from attnsim.models.activity import Activity
from attnsim.models.base import BrainModel
from attnsim.models.params import check_params, param
from attnsim.models.rate_run import BuiltBatch, TrialBatch, onset_record_bins, pool_drive
from attnsim.models.readout import location_fields, threshold_readout
from attnsim.models.registry import FAMILIES


@dataclass(frozen=True)
class WongWangParams:
    J_11_nA: float = param(0.2609, "J_N11: NMDA self-excitation of a pool (nA)", ge=0)
    J_12_nA: float = param(0.0497, "J_N12: effective cross-inhibition between pools (nA)", ge=0)
    I_0_nA: float = param(0.3255, "I_0: background current to both pools (nA)")
    tau_NMDA_ms: float = param(100.0, "tau_S: NMDA gating decay time (ms)", gt=0)
    gamma: float = param(0.641, "gamma: NMDA saturation kinetic factor", gt=0)
    tau_AMPA_ms: float = param(2.0, "tau_AMPA: time constant of the OU noise current (ms)", gt=0)
    sigma_noise_nA: float = param(0.02, "sigma_noise: OU noise amplitude (nA)", ge=0)
    J_ext_nA_per_hz: float = param(5.2e-4, "J_A,ext: stimulus current per Hz of input rate (nA/Hz)", ge=0)
    mu_max_hz: float = param(60.0, "input rate at stim = 1; stim = 0.5(1 +- c) gives mu0 = 30 Hz (1 +- c)", ge=0)
    cue_bias_nA: float = param(0.006, "top-down bias current to a pool per unit of its cue channel (nA)", ge=0)
    a_hz_per_nA: float = param(270.0, "a: gain of the input-output function H (Hz/nA)", gt=0)
    b_hz: float = param(108.0, "b: offset of H (Hz)")
    d_s: float = param(0.154, "d: curvature of H (s)", gt=0)
    threshold_hz: float = param(15.0, "decision threshold on a pool's rate (Hz)", gt=0)
    report_criterion_hz: float | None = param(None, "dual-report criterion: a location is reported present when its selective group's mean rate in the stimulus epoch exceeds it; one value for both locations and every condition (None: evidence only, no reports) (Hz)", ge=0)
    dt_integration_ms: float = param(0.5, "Euler-Maruyama integration step (ms)", gt=0, le=5)
    record_dt_ms: float = param(1.0, "sampling step of the returned rates (ms)", gt=0)
    codegen_target: str = param("numpy", "Brian2 runtime code generation target",
                                choices=("numpy", "cython"))

    def __post_init__(self):
        check_params(self)


def abbott_chance(x_nA, a, b, d):
    """H(x) in Hz for input current x in nA (numpy; the Brian2 model uses the same formula)."""
    y = a * np.asarray(x_nA, dtype=float) - b
    small = np.abs(y) < 1e-9
    safe = np.where(small, 1.0, y)
    return np.where(small, 1.0 / d, safe / (1.0 - np.exp(-d * safe)))


def resting_gating(p: WongWangParams) -> float:
    """Symmetric fixed point S* of one pool with no stimulus and no noise."""
    from scipy.optimize import brentq

    def f(s):
        r = abbott_chance(p.I_0_nA + (p.J_11_nA - p.J_12_nA) * s, p.a_hz_per_nA, p.b_hz, p.d_s)
        return -s / (p.tau_NMDA_ms * 1e-3) + (1 - s) * p.gamma * r

    # The low-activity root: start the bracket at 0 and stop before the high state.
    grid = np.linspace(0.0, 1.0, 2001)
    vals = np.array([f(s) for s in grid])
    k = int(np.flatnonzero(np.sign(vals[:-1]) != np.sign(vals[1:]))[0])
    return float(brentq(f, grid[k], grid[k + 1]))


class WongWangDynamics:
    """The noise-free reduced model at fixed inputs (models/dynamics.py contract), state (S_A, S_B):

        dS_X/dt = -S_X / tau_S + (1 - S_X) gamma H(x_X) / 1000,   per ms (H in Hz)
        x_A = J_11 S_A - J_12 S_B + I_0 + I_ext,A(u)               (x_B likewise)

    with I_ext from `WongWang.input_currents_nA`, as in `run`. `trajectories` are the gatings that
    `run` records (extras["S"], every record_dt_ms, with the model's noise).
    """

    time = "continuous"
    state_labels = ("S_A", "S_B")

    def __init__(self, model: "WongWang", channels: tuple[str, ...], dt_ms: float):
        self.model, self.channels, self.input_dt_ms = model, tuple(channels), float(dt_ms)
        self.dt_ms = model.params.record_dt_ms

    def velocity(self, x: np.ndarray, u: np.ndarray) -> np.ndarray:
        p = self.model.params
        x = np.asarray(x, dtype=float)
        cur_a, cur_b = self.model.input_currents_nA(np.asarray(u, dtype=float)[:, None, :], self.channels)
        s_a, s_b = x[:, 0], x[:, 1]
        out = np.empty_like(x)
        for k, (s, other, cur) in enumerate(((s_a, s_b, cur_a[:, 0]), (s_b, s_a, cur_b[:, 0]))):
            r = abbott_chance(p.J_11_nA * s - p.J_12_nA * other + p.I_0_nA + cur, p.a_hz_per_nA, p.b_hz, p.d_s)
            out[:, k] = -s / p.tau_NMDA_ms + (1 - s) * p.gamma * r * 1e-3
        return out

    def jacobian(self, x, u):
        return None      # two dimensions: the caller's finite differences are cheap

    def trajectories(self, inputs: np.ndarray, seed: int) -> np.ndarray:
        return self.model.run(inputs, self.input_dt_ms, self.channels, seed=seed).extras["S"]


@FAMILIES.register("rate_competition", summary="Wong & Wang 2006 reduced two-variable NMDA rate model (Brian2 rate equations)")
class WongWang(BrainModel):
    family: ClassVar[str] = "rate_competition"
    capabilities: ClassVar[frozenset] = frozenset({"dynamical"})
    paper: ClassVar[str] = "Wong & Wang 2006 J Neurosci 26:1314"
    Params: ClassVar[type] = WongWangParams

    def __init__(self, params: WongWangParams | None = None):
        self.params = params or WongWangParams()
        self._batch = TrialBatch(self._build, self.params.codegen_target)

    @property
    def _net(self):
        """The built Brian2 network (None before the first run); reused across run() calls."""
        return self._batch.net

    # -- building ---------------------------------------------------------
    def _build(self, n: int, n_steps: int, dt_ms: float) -> BuiltBatch:
        """One Brian2 "neuron" per trial carrying S_A, S_B and both noise currents."""
        import brian2 as b2

        p = self.params
        b2.prefs.codegen.target = p.codegen_target
        ns = {
            "J_11": p.J_11_nA * b2.nA, "J_12": p.J_12_nA * b2.nA, "I_0": p.I_0_nA * b2.nA,
            "tau_NMDA": p.tau_NMDA_ms * b2.ms, "gamma_NMDA": p.gamma, "tau_AMPA": p.tau_AMPA_ms * b2.ms,
            "sigma_noise": p.sigma_noise_nA * b2.nA, "a_H": p.a_hz_per_nA * b2.Hz / b2.nA,
            "b_H": p.b_hz * b2.Hz, "d_H": p.d_s * b2.second,
        }
        # Input currents in nA, (time, trial); rewritten in place on later runs.
        ns["I_ext_A"] = b2.TimedArray(np.zeros((n_steps, n)), dt=dt_ms * b2.ms, name="ww_I_ext_A")
        ns["I_ext_B"] = b2.TimedArray(np.zeros((n_steps, n)), dt=dt_ms * b2.ms, name="ww_I_ext_B")
        eqs = """
        dS_A/dt = -S_A / tau_NMDA + (1 - S_A) * gamma_NMDA * r_A : 1
        dS_B/dt = -S_B / tau_NMDA + (1 - S_B) * gamma_NMDA * r_B : 1
        dI_noise_A/dt = -I_noise_A / tau_AMPA + sigma_noise * xi_A / sqrt(tau_AMPA) : amp
        dI_noise_B/dt = -I_noise_B / tau_AMPA + sigma_noise * xi_B / sqrt(tau_AMPA) : amp
        x_A = J_11 * S_A - J_12 * S_B + I_0 + I_ext_A(t, i) * nA + I_noise_A : amp
        x_B = J_11 * S_B - J_12 * S_A + I_0 + I_ext_B(t, i) * nA + I_noise_B : amp
        r_A = (a_H * x_A - b_H) / (1 - exp(-d_H * (a_H * x_A - b_H))) : Hz
        r_B = (a_H * x_B - b_H) / (1 - exp(-d_H * (a_H * x_B - b_H))) : Hz
        """
        clock_dt = p.dt_integration_ms * b2.ms
        group = b2.NeuronGroup(n, eqs, method="euler", namespace=ns, dt=clock_dt, name="ww_pools")
        s0 = resting_gating(p)
        group.S_A = s0
        group.S_B = s0
        mon = b2.StateMonitor(group, ["r_A", "r_B", "S_A", "S_B"], record=True,
                              dt=p.record_dt_ms * b2.ms, name="ww_monitor")
        net = b2.Network(group, mon)
        net.store("init")
        return BuiltBatch(b2, net, mon, (ns["I_ext_A"], ns["I_ext_B"]), n, n_steps, float(dt_ms))

    # -- running ----------------------------------------------------------
    def input_currents_nA(self, inputs: np.ndarray, channels: tuple[str, ...]) -> tuple[np.ndarray, np.ndarray]:
        """(n_trials, n_steps) external currents to pools A and B in nA."""
        p = self.params
        cur_a, cur_b = pool_drive(inputs, channels, p.J_ext_nA_per_hz * p.mu_max_hz, p.cue_bias_nA)
        return cur_a, cur_b

    def dynamics(self, channels: tuple[str, ...], dt_ms: float) -> WongWangDynamics:
        """The noise-free vector field of (S_A, S_B) at fixed inputs (WongWangDynamics)."""
        return WongWangDynamics(self, channels, dt_ms)

    def footprint(self, n_steps: int, dt_ms: float) -> dict:
        """Size of one trial's Activity (run memory estimate): two pool rates per step, no spikes."""
        return {"values_per_trial": 2 * n_steps, "spikes_per_trial": 0.0}

    def run(self, inputs, dt_ms, channels, *, seed, progress=None) -> Activity:
        """All trials in one batch (models.rate_run.TrialBatch); threshold readout on r_A, r_B."""
        inputs = np.asarray(inputs, dtype=float)
        n = inputs.shape[0]
        p = self.params
        tr = self._batch.simulate(self.input_currents_nA(inputs, tuple(channels)), dt_ms, seed,
                                  ("r_A", "r_B", "S_A", "S_B"), p.record_dt_ms, progress)
        r_a, r_b, s_a, s_b = tr["r_A"], tr["r_B"], tr["S_A"], tr["S_B"]
        rates = np.stack([r_a, r_b], axis=2)
        onset = onset_record_bins(inputs, tuple(channels), dt_ms, p.record_dt_ms)
        choice, rt = threshold_readout(r_a, r_b, p.record_dt_ms, onset, p.threshold_hz)
        if progress:
            progress(n, n)
        return Activity(rates=rates, dt_ms=p.record_dt_ms,
                        groups={"pool_A": slice(0, 1), "pool_B": slice(1, 2)},
                        selective_groups=("pool_A", "pool_B"), choice=choice, reaction_time_ms=rt,
                        rate_unit="Hz", extras={"S": np.stack([s_a, s_b], axis=2)},
                        # a decision circuit (Wong & Wang 2006): both pools are decision pools, no
                        # sensory population (Activity.roles; sensory signatures are n/a)
                        roles={"pool_A": "decision", "pool_B": "decision"},
                        **location_fields(inputs, channels, dt_ms, r_a, r_b, p.record_dt_ms, p.report_criterion_hz))

"""The attention circuit as rate populations: a sensory ring biased by a working-memory ring.

The rate reduction of the spiking family `attention_circuit` (models/attention_circuit.py), after
Ardid, Wang & Compte 2007 (J Neurosci 27:8486): a sensory (MT-like) network of P direction-selective
E pools with feedback inhibition and a power-law input-output function, and a working-memory
(PFC-like) ring of P pools held by NMDA self-excitation, whose top-down projection excites the
sensory E pools of similar preference and the sensory inhibitory population. Pool k of either ring
prefers theta_k = 360 k / P deg.

Working-memory ring (Wong & Wang 2006 reduced form; models/attention_circuit_meanfield.py, where
its critical w+ is computed from these equations):

    dS_k/dt  = -S_k / tau_S + (1 - S_k) gamma H(x_k)
    x_k      = sum_j M_kj S_j + I_0 + J_cue cue_k + eta_k                            (nA)
    M        = J_N (1 / P + (w+ - 1) (g_hat - 1 / P)) - J_inh / P   (w+ = 1: unselective; above 1,
                                      more within a pool and its footprint, less elsewhere: the
                                      shared inhibition; every row sums to J_N - J_inh)
    r^WM_k   = H(x_k) = (a x_k - b) / (1 - exp(-d (a x_k - b)))                     (Hz)

Sensory ring (E pools r_k, one inhibitory population r_I; threshold power law phi):

    tau_E dr_k/dt = -r_k + phi_E(I_k),     phi_E(I) = k_E [I]_+^n_E
    I_k   = w_EE (G_hat r)_k - w_EI r_I + g_stim stim_k + g_td_E (T_hat r^WM)_k + I_bg_E + xi_k
    tau_I dr_I/dt = -r_I + phi_I(w_IE mean_k r_k + g_td_I mean_k r^WM_k + I_bg_I),  phi_I(I) = k_I [I]_+^n_I

g_hat, G_hat, T_hat are periodic Gaussian footprints over the ring (widths sigma_wm, sigma_sens,
sigma_td), each row normalized to sum 1. eta_k (nA) and xi_k are Ornstein-Uhlenbeck noise with
time constant tau_AMPA (Wong & Wang 2006: d eta/dt = -eta / tau_AMPA + sigma xi(t) / sqrt(tau_AMPA)).
Feature-similarity gain arises as in Ardid et al. 2007: the held WM pool excites the sensory pools
that share its preference, and the feedback inhibition it recruits lowers the others.
There is no bottom-up sensory -> WM projection: the cue reaches the WM ring directly, the stimulus
the sensory ring only (so the held direction is the cue's, and the mean-field critical w+ is that
of the WM ring alone).

Inputs: ring channels stim_f<k>, cue_f<k> (P = their number; models/feature_channels.py), or the
two-location channels stim_A, stim_B, cue_A, cue_B, mapped onto a ring of `two_location_pools`
pools as von Mises profiles centred at A = 0 and B = 180 deg (clipped to 1).

Readout (decides from the sensory ring; the rule of the spiking family attention_circuit):
- ring channels, cued trial (any cue drive > 0): the held template is the WM pool with the highest
  mean rate over the `wm_window_ms` before stimulus onset; "match" (0) at the first record bin after
  onset where the sensory pool at the template's direction exceeds the ring's mean sensory rate by
  `match_margin_hz` (RT from onset), else "non-match" (1, no RT); extras["template_pool"].
- ring channels, neutral trial (no cue): the direction judgment of the task, from the population
  vector of the sensory rates averaged from onset to the trial's end: 0 if its angle lies in
  [0, 180) deg, else 1 (no RT).
- two-location channels: the first of the sensory pools at 0 deg (A) and 180 deg (B) to reach
  `threshold_hz` after stimulus onset (models.readout.threshold_readout, as rate_competition), and
  per-location reports (models.readout.location_fields, `report_criterion_hz`).

Shapes: run(inputs (n_trials, n_steps, n_channels), dt_ms) -> Activity with rates
(n_trials, n_rec, 2 P + 1) in Hz = (sens_f0..sens_f<P-1>, wm_f0..wm_f<P-1>, sens_inh) sampled every
record_dt_ms, extras["S"] the WM gatings (n_trials, n_rec, P). Integration: Euler-Maruyama in
numpy over all trials at once (a few vector operations per step on (n_trials, P) arrays; no
Brian2 build, so nothing to compile or cache). Every trial starts at rest: the WM ring on its low
fixed point, the sensory ring relaxed for 300 ms without input or noise.

Capability `dynamical` (models/dynamics.py): `dynamics(channels, dt_ms)` gives the noise-free
vector field of x = (S_0..S_{P-1}, r_0..r_{P-1}, r_I) per ms, its analytic Jacobian and the
trajectories `run` integrates (with noise), sampled every dt_ms.

References: Ardid, Wang & Compte 2007 J Neurosci 27:8486; Wong & Wang 2006 J Neurosci 26:1314;
Brunel & Wang 2001 J Comput Neurosci 11:63; Compte et al. 2000 Cereb Cortex 10:910.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from attnsim.models.activity import HIDDEN, SENSORY, Activity
from attnsim.models.attention_circuit_meanfield import (abbott_chance, abbott_chance_slope, resting_state,
                                                        ring_footprint, wm_coupling_nA)
from attnsim.models.attention_circuit_rate_params import AttentionCircuitRateParams
from attnsim.models.base import BrainModel
from attnsim.models.errors import AttnsimError
from attnsim.models.feature_channels import (MEMORY_RING_PREFIX, SENSORY_RING_PREFIX, feature_angles_deg,
                                             location_angles_deg, ring_groups, ring_indices, von_mises_profile)
from attnsim.models.readout import location_fields, threshold_readout
from attnsim.models.registry import FAMILIES

TWO_LOCATION = ("stim_A", "stim_B", "cue_A", "cue_B")


def ring_drives(inputs: np.ndarray, channels: tuple[str, ...], p: AttentionCircuitRateParams
                ) -> tuple[np.ndarray, np.ndarray]:
    """(stim, cue), each (n_trials, n_steps, P) in [0, 1]: the ring channels as they are, or the
    two-location channels as von Mises profiles at A = 0 and B = 180 deg."""
    inputs = np.asarray(inputs, dtype=float)
    channels = tuple(channels)
    try:
        stim_idx, cue_idx = ring_indices(channels)
    except ValueError as err:
        raise AttnsimError(f"attention_circuit_rate: {err}") from None
    if stim_idx.size:
        return inputs[:, :, stim_idx], inputs[:, :, cue_idx]
    missing = [c for c in ("stim_A", "stim_B") if c not in channels]
    if missing:
        raise AttnsimError(f"attention_circuit_rate: input channels {missing} missing; it reads either the ring "
                           f"channels stim_f<k>, cue_f<k> or {list(TWO_LOCATION)} (got {list(channels)})")
    n_pools = p.two_location_pools
    angles = location_angles_deg()
    prof = {loc: von_mises_profile(angles[loc], n_pools, p.location_kappa) for loc in ("A", "B")}

    def mix(kind):
        out = np.zeros(inputs.shape[:2] + (n_pools,))
        for loc in ("A", "B"):
            name = f"{kind}_{loc}"
            if name in channels:
                out += inputs[:, :, channels.index(name), None] * prof[loc]
        return np.clip(out, 0.0, 1.0)

    return mix("stim"), mix("cue")


def stimulus_onset_steps(stim: np.ndarray) -> np.ndarray:
    """(n_trials,) first input step with any stimulus drive (n_steps where none)."""
    on = (stim > 0).any(axis=2)
    return np.where(on.any(axis=1), on.argmax(axis=1), stim.shape[1])


def stimulus_end_steps(stim: np.ndarray) -> np.ndarray:
    """(n_trials,) one past the last input step with any stimulus drive (0 where none)."""
    on = (stim > 0).any(axis=2)
    last = stim.shape[1] - 1 - on[:, ::-1].argmax(axis=1)
    return np.where(on.any(axis=1), last + 1, 0)


class _Circuit:
    """The ring matrices of one P and the noise-free vector field (shared by run and dynamics)."""

    def __init__(self, p: AttentionCircuitRateParams, n_pools: int):
        self.p, self.P = p, n_pools
        self.M = wm_coupling_nA(p, n_pools)

        def norm(g):
            return g / g.sum(axis=1, keepdims=True)

        self.G = norm(ring_footprint(n_pools, p.sigma_sens_deg))
        self.T = norm(ring_footprint(n_pools, p.sigma_td_deg))
        self.S0 = resting_state(p, n_pools)

    def wm_rate(self, S, cue, eta=0.0):
        p = self.p
        x = S @ self.M.T + p.I_0_nA + p.J_cue_nA * cue + eta
        return abbott_chance(x, p.a_hz_per_nA, p.b_hz, p.d_s), x

    def sensory_inputs(self, r, rI, r_wm, stim, xi=0.0):
        p = self.p
        I_E = (p.w_EE_per_hz * r @ self.G.T - p.w_EI_per_hz * rI[:, None] + p.g_stim * stim
               + p.g_td_E_per_hz * r_wm @ self.T.T + p.I_bg_E + xi)
        I_I = p.w_IE_per_hz * r.mean(axis=1) + p.g_td_I_per_hz * r_wm.mean(axis=1) + p.I_bg_I
        return I_E, I_I

    def derivatives(self, S, r, rI, stim, cue, eta=0.0, xi=0.0):
        """(dS, dr, drI) per ms and the WM rates, for states (B, P), (B, P), (B,)."""
        p = self.p
        r_wm, _ = self.wm_rate(S, cue, eta)
        I_E, I_I = self.sensory_inputs(r, rI, r_wm, stim, xi)
        dS = -S / p.tau_NMDA_ms + (1.0 - S) * p.gamma * r_wm * 1e-3
        dr = (-r + p.k_E_hz * np.maximum(I_E, 0.0) ** p.n_E) / p.tau_E_ms
        drI = (-rI + p.k_I_hz * np.maximum(I_I, 0.0) ** p.n_I) / p.tau_I_ms
        return dS, dr, drI, r_wm

    def rest(self, n: int):
        """Initial state of n trials: the WM ring at its low fixed point, the sensory ring at rest
        (relaxed for 300 ms without stimulus or noise)."""
        S = np.tile(self.S0, (n, 1))
        r = np.zeros((n, self.P))
        rI = np.zeros(n)
        zero = np.zeros((n, self.P))
        dt = self.p.dt_integration_ms
        for _ in range(int(300.0 / dt)):
            _, dr, drI, _ = self.derivatives(S, r, rI, zero, zero)
            r, rI = r + dt * dr, rI + dt * drI
        return S, r, rI


def simulate(circuit: _Circuit, stim: np.ndarray, cue: np.ndarray, dt_ms: float, seed: int,
             record_dt_ms: float) -> dict[str, np.ndarray]:
    """Euler-Maruyama over all trials; returns {"sens", "wm", "inh", "S"} sampled every record_dt_ms
    (the state at the start of each record bin), shapes (n, n_rec, P) and (n, n_rec)."""
    p = circuit.p
    n, n_steps, P = stim.shape
    h = p.dt_integration_ms
    n_int = int(round(n_steps * dt_ms / h))
    every = max(1, int(round(record_dt_ms / h)))
    n_rec = int(round(n_steps * dt_ms / record_dt_ms))
    rng = np.random.default_rng(seed)
    S, r, rI = circuit.rest(n)
    out = {"sens": np.empty((n, n_rec, P)), "wm": np.empty((n, n_rec, P)), "inh": np.empty((n, n_rec)),
           "S": np.empty((n, n_rec, P))}
    decay = h / p.tau_AMPA_ms
    kick = np.sqrt(h / p.tau_AMPA_ms) * np.concatenate([np.full(P, p.sigma_noise_nA), np.full(P, p.sigma_sens_noise)])
    noise = np.zeros((n, 2 * P))                   # OU currents: eta (WM, nA) | xi (sensory)
    # The loop inlines _Circuit.derivatives (the same equations; test_attention_circuit_rate checks
    # that they agree): constants and matrices hoisted, means as products with a column of 1/P.
    M_T, G_T, T_T = circuit.M.T, p.w_EE_per_hz * circuit.G.T, p.g_td_E_per_hz * circuit.T.T
    avg = np.full((P, 1), 1.0 / P)
    a, b, d = p.a_hz_per_nA, p.b_hz, p.d_s
    gam, tau_S, tau_E, tau_I = p.gamma * 1e-3, p.tau_NMDA_ms, p.tau_E_ms, p.tau_I_ms
    stim_in = p.g_stim * stim + p.I_bg_E
    cue_in = p.J_cue_nA * cue + p.I_0_nA
    square = p.n_E == 2.0
    rI = rI[:, None]
    rec = 0
    for k in range(n_int):
        step = min(int(k * h / dt_ms + 1e-9), n_steps - 1)
        y = a * (S @ M_T + cue_in[:, step] + noise[:, :P]) - b
        y = np.where(np.abs(y) < 1e-9, 1e-9, y)
        r_wm = y / -np.expm1(-d * y)
        I_E = np.maximum(r @ G_T - p.w_EI_per_hz * rI + stim_in[:, step] + r_wm @ T_T + noise[:, P:], 0.0)
        I_I = np.maximum(p.w_IE_per_hz * (r @ avg) + p.g_td_I_per_hz * (r_wm @ avg) + p.I_bg_I, 0.0)
        if k % every == 0 and rec < n_rec:
            out["sens"][:, rec], out["wm"][:, rec], out["inh"][:, rec], out["S"][:, rec] = r, r_wm, rI[:, 0], S
            rec += 1
        S = np.clip(S + h * (-S / tau_S + (1.0 - S) * gam * r_wm), 0.0, 1.0)
        r = np.maximum(r + (h / tau_E) * (p.k_E_hz * (I_E * I_E if square else I_E ** p.n_E) - r), 0.0)
        rI = np.maximum(rI + (h / tau_I) * (p.k_I_hz * I_I ** p.n_I - rI), 0.0)
        noise += kick * rng.standard_normal((n, 2 * P)) - decay * noise
    if rec < n_rec:     # record_dt finer than the integration step: hold the last sample
        for key in out:
            out[key][:, rec:] = out[key][:, rec - 1:rec]
    return out


def ring_readout(sens: np.ndarray, wm: np.ndarray, stim: np.ndarray, cue: np.ndarray, dt_ms: float,
                 record_dt_ms: float, p: AttentionCircuitRateParams) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Choice, RT and template pool (-1: none) of the ring readout (module docstring), from sens,
    wm (n, n_rec, P) and the ring drives stim, cue (n, n_steps, P)."""
    n, n_rec, P = sens.shape
    onset = np.minimum(np.ceil(stimulus_onset_steps(stim) * dt_ms / record_dt_ms - 1e-9).astype(int), n_rec)
    cued = (cue > 0).any(axis=(1, 2))
    win = max(1, int(round(p.wm_window_ms / record_dt_ms)))
    theta = np.deg2rad(feature_angles_deg(P))
    choice = np.full(n, -1, dtype=int)
    rt = np.full(n, np.nan)
    template = np.full(n, -1, dtype=int)
    for i in range(n):
        s = int(onset[i])
        if s >= n_rec:
            continue                                       # no stimulus: no decision
        if cued[i]:
            k = template[i] = int(np.argmax(wm[i, max(0, s - win):max(s, 1)].mean(axis=0)))
            cross = np.flatnonzero(sens[i, s:, k] - sens[i, s:].mean(axis=1) > p.match_margin_hz)
            if cross.size:
                choice[i], rt[i] = 0, cross[0] * record_dt_ms
            else:
                choice[i] = 1
        else:
            m = sens[i, s:].mean(axis=0)
            angle = np.rad2deg(np.arctan2((m * np.sin(theta)).sum(), (m * np.cos(theta)).sum())) % 360.0
            choice[i] = 0 if angle < 180.0 else 1
    return choice, rt, template


@dataclass
class RateCircuitDynamics:
    """The `dynamical` capability (models/dynamics.py): noise-free vector field of the state
    x = (S_0..S_{P-1}, r_0..r_{P-1}, r_I) (WM gatings, sensory E rates in Hz, I rate in Hz)."""
    model: "AttentionCircuitRate"
    channels: tuple[str, ...]
    dt_ms: float
    time: str = "continuous"

    def __post_init__(self):
        self.n_pools = self.model._n_pools(self.channels)
        self.circuit = self.model._circuit(self.n_pools)
        P = self.n_pools
        self.state_labels = (tuple(f"S_wm_f{k}" for k in range(P)) + tuple(f"r_sens_f{k}" for k in range(P))
                             + ("r_sens_inh",))

    def _split(self, x):
        P = self.n_pools
        x = np.asarray(x, dtype=float)
        return x[:, :P], x[:, P:2 * P], x[:, 2 * P]

    def _drive(self, u):
        stim, cue = ring_drives(np.asarray(u, dtype=float)[:, None, :], self.channels, self.model.params)
        return stim[:, 0], cue[:, 0]

    def velocity(self, x, u):
        S, r, rI = self._split(x)
        stim, cue = self._drive(u)
        dS, dr, drI, _ = self.circuit.derivatives(S, r, rI, stim, cue)
        return np.concatenate([dS, dr, drI[:, None]], axis=1)

    def jacobian(self, x, u):
        """Analytic d velocity / dx, (B, 2P+1, 2P+1) per ms (phi's kink at 0 taken as slope 0)."""
        c, p, P = self.circuit, self.model.params, self.n_pools
        S, r, rI = self._split(x)
        stim, cue = self._drive(u)
        B = S.shape[0]
        r_wm, x_wm = c.wm_rate(S, cue)
        dH = abbott_chance_slope(x_wm, p.a_hz_per_nA, p.b_hz, p.d_s)              # (B, P) Hz/nA
        dwm_dS = dH[:, :, None] * c.M[None]                                          # (B, P, P)
        I_E, I_I = c.sensory_inputs(r, rI, r_wm, stim)
        fE = p.k_E_hz * p.n_E * np.maximum(I_E, 0.0) ** (p.n_E - 1) * (I_E > 0)   # (B, P)
        fI = p.k_I_hz * p.n_I * np.maximum(I_I, 0.0) ** (p.n_I - 1) * (I_I > 0)   # (B,)
        J = np.zeros((B, 2 * P + 1, 2 * P + 1))
        idx = np.arange(P)
        J[:, :P, :P] = ((1.0 - S) * p.gamma * 1e-3)[:, :, None] * dwm_dS
        J[:, idx, idx] += -1.0 / p.tau_NMDA_ms - p.gamma * r_wm * 1e-3
        J[:, P:2 * P, :P] = fE[:, :, None] * p.g_td_E_per_hz * np.einsum("km,bmj->bkj", c.T, dwm_dS) / p.tau_E_ms
        J[:, P:2 * P, P:2 * P] = fE[:, :, None] * p.w_EE_per_hz * c.G[None] / p.tau_E_ms
        J[:, P + idx, P + idx] -= 1.0 / p.tau_E_ms
        J[:, P:2 * P, 2 * P] = -fE * p.w_EI_per_hz / p.tau_E_ms
        J[:, 2 * P, :P] = (fI * p.g_td_I_per_hz / p.tau_I_ms)[:, None] * dwm_dS.mean(axis=1)
        J[:, 2 * P, P:2 * P] = (fI * p.w_IE_per_hz / (P * p.tau_I_ms))[:, None]
        J[:, 2 * P, 2 * P] = -1.0 / p.tau_I_ms
        return J

    def trajectories(self, inputs, seed):
        stim, cue = ring_drives(inputs, self.channels, self.model.params)
        tr = simulate(self.circuit, stim, cue, self.dt_ms, int(seed), self.dt_ms)
        return np.concatenate([tr["S"], tr["sens"], tr["inh"][:, :, None]], axis=2)


@FAMILIES.register("attention_circuit_rate", summary="Rate attention circuit: a sensory ring with feedback "
                   "inhibition biased top-down by a Wong-Wang working-memory ring (Ardid et al. 2007, reduced)")
class AttentionCircuitRate(BrainModel):
    family: ClassVar[str] = "attention_circuit_rate"
    capabilities: ClassVar[frozenset] = frozenset({"dynamical"})
    paper: ClassVar[str] = ("Ardid, Wang & Compte 2007 J Neurosci 27:8486 (circuit); "
                            "Wong & Wang 2006 J Neurosci 26:1314 (working-memory pools)")
    Params: ClassVar[type] = AttentionCircuitRateParams
    input_channels: ClassVar[tuple[str, ...]] = ("feature_ring", "two_locations")

    def __init__(self, params: AttentionCircuitRateParams | None = None):
        self.params = params or AttentionCircuitRateParams()
        self._circuits: dict[int, _Circuit] = {}

    def _n_pools(self, channels) -> int:
        try:
            stim_idx, _ = ring_indices(tuple(channels))
        except ValueError as err:
            raise AttnsimError(f"attention_circuit_rate: {err}") from None
        return int(stim_idx.size) if stim_idx.size else self.params.two_location_pools

    def _circuit(self, n_pools: int) -> _Circuit:
        if n_pools not in self._circuits:
            self._circuits[n_pools] = _Circuit(self.params, n_pools)
        return self._circuits[n_pools]

    def footprint(self, n_steps: int, dt_ms: float) -> dict:
        """Size of one trial's Activity: 2 P + 1 rates per record step (P = 8 assumed), no spikes."""
        n_rec = n_steps * dt_ms / self.params.record_dt_ms
        return {"values_per_trial": (2 * 8 + 1 + 8) * n_rec, "spikes_per_trial": 0.0}

    def dynamics(self, channels, dt_ms: float) -> RateCircuitDynamics:
        return RateCircuitDynamics(self, tuple(channels), float(dt_ms))

    def run(self, inputs, dt_ms, channels, *, seed, progress=None) -> Activity:
        p = self.params
        channels = tuple(channels)
        inputs = np.asarray(inputs, dtype=float)
        if inputs.ndim != 3 or inputs.shape[2] != len(channels):
            raise AttnsimError(f"attention_circuit_rate: inputs must be (n_trials, n_steps, {len(channels)}) "
                               f"for channels {list(channels)}, got shape {inputs.shape}")
        stim, cue = ring_drives(inputs, channels, p)
        P = stim.shape[2]
        circuit = self._circuit(P)
        n = inputs.shape[0]
        if progress:
            progress(0, n)
        tr = simulate(circuit, stim, cue, float(dt_ms), int(seed), p.record_dt_ms)
        sens, wm = tr["sens"], tr["wm"]
        a_k, b_k = 0, int(round(P / 2)) % P                        # the pools at 0 and 180 deg
        extras = {"S": tr["S"]}
        location = {}
        if ring_indices(channels)[0].size:
            choice, rt, extras["template_pool"] = ring_readout(sens, wm, stim, cue, float(dt_ms), p.record_dt_ms, p)
        else:
            onset = np.ceil(stimulus_onset_steps(stim) * dt_ms / p.record_dt_ms - 1e-9).astype(int)
            choice, rt = threshold_readout(sens[:, :, a_k], sens[:, :, b_k], p.record_dt_ms, onset, p.threshold_hz)
            location = location_fields(inputs, channels, float(dt_ms), sens[:, :, a_k], sens[:, :, b_k],
                                       p.record_dt_ms, p.report_criterion_hz)
        sens_names = ring_groups(SENSORY_RING_PREFIX, P)
        wm_names = ring_groups(MEMORY_RING_PREFIX, P)
        groups = {g: slice(k, k + 1) for k, g in enumerate(sens_names)}
        groups.update({g: slice(P + k, P + k + 1) for k, g in enumerate(wm_names)})
        groups["sens_inh"] = slice(2 * P, 2 * P + 1)
        roles = {**{g: SENSORY for g in sens_names}, **{g: HIDDEN for g in wm_names}, "sens_inh": HIDDEN}
        if progress:
            progress(n, n)
        return Activity(rates=np.concatenate([sens, wm, tr["inh"][:, :, None]], axis=2), dt_ms=p.record_dt_ms,
                        groups=groups, selective_groups=(sens_names[a_k], sens_names[b_k]), choice=choice,
                        reaction_time_ms=rt, rate_unit="Hz", extras=extras, roles=roles, **location)

"""The spiking attention circuit's working-memory ring as population rates: its mean field, run in time.

The rate version of the working-memory (WM) network of models/attention_circuit.py: the same
P pyramidal pools on a ring and one interneuron population, the same conductances, footprint
peak w_plus and cue current, reduced by the mean field of
models/attention_circuit_spiking_meanfield.py (Brunel & Wang 2001: diffusion approximation,
Siegert rate with the Fourcaud-Brunel correction, NMDA saturation psi, Mg block linearized at
<V>) and made dynamic, so that the spiking ring and its rate version answer the same task with
the same w+ (docs/reference.md row 13). Its fixed points are that mean field's states, so it
holds a cue exactly where the mean field has a stable memory state (w+ > 1.391 at the
defaults). The sensory ring is not reduced here: the family is the WM network alone (the
sensory-ring and top-down parameters of the shared parameter set are accepted and unused), and
the bottom-up input is taken at zero sensory rate, as in the mean field's critical w+.

State per trial: rates nu (P + 1,) in Hz (pools, interneurons last), the pools' mean gatings
s_AMPA (P,) in s and s_NMDA (P,), the interneurons' s_GABA in s, and <V> (P + 1,) where the
Mg block is linearized. Per step (gated_input and siegert_rates_hz of the mean-field module give
mu, sigma, tau and the rate phi):

    tau_m dnu/dt      = -nu + phi(mu, sigma, tau)          tau_m = C_m / g_L (20 ms E, 10 ms I)
    tau_AMPA ds_A/dt  = -s_A + tau_AMPA nu_E
    tau_GABA ds_G/dt  = -s_G + tau_GABA nu_I
    tau_N ds_N/dt     = -s_N + psi(nu_E),                  tau_N = tau_NMDA,decay (1 - psi(nu_E))

with the cue current I_cue cue_f<k> onto pool k and the gating current I_gate onto every cell,
as in the spiking model. tau_N is the linearized time constant of the gating
ds/dt = -s/tau_d + alpha x (1 - s) at s = psi (faster when saturated). At every fixed point
s_A = nu tau_AMPA, s_G = nu_I tau_GABA, s_N = psi(nu) and nu = phi: the mean field's equations.

Deterministic: no finite-size noise (the spiking ring's fluctuations are not modelled;
docs/model_notes.md gives the measurement that ruled out a Gaussian population-activity noise),
so every seed gives the same numbers. Recorded rates: nu in a causal window of
`rate_window_ms`, sampled every `record_dt_ms` (the spiking model's measurement). Groups
wm_f<k> (role hidden, a top-down source) and wm_inh. There is no sensory ring, hence no
decision: choice -1 (none), no reaction time.

Inputs: ring channels cue_f<k> (P = their number) or the two-location cues cue_A, cue_B (P = 2,
A at 0 deg, B at 180 deg).
Shapes: run(inputs (n_trials, n_steps, n_channels), dt_ms) -> Activity with rates
(n_trials, n_rec, P + 1) in Hz. Integration: Euler in numpy over all trials at once, step
`sim_dt_ms`; every trial starts on the spontaneous fixed point (steady_states).

References: Brunel & Wang 2001 J Comput Neurosci 11:63; Fourcaud & Brunel 2002 Neural Comput
14:2057; Compte et al. 2000 Cereb Cortex 10:910; Ardid, Wang & Compte 2007 J Neurosci 27:8486.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import ClassVar

import numpy as np

from attnsim.models.activity import HIDDEN, Activity
from attnsim.models.attention_circuit_params import AttentionCircuitParams
from attnsim.models.attention_circuit_spiking_meanfield import (LinearizationError, gated_input, nmda_gating_mean,
                                                                siegert_rates_hz, steady_states)
from attnsim.models.base import BrainModel
from attnsim.models.errors import AttnsimError
from attnsim.models.feature_channels import MEMORY_RING_PREFIX, ring_groups, ring_indices
from attnsim.models.params import param
from attnsim.models.rate_smoothing import causal_boxcar_mean
from attnsim.models.registry import FAMILIES

PSI_MAX_HZ = 500.0                # psi table range: 1 / tau_ref_E
PSI_STEP_HZ = 0.05
V_ITERATIONS_PER_STEP = 3         # <V> carried from the last step: a few iterations track it


@dataclass(frozen=True)
class AttentionCircuitWMMeanFieldParams(AttentionCircuitParams):
    sim_dt_ms: float = param(0.5, "integration step (Euler); input dt must be a multiple of it", gt=0)


@lru_cache(maxsize=8)
def _psi_table(tau_rise_ms: float, tau_decay_ms: float, alpha_per_ms: float):
    """(rates Hz, psi) on [0, PSI_MAX_HZ] every PSI_STEP_HZ (read-only, cached), for np.interp."""
    nu = np.arange(0.0, PSI_MAX_HZ + PSI_STEP_HZ / 2, PSI_STEP_HZ)
    psi = nmda_gating_mean(nu, tau_rise_ms, tau_decay_ms, alpha_per_ms)
    nu.flags.writeable = psi.flags.writeable = False
    return nu, psi


@lru_cache(maxsize=16)
def _spontaneous(p: AttentionCircuitWMMeanFieldParams, n_pools: int) -> np.ndarray:
    """The spontaneous fixed point (P + 1,) where every trial starts (steady_states; cached per
    parameter set and ring size: the search takes about a second)."""
    try:
        rates = steady_states(p, n_pools, p.w_plus).spontaneous
    except (RuntimeError, ValueError) as err:          # no rest state; a footprint that needs J- < 0
        raise AttnsimError(f"attention_circuit_wm_meanfield: no spontaneous state to start from at these "
                           f"parameters ({err})") from None
    rates.flags.writeable = False
    return rates


def simulate(p: AttentionCircuitWMMeanFieldParams, cue: np.ndarray, dt_ms: float) -> np.ndarray:
    """Integrate the WM ring's rate equations for cue drives (n_trials, n_steps, P) given every
    dt_ms; returns the rates nu (n_trials, n_steps * dt_ms / sim_dt_ms, P + 1) in Hz per step."""
    n, n_steps, P = cue.shape
    sub = int(round(dt_ms / p.sim_dt_ms))
    if sub < 1 or abs(sub * p.sim_dt_ms - dt_ms) > 1e-9:
        raise AttnsimError(f"attention_circuit_wm_meanfield: input dt {dt_ms} ms is not a multiple of sim_dt_ms "
                           f"{p.sim_dt_ms} ms")
    h = p.sim_dt_ms
    nu = np.tile(_spontaneous(p, P), (n, 1))
    tA, tG = p.tau_AMPA_ms * 1e-3, p.tau_GABA_ms * 1e-3
    psi_nu, psi_v = _psi_table(p.tau_NMDA_rise_ms, p.tau_NMDA_decay_ms, p.alpha_NMDA_per_ms)
    s_A = nu[:, :P] * tA
    s_N = np.interp(nu[:, :P], psi_nu, psi_v)
    s_G = nu[:, P] * tG
    V = gated_input(nu, s_A, s_N, s_G, p, p.w_plus).V_mean_mV
    tau_m = np.r_[np.full(P, p.C_m_E_nF / p.g_L_E_nS), p.C_m_I_nF / p.g_L_I_nS] * 1e3    # ms
    tau_ref = np.r_[np.full(P, p.tau_ref_E_ms), p.tau_ref_I_ms]
    dec_A, dec_G = np.exp(-h / p.tau_AMPA_ms), np.exp(-h / p.tau_GABA_ms)
    out = np.empty((n, n_steps * sub, P + 1))
    I_extra = np.zeros((n, P + 1))
    for t in range(n_steps * sub):
        I_extra[:, :P] = p.I_cue_nA * cue[:, t // sub]
        inp = gated_input(nu, s_A, s_N, s_G, p, p.w_plus, I_extra_nA=I_extra, V_start_mV=V,
                          n_iter=V_ITERATIONS_PER_STEP)
        V = inp.V_mean_mV
        phi = siegert_rates_hz(inp.mu_mV, inp.sigma_mV, inp.tau_ms, tau_ref, p.V_th_mV, p.V_reset_mV, p.tau_AMPA_ms)
        nu = np.maximum(nu + h / tau_m * (phi - nu), 0.0)
        out[:, t] = nu
        psi = np.interp(nu[:, :P], psi_nu, psi_v)               # rates above PSI_MAX_HZ: psi at the bound
        s_N = s_N + h / (p.tau_NMDA_decay_ms * (1.0 - psi)) * (psi - s_N)
        s_A = s_A * dec_A + (1.0 - dec_A) * tA * nu[:, :P]
        s_G = s_G * dec_G + (1.0 - dec_G) * tG * nu[:, P]
    return out


def window_rates(rates: np.ndarray, sim_dt_ms: float, window_ms: float, record_dt_ms: float) -> np.ndarray:
    """Causal mean of `rates` (n, steps, units) over window_ms (models.rate_smoothing, the mean of the
    steps present at the start), sampled at the end of every record_dt_ms bin:
    (n, steps * sim_dt_ms / record_dt_ms, units)."""
    every = int(round(record_dt_ms / sim_dt_ms))
    smooth = causal_boxcar_mean(rates, window_ms, sim_dt_ms, axis=1, start="available")
    return smooth[:, every - 1::every]


@FAMILIES.register("attention_circuit_wm_meanfield", summary="The spiking attention circuit's working-memory ring as "
                   "population rates (the Brunel & Wang 2001 mean field of the spiking ring, run in time)")
class AttentionCircuitWMMeanField(BrainModel):
    family: ClassVar[str] = "attention_circuit_wm_meanfield"
    capabilities: ClassVar[frozenset] = frozenset()
    paper: ClassVar[str] = ("Brunel & Wang 2001 J Comput Neurosci 11:63 (mean field); Compte et al. 2000 Cereb "
                            "Cortex 10:910 and Ardid, Wang & Compte 2007 J Neurosci 27:8486 (the ring)")
    Params: ClassVar[type] = AttentionCircuitWMMeanFieldParams
    input_channels: ClassVar[tuple[str, ...]] = ("feature_ring", "two_locations")

    def __init__(self, params: AttentionCircuitWMMeanFieldParams | None = None):
        self.params = params or AttentionCircuitWMMeanFieldParams()

    def footprint(self, n_steps: int, dt_ms: float) -> dict:
        """Size of one trial's Activity: P + 1 rates per record step (P = 8 assumed), no spikes."""
        return {"values_per_trial": 9 * n_steps * dt_ms / self.params.record_dt_ms, "spikes_per_trial": 0.0}

    def _cue(self, inputs: np.ndarray, channels: tuple[str, ...]) -> np.ndarray:
        try:
            _, cue_idx = ring_indices(channels)
        except ValueError as err:
            raise AttnsimError(f"attention_circuit_wm_meanfield: {err}") from None
        if cue_idx.size:
            return inputs[:, :, cue_idx]
        missing = [c for c in ("cue_A", "cue_B") if c not in channels]
        if missing:
            raise AttnsimError(f"attention_circuit_wm_meanfield: input channels {missing} missing; it reads the ring "
                               f"cues cue_f<k> or the two-location cues cue_A, cue_B")
        return inputs[:, :, [channels.index("cue_A"), channels.index("cue_B")]]

    def run(self, inputs, dt_ms, channels, *, seed, progress=None) -> Activity:
        p = self.params
        channels = tuple(channels)
        inputs = np.asarray(inputs, dtype=float)
        if inputs.ndim != 3 or inputs.shape[2] != len(channels):
            raise AttnsimError(f"attention_circuit_wm_meanfield: inputs must be (n_trials, n_steps, {len(channels)}) "
                               f"for channels {list(channels)}, got shape {inputs.shape}")
        cue = self._cue(inputs, channels)
        n, _, P = cue.shape
        if progress:
            progress(0, n)
        try:
            activity = simulate(p, cue, float(dt_ms))
        except LinearizationError as err:
            raise AttnsimError(f"attention_circuit_wm_meanfield: the mean field does not hold at these parameters "
                               f"({err}); lower w_plus ({p.w_plus}) or I_cue_nA ({p.I_cue_nA})") from None
        rates = window_rates(activity, p.sim_dt_ms, p.rate_window_ms, p.record_dt_ms)
        names = ring_groups(MEMORY_RING_PREFIX, P)
        groups = {g: slice(k, k + 1) for k, g in enumerate(names)}
        groups["wm_inh"] = slice(P, P + 1)
        if progress:
            progress(n, n)
        return Activity(rates=rates, dt_ms=p.record_dt_ms, groups=groups,
                        selective_groups=(names[0], names[int(round(P / 2)) % P]),
                        choice=np.full(n, -1, dtype=int), reaction_time_ms=np.full(n, np.nan), rate_unit="Hz",
                        extras={}, roles={**{g: HIDDEN for g in names}, "wm_inh": HIDDEN})

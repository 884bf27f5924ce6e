"""Mean-field reduction of the SPIKING attention circuit's working-memory (WM) ring, and its critical w+.

The rate description of models/attention_circuit.py itself (not of the rate model
models/attention_circuit_rate.py, whose w+ and constants differ): the stationary states of the
WM network of conductance-based LIF cells, P pyramidal pools on a ring and one interneuron
population, in the diffusion approximation of Brunel & Wang 2001 (J Comput Neurosci 11:63;
Amit & Brunel 1997 Cereb Cortex 7:237), the analysis behind Compte et al. 2000 and Wang 2002.

Populations (P + 1): WM pyramidal pool k = 0..P-1 (rate nu_k) and the WM interneurons (nu_I).
The sensory ring enters only through the bottom-up AMPA projection, held at a fixed sensory rate
`nu_sens_hz` (default 0: sensory ring off). It is weak: g_bu_E 1024 / (2 pi) tau_AMPA nu_sens
= 0.0016 nS per Hz of sensory rate, against 60-80 nS of total conductance of a WM cell, so the
spontaneous sensory rate (a few Hz) moves nothing here. No cue, stimulus or noise current; the
gating current I_gate onto every WM cell is included.

Synaptic conductances onto a cell of type T (E or I) in pool k, as the spiking model scales them
(G = g 1024 for E -> *, g 256 for I -> *, divided by N_E = P n_E or N_I = P n_I, times the pool
sums S_l = n_E <s>_l), so that the network size drops out:

    G_ext,T  = g_ext,T nu_ext tau_AMPA                                   (background, Poisson)
    G_AMPA,k = G^AMPA_ET (1/P) sum_l W_T[k, l] nu_l tau_AMPA
    G_NMDA,k = G^NMDA_ET (1/P) sum_l W_T[k, l] psi(nu_l)
    G_GABA,T = G^GABA_IT nu_I tau_GABA
    G_bu,k   = G^bu_T (1/P) sum_l W_bu[k, l] nu_sens tau_AMPA

with W_E = recurrent_footprint(P, w+, sigma_EE) (Compte 2000 normalization, mean 1 over
sources), W_I = 1 (E -> I unstructured), W_bu = long_range_footprint(P, sigma_bu). psi(nu) is the
mean NMDA gating of a Poisson train of rate nu through ds/dt = -s/tau_d + alpha x (1 - s),
dx/dt = -x/tau_r + sum delta(t - t_spike) (Brunel & Wang 2001, eq. for psi): here computed from
the stationary moment hierarchy m_n = <x^n s> that their series expansion in alpha tau_r comes
from (`nmda_gating_mean`; exact as the number of moments grows, 12 used; checked against a
simulation of the gating in the tests).

NMDA Mg block linearized at the population's mean voltage <V> (Brunel & Wang 2001):

    (V - V_E) / J(V) ~ (<V> - V_E) / J(<V>) + beta (V - <V>),
    J(V) = 1 + [Mg]/3.57 exp(-0.062 V),   beta = (1/J) (1 + 0.062 (<V> - V_E) (J - 1) / J)

i.e. an NMDA slope conductance g_N = G_NMDA beta with reversal V_N = <V> - (<V> - V_E) / (J beta).
beta < 0 below -27 mV (the negative-slope region of the NMDA I-V curve): at the operating
<V> ~ -55 mV the NMDA input lowers g_tot and lengthens tau. Where it would make g_tot <= 0 (very
high NMDA input) the linearization has failed and LinearizationError is raised. The mean voltage
of a firing LIF cell, <V> = mu - (V_th - V_reset) nu tau (Brunel & Wang 2001), is solved with the
rest by fixed-point iteration (`population_input`). Then

    g_tot = g_L + G_ext + G_AMPA + G_bu + g_N + G_GABA,          tau = C_m / g_tot
    mu    = (g_L V_L + (G_ext + G_AMPA + G_bu) V_E + g_N V_N + G_GABA V_I + I_gate) / g_tot
    sigma^2 = (g_ext (<V> - V_E))^2 nu_ext tau_AMPA^2 tau / C_m^2

(tau dV/dt = -(V - mu) + sigma sqrt(tau) eta(t); only the fast external Poisson AMPA input
fluctuates, as in Brunel & Wang 2001: the recurrent inputs are taken at their means). The rate is
Ricciardi's first-passage (Siegert) formula with Fourcaud & Brunel 2002's correction for the
synaptic filter tau_AMPA, in Brunel & Wang 2001's form (`siegert_rate_hz`):

    1/nu = tau_ref + tau sqrt(pi) int_{y_r}^{y_th} e^{u^2} (1 + erf u) du,
    y_th = (V_th - mu)/sigma (1 + tau_AMPA/(2 tau)) + 1.03 sqrt(tau_AMPA/tau) - tau_AMPA/(2 tau)
    y_r  = (V_reset - mu)/sigma

with e^{u^2}(1 + erf u) = erfcx(-u) (finite at the large negative u of strong drive) and
scipy.integrate.quad.

Self-consistency. The interneurons are taken as fast (adiabatic): for pool rates nu_E (P,) their
rate nu_I(nu_E) solves nu_I = phi_I(nu_E, nu_I) (unique: phi_I falls with nu_I), which removes the
E-I oscillation of a naive iteration without changing the fixed points. The states are the
fixed points nu_E = Phi(nu_E) = phi_E(nu_E, nu_I(nu_E)) of the rate dynamics
tau dnu_E/dt = -nu_E + Phi(nu_E); a state is stable when every eigenvalue of dPhi/dnu_E (central
differences) has real part < 1. This stationary analysis cannot see oscillatory instabilities of
the spiking network, nor its finite-size noise.

`steady_states` gives the spontaneous state (all pools alike, low) and, if it exists, the memory
state (pool `cued` elevated), found by relaxing the rate dynamics from a high start of the cued
pool and polishing with scipy.optimize.root. `critical_w_plus` bisects on w+ for the existence
of a stable memory state. Approximations beyond the diffusion limit: the Poisson-input psi for
cells that are not Poisson, first-order Fourcaud-Brunel correction at tau_AMPA / tau = 0.2-0.6
(pyramidal cells, 0.5-1 interneurons: not small), no finite-size fluctuations (40 pyramidal cells per pool in the spiking model: the
common fluctuations of the pool sums can move its threshold; scenarios/validation/
attention_circuit_spiking_threshold.yaml measures it), the shared pool sums of the spiking model
(every cell of a pool sees the same G) treated as independent mean inputs.

Shapes: rates (P,) per pyramidal pool in Hz and a float for the interneurons; inputs per
population (P + 1,) with the interneurons last. Units: mV, ms, nS, nA, Hz.

References: Brunel & Wang 2001 J Comput Neurosci 11:63; Amit & Brunel 1997 Cereb Cortex 7:237;
Fourcaud & Brunel 2002 Neural Comput 14:2057; Compte et al. 2000 Cereb Cortex 10:910; Wang 2002
Neuron 36:955; Ricciardi 1977 Diffusion Processes and Related Topics in Biology.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from math import comb

import numpy as np
from scipy.integrate import quad
from scipy.optimize import brentq, root
from scipy.special import erfc, erfcx

from attnsim.models.attention_circuit import (N_E_PAPER, N_I_PAPER, long_range_footprint,
                                              recurrent_footprint)
from attnsim.models.attention_circuit_params import AttentionCircuitParams

class LinearizationError(ArithmeticError):
    """The Mg-block linearization gives a non-positive total conductance (very high NMDA input)."""


MG_HALF_MM = 3.57                 # J(V) = 1 + [Mg]/3.57 exp(-0.062 V/mV), as in CELL_EQS
MG_SLOPE_PER_MV = 0.062
FB_SHIFT = 1.03                   # Fourcaud & Brunel 2002: |zeta(1/2)| / sqrt(2)
ROOT_TOL = 1e-10                  # scipy.optimize.root (hybr) tolerance on the rates (Hz)


def nmda_gating_mean(nu_hz, tau_rise_ms: float, tau_decay_ms: float, alpha_per_ms: float,
                     n_moments: int = 12):
    """psi(nu): mean NMDA gating <s> of a Poisson spike train of rate nu_hz (scalar or array).

    Model (CELL_EQS): ds/dt = -s/tau_d + alpha x (1 - s), dx/dt = -x/tau_r, x += 1 per spike.
    The moments m_n = <x^n s> obey, at stationarity (Ito rule for the jumps of x),

        0 = -(1/tau_d + n/tau_r) m_n + alpha (e_{n+1} - m_{n+1}) + nu sum_{j<n} C(n, j) m_j,

    with e_n = <x^n> of the shot noise x (cumulants nu tau_r / j). Truncated at n_moments with
    the closure m_{N+1} = m_N e_{N+1} / e_N and solved as a linear system; this is the hierarchy
    whose expansion in alpha tau_r is Brunel & Wang 2001's series for psi. 12 moments converge
    to 1e-8 up to 100 Hz (more lose accuracy to the binomial sums)."""
    nus = np.atleast_1d(np.asarray(nu_hz, dtype=float))
    out = np.empty_like(nus)
    N = n_moments
    for i, nu_hz_i in enumerate(nus):
        nu = max(float(nu_hz_i), 0.0) * 1e-3                     # per ms
        if nu == 0.0:
            out[i] = 0.0
            continue
        kappa = [0.0] + [nu * tau_rise_ms / j for j in range(1, N + 3)]
        e = [1.0]
        for n in range(1, N + 3):
            e.append(sum(comb(n - 1, j - 1) * kappa[j] * e[n - j] for j in range(1, n + 1)))
        A = np.zeros((N + 1, N + 1))
        b = np.zeros(N + 1)
        for n in range(N + 1):
            A[n, n] -= 1.0 / tau_decay_ms + n / tau_rise_ms
            for j in range(n):
                A[n, j] += nu * comb(n, j)
            b[n] -= alpha_per_ms * e[n + 1]
            if n < N:
                A[n, n + 1] -= alpha_per_ms
            else:
                A[n, n] -= alpha_per_ms * e[n + 1] / e[n]
        out[i] = np.linalg.solve(A, b)[0]
    return out if np.ndim(nu_hz) else float(out[0])


def siegert_rate_hz(mu_mV: float, sigma_mV: float, tau_ms: float, tau_ref_ms: float, V_th_mV: float,
                    V_reset_mV: float, tau_syn_ms: float = 0.0) -> float:
    """Stationary rate (Hz) of an LIF cell with tau dV/dt = -(V - mu) + sigma sqrt(tau) eta(t).

    Ricciardi / Siegert first passage time, 1/nu = tau_ref + tau sqrt(pi) int_{y_r}^{y_th} erfcx(-u) du,
    with Brunel & Wang 2001's bounds for synaptic noise filtered by tau_syn (Fourcaud & Brunel
    2002): y_th = (V_th - mu)/sigma (1 + k/2) + 1.03 sqrt(k) - k/2, y_r = (V_reset - mu)/sigma,
    k = tau_syn / tau. tau_syn = 0 is the white-noise formula (Brunel 2000 eq. 21)."""
    k = tau_syn_ms / tau_ms
    y_th = (V_th_mV - mu_mV) / sigma_mV * (1.0 + 0.5 * k) + FB_SHIFT * np.sqrt(k) - 0.5 * k
    y_r = (V_reset_mV - mu_mV) / sigma_mV
    if y_th > 26.0:                                # e^{y_th^2} overflows: the cell does not fire
        return 0.0
    integral, _ = quad(lambda u: erfcx(-u), y_r, y_th, limit=200, epsabs=0.0, epsrel=1e-9)
    return 1.0 / (1e-3 * (tau_ref_ms + tau_ms * np.sqrt(np.pi) * integral))


_Y_LO, _Y_FINE, _Y_HI = -2000.0, -60.0, 26.0


@lru_cache(maxsize=1)
def _log_siegert_integral_table():
    """(y, log H(y)) on [_Y_LO, _Y_HI], H(y) = int_{_Y_LO}^{y} erfcx(-u) du: the Siegert integral
    as a difference of H, tabulated once in log (H grows like e^{y^2} / y), by the trapezoid rule
    on log-integrand values (log erfcx(-u) = u^2 + log(1 + erf u) computed without overflow);
    step 0.01 below -60 (where the integrand is ~ 1 / (|u| sqrt(pi)), smooth) and 2.5e-4 above."""
    y = np.r_[np.arange(_Y_LO, _Y_FINE, 0.01), np.arange(_Y_FINE, _Y_HI + 1e-4, 2.5e-4)]
    log_f = np.where(y < 0, np.log(erfcx(-np.minimum(y, 0.0))),
                     y ** 2 + np.log(2.0) + np.log1p(-0.5 * erfc(np.maximum(y, 0.0))))
    log_seg = np.logaddexp(log_f[:-1], log_f[1:]) + np.log(0.5 * np.diff(y))
    log_H = np.r_[-np.inf, np.logaddexp.accumulate(log_seg)]
    log_H[0] = log_H[1] - 10.0                    # H(_Y_LO) = 0; a finite floor for interpolation
    return y, log_H


def siegert_rates_hz(mu_mV, sigma_mV, tau_ms, tau_ref_ms, V_th_mV: float, V_reset_mV: float,
                     tau_syn_ms: float = 0.0) -> np.ndarray:
    """`siegert_rate_hz` for arrays (broadcast together), from a table of the integral instead of
    quad: 1/nu = tau_ref + tau sqrt(pi) (H(y_th) - H(y_r)) with log H interpolated linearly on a
    grid (`_log_siegert_integral_table`; within 1e-5 of quad, tested). Bounds clipped to
    [-2000, 26]: above 26 the cell does not fire (rate 0, as in the scalar version)."""
    mu, sigma, tau = np.broadcast_arrays(*(np.asarray(a, dtype=float) for a in (mu_mV, sigma_mV, tau_ms)))
    k = tau_syn_ms / tau
    y_th = (V_th_mV - mu) / sigma * (1.0 + 0.5 * k) + FB_SHIFT * np.sqrt(k) - 0.5 * k
    y_r = (V_reset_mV - mu) / sigma
    y, log_H = _log_siegert_integral_table()
    lth = np.interp(np.clip(y_th, _Y_LO, _Y_HI), y, log_H)
    lr = np.interp(np.clip(y_r, _Y_LO, _Y_HI), y, log_H)
    integral = np.exp(lth) * -np.expm1(np.minimum(lr - lth, 0.0))
    rate = 1.0 / (1e-3 * (np.asarray(tau_ref_ms, dtype=float) + tau * np.sqrt(np.pi) * integral))
    return np.where(y_th > _Y_HI, 0.0, rate)


@dataclass(frozen=True)
class PopulationInput:
    """Diffusion-approximation input of each population (P + 1,): mu_mV, sigma_mV, tau_ms (effective
    membrane time constant), V_mean_mV (<V>, where the Mg block is linearized), g_tot_nS."""
    mu_mV: np.ndarray
    sigma_mV: np.ndarray
    tau_ms: np.ndarray
    V_mean_mV: np.ndarray
    g_tot_nS: np.ndarray


@lru_cache(maxsize=64)
def _footprints(P: int, w_plus: float, sigma_EE_deg: float, sigma_bu_deg: float):
    """(W, W_bu), each (P + 1, P): recurrent and bottom-up weights onto the P pools and (last row)
    the interneurons, as the spiking model's spread_weights uses them (read-only, cached)."""
    W = np.vstack([recurrent_footprint(P, w_plus, sigma_EE_deg), np.ones((1, P))])
    bu = long_range_footprint(P, sigma_bu_deg)
    W_bu = np.vstack([bu, bu[:1]])
    W.flags.writeable = W_bu.flags.writeable = False
    return W, W_bu


def population_input(nu_E_hz: np.ndarray, nu_I_hz: float, p: AttentionCircuitParams, w_plus: float,
                     nu_sens_hz: float = 0.0, psi: np.ndarray | None = None, n_iter: int = 30) -> PopulationInput:
    """Mean, fluctuation and effective time constant of the input of the P WM pools and the WM
    interneurons at rates nu_E_hz (P,), nu_I_hz (module doc equations); psi: the pools' mean NMDA
    gatings (P,) if already computed. The stationary case of `gated_input`: each gating at its
    mean for the rates (AMPA nu tau_AMPA, NMDA psi(nu), GABA nu_I tau_GABA)."""
    nu_E = np.asarray(nu_E_hz, dtype=float)
    if psi is None:
        psi = nmda_gating_mean(nu_E, p.tau_NMDA_rise_ms, p.tau_NMDA_decay_ms, p.alpha_NMDA_per_ms)
    return gated_input(np.r_[nu_E, nu_I_hz], nu_E * p.tau_AMPA_ms * 1e-3, np.asarray(psi, dtype=float),
                       nu_I_hz * p.tau_GABA_ms * 1e-3, p, w_plus, nu_sens_hz, n_iter=n_iter)


def _row_sums(s, W: np.ndarray) -> np.ndarray:
    """sum_l W[k, l] s[..., l] -> (..., K) without BLAS, whose blocking can change the last bits of
    a row with the batch around it (each trial's numbers must not depend on its batch)."""
    return (np.asarray(s, dtype=float)[..., None, :] * W).sum(axis=-1)


def gated_input(nu_hz: np.ndarray, s_AMPA: np.ndarray, s_NMDA: np.ndarray, s_GABA, p: AttentionCircuitParams,
                w_plus: float, nu_sens_hz: float = 0.0, I_extra_nA=0.0, V_start_mV=None,
                n_iter: int = 30) -> PopulationInput:
    """The input of the P WM pools and the interneurons (module doc equations) at given synaptic
    gatings, batched over any leading axes:

    nu_hz (..., P + 1): the populations' rates (pools, interneurons last), which set <V>;
    s_AMPA (..., P): each pool's mean AMPA gating in seconds (nu tau_AMPA at stationarity);
    s_NMDA (..., P): each pool's mean NMDA gating (psi(nu) at stationarity);
    s_GABA (...): the interneurons' mean GABA gating in seconds (nu_I tau_GABA at stationarity);
    I_extra_nA: a current added to each population (broadcast against (..., P + 1)), e.g. a cue;
    V_start_mV: where the <V> fixed-point iteration starts (..., P + 1) (V_th - 5 mV if None), so
    that a time-stepped caller can carry <V> from its previous step and iterate little; given a
    start, exactly n_iter iterations run (no early stop on the whole batch's convergence, so each
    row's numbers do not depend on the other rows).

    Returns PopulationInput with arrays (..., P + 1)."""
    nu = np.asarray(nu_hz, dtype=float)
    P = nu.shape[-1] - 1
    is_E = np.r_[np.ones(P, bool), False]
    W, W_bu = _footprints(P, float(w_plus), p.sigma_EE_wm_deg, p.sigma_bu_deg)
    per = lambda e, i: np.where(is_E, e, i)                       # noqa: E731  per-population constant
    tA = p.tau_AMPA_ms * 1e-3                                     # s
    g_ext = per(p.g_ext_E_wm_nS, p.g_ext_I_wm_nS)
    G_ext = g_ext * p.nu_ext_hz * tA
    G_ampa = per(p.g_AMPA_EE_wm_nS, p.g_AMPA_EI_wm_nS) * N_E_PAPER * _row_sums(s_AMPA, W) / P
    G_bu = per(p.g_bu_E_nS, p.g_bu_I_nS) * N_E_PAPER * (W_bu @ np.full(P, nu_sens_hz)) / P * tA
    G_nmda = per(p.g_NMDA_EE_wm_nS, p.g_NMDA_EI_wm_nS) * N_E_PAPER * _row_sums(s_NMDA, W) / P
    G_gaba = per(p.g_GABA_IE_wm_nS, p.g_GABA_II_wm_nS) * N_I_PAPER * np.asarray(s_GABA, dtype=float)[..., None]
    g_L, C_nF = per(p.g_L_E_nS, p.g_L_I_nS), per(p.C_m_E_nF, p.C_m_I_nF)
    I_pA = (p.I_gate_nA + np.asarray(I_extra_nA, dtype=float)) * 1e3       # nS mV = pA
    V = np.full(nu.shape, p.V_th_mV - 5.0) if V_start_mV is None else np.asarray(V_start_mV, dtype=float)
    for _ in range(n_iter):
        J = 1.0 + p.Mg_mM / MG_HALF_MM * np.exp(-MG_SLOPE_PER_MV * V)
        beta = (1.0 + MG_SLOPE_PER_MV * (V - p.V_E_mV) * (J - 1.0) / J) / J
        g_N = G_nmda * beta
        V_N = V - (V - p.V_E_mV) / (J * beta)
        g_tot = g_L + G_ext + G_ampa + G_bu + g_N + G_gaba
        if np.any(g_tot <= 0.0):
            raise LinearizationError(f"the linearized NMDA slope conductance (beta < 0 below ~ -20 mV) makes "
                                     f"g_tot = {g_tot.min():.3g} nS <= 0 at <V> = {V.flat[np.argmin(g_tot)]:.1f} mV")
        mu = (g_L * p.V_L_mV + (G_ext + G_ampa + G_bu) * p.V_E_mV + g_N * V_N + G_gaba * p.V_I_mV + I_pA) / g_tot
        tau_s = C_nF / g_tot                                      # nF / nS = s
        V_new = np.minimum(mu - (p.V_th_mV - p.V_reset_mV) * nu * tau_s, p.V_th_mV)
        if V_start_mV is None and np.max(np.abs(V_new - V)) < 1e-10:
            V = V_new
            break
        V = V_new
    sigma = np.abs(g_ext * (V - p.V_E_mV)) * tA * np.sqrt(p.nu_ext_hz * tau_s) / C_nF
    return PopulationInput(mu_mV=mu, sigma_mV=sigma, tau_ms=tau_s * 1e3, V_mean_mV=V, g_tot_nS=g_tot)


def population_rates_hz(inp: PopulationInput, p: AttentionCircuitParams, which=None) -> np.ndarray:
    """Siegert rates (Hz) of the populations `which` (indices into the P + 1; all if None) for
    their inputs `inp`; the last population is the interneurons."""
    n = inp.mu_mV.size
    idx = range(n) if which is None else which
    return np.array([siegert_rate_hz(inp.mu_mV[i], inp.sigma_mV[i], inp.tau_ms[i],
                                     p.tau_ref_I_ms if i == n - 1 else p.tau_ref_E_ms, p.V_th_mV,
                                     p.V_reset_mV, p.tau_AMPA_ms) for i in idx])


def inhibitory_rate_hz(nu_E_hz: np.ndarray, p: AttentionCircuitParams, w_plus: float, nu_sens_hz: float = 0.0,
                       psi: np.ndarray | None = None) -> float:
    """The interneurons' self-consistent rate nu_I = phi_I(nu_E, nu_I) at pool rates nu_E_hz (P,):
    phi_I falls with nu_I (self-inhibition), so the root is unique (brentq on [0, 1/tau_ref_I],
    xtol 1e-9 Hz). The interneurons are taken as fast (adiabatic), which removes the E-I
    oscillations of the relaxation without changing the fixed points."""
    nu_E = np.asarray(nu_E_hz, dtype=float)
    P = nu_E.size
    if psi is None:
        psi = nmda_gating_mean(nu_E, p.tau_NMDA_rise_ms, p.tau_NMDA_decay_ms, p.alpha_NMDA_per_ms)

    def excess(nu_I):
        inp = population_input(nu_E, nu_I, p, w_plus, nu_sens_hz, psi)
        return population_rates_hz(inp, p, [P])[0] - nu_I

    return float(brentq(excess, 0.0, 1e3 / p.tau_ref_I_ms, xtol=1e-9))


def pool_transfer(nu_E_hz: np.ndarray, p: AttentionCircuitParams, w_plus: float, nu_sens_hz: float = 0.0):
    """(phi_E (P,), nu_I): the pools' rates given pool rates nu_E_hz (P,), with the interneurons
    at their self-consistent rate (`inhibitory_rate_hz`)."""
    nu_E = np.maximum(np.asarray(nu_E_hz, dtype=float), 0.0)
    P = nu_E.size
    psi = nmda_gating_mean(nu_E, p.tau_NMDA_rise_ms, p.tau_NMDA_decay_ms, p.alpha_NMDA_per_ms)
    nu_I = inhibitory_rate_hz(nu_E, p, w_plus, nu_sens_hz, psi)
    inp = population_input(nu_E, nu_I, p, w_plus, nu_sens_hz, psi)
    return population_rates_hz(inp, p, range(P)), nu_I


def _jacobian(nu_E: np.ndarray, p, w_plus, nu_sens_hz, h: float = 1e-4) -> np.ndarray:
    """d phi_E,k / d nu_E,l (P, P) of `pool_transfer` by central differences (step h Hz, relative
    above 1 Hz)."""
    n = nu_E.size
    J = np.empty((n, n))
    for j in range(n):
        d = h * max(1.0, nu_E[j])
        up, dn = nu_E.copy(), nu_E.copy()
        up[j] += d
        dn[j] = max(dn[j] - d, 0.0)
        J[:, j] = (pool_transfer(up, p, w_plus, nu_sens_hz)[0] - pool_transfer(dn, p, w_plus, nu_sens_hz)[0]) \
            / (up[j] - dn[j])
    return J


def _fixed_point(start: np.ndarray, p, w_plus, nu_sens_hz, n_relax: int, step: float):
    """Relax tau dnu_E/dt = -nu_E + phi_E(nu_E) from `start` (P,) (Euler, `step` in units of tau,
    n_relax steps), then polish with scipy.optimize.root (hybr, tol ROOT_TOL); returns
    (nu_E, nu_I, stable) or None when root fails or the path leaves the linearization's range. Stable: every eigenvalue of d phi_E / d nu_E
    has real part < 1."""
    nu = np.asarray(start, dtype=float).copy()
    try:
        for _ in range(n_relax):
            nu = np.maximum(nu + step * (pool_transfer(nu, p, w_plus, nu_sens_hz)[0] - nu), 0.0)
        sol = root(lambda x: pool_transfer(x, p, w_plus, nu_sens_hz)[0] - x, nu, method="hybr", tol=ROOT_TOL)
    except LinearizationError:
        return None
    if not sol.success or np.any(sol.x < -1e-9) or np.max(np.abs(sol.fun)) > 1e-6:
        return None
    x = np.maximum(sol.x, 0.0)
    stable = bool(np.max(np.linalg.eigvals(_jacobian(x, p, w_plus, nu_sens_hz)).real) < 1.0)
    return x, pool_transfer(x, p, w_plus, nu_sens_hz)[1], stable


@dataclass(frozen=True)
class SteadyStates:
    """w_plus; spontaneous: (P + 1,) rates (Hz) of the symmetric low state, pools then
    interneurons; spontaneous_stable; memory: (P + 1,) rates of the stable state with pool
    `cued` elevated, or None."""
    w_plus: float
    spontaneous: np.ndarray
    spontaneous_stable: bool
    memory: np.ndarray | None


def steady_states(params: AttentionCircuitParams | None = None, n_pools: int = 8, w_plus: float | None = None,
                  nu_sens_hz: float = 0.0, cued: int = 0, high_start_hz: float = 60.0,
                  elevated_hz: float = 5.0, n_relax: int = 30, step: float = 0.3) -> SteadyStates:
    """Spontaneous and memory states of the WM ring at footprint peak w_plus (params.w_plus if None).

    Spontaneous: relaxation from all pools at 0 Hz, polished by root. Memory: relaxation from the
    spontaneous state with pool `cued` at high_start_hz, polished; kept if it is stable and the
    cued pool exceeds the spontaneous pool rate by more than elevated_hz (a start that fell back
    to the spontaneous state is no memory)."""
    p = params or AttentionCircuitParams()
    w = p.w_plus if w_plus is None else float(w_plus)
    fp = _fixed_point(np.zeros(n_pools), p, w, nu_sens_hz, n_relax, step)
    if fp is None:
        raise RuntimeError(f"no spontaneous state found at w+ = {w}")
    spont = np.r_[fp[0], fp[1]]
    start = fp[0].copy()
    start[cued] = high_start_hz
    mem = _fixed_point(start, p, w, nu_sens_hz, n_relax, step)
    memory = None
    if mem is not None and mem[2] and mem[0][cued] - spont[cued] > elevated_hz:
        memory = np.r_[mem[0], mem[1]]
    return SteadyStates(w_plus=w, spontaneous=spont, spontaneous_stable=fp[2], memory=memory)


def critical_w_plus(params: AttentionCircuitParams | None = None, n_pools: int = 8, w_lo: float = 1.0,
                    w_hi: float = 2.5, tol: float = 1e-3, **kwargs) -> float:
    """Smallest w+ at which a stable memory state exists: bisection on [w_lo, w_hi] (no memory
    state at w_lo and one at w_hi, else ValueError) until the bracket is narrower than `tol`;
    returns its midpoint. Each existence test is `steady_states` (root tolerance ROOT_TOL on the
    rates; kwargs go to it). Existence is assumed monotonic in w+ (checked in the tests)."""
    p = params or AttentionCircuitParams()
    exists = lambda w: steady_states(p, n_pools, w, **kwargs).memory is not None     # noqa: E731
    if exists(w_lo) or not exists(w_hi):
        raise ValueError(f"memory state must be absent at w+ {w_lo} and present at {w_hi}")
    lo, hi = float(w_lo), float(w_hi)
    while hi - lo > tol:
        mid = 0.5 * (lo + hi)
        lo, hi = (lo, mid) if exists(mid) else (mid, hi)
    return 0.5 * (lo + hi)

"""Where the spiking WM ring's mean field holds and where it does not: one cell against the theory.

The mean field (models/attention_circuit_spiking_meanfield.py, Brunel & Wang 2001) makes two
approximations that a single cell can test without the network:
(1) the rate of a cell given its MEAN recurrent conductances is the Siegert formula with the
    first-order Fourcaud-Brunel correction for the 2 ms AMPA filter, with the Mg block linearized;
(2) the recurrent inputs enter only through their means (no recurrent fluctuations).
This script simulates N independent conductance-based LIF cells of the spiking model's equations
(models/attention_circuit.py CELL_EQS: external Poisson AMPA at nu_ext, exact Mg block, Euler at
0.02 ms) whose recurrent conductances are held at the values the mean field assigns to a state,
and prints their rate beside the mean field's. Agreement tests (1) at that state. Given the rates
a spiking run measured (--rates, --inh-rate), it gives the rate one cell would fire at with the
mean conductances of those rates: a cell far below the network's own rate shows the network's
cells get input that (2) leaves out.

    python bench/meanfield_single_cell.py --w-plus 1.49
    python bench/meanfield_single_cell.py --w-plus 1.49 --cue-pool 4 \
        --rates 0.1,0,0.2,68,73.8,56.9,0.1,0.2 --inh-rate 18.5

Not a timed benchmark: a cross-check, printed as a table (README, issue 21).
"""
from __future__ import annotations

import argparse

import numpy as np

from attnsim.models.attention_circuit import N_E_PAPER, N_I_PAPER
from attnsim.models.attention_circuit_params import AttentionCircuitParams
from attnsim.models.attention_circuit_spiking_meanfield import _footprints, nmda_gating_mean, steady_states
from attnsim.models.attention_circuit_wm_meanfield import AttentionCircuitWMMeanField, AttentionCircuitWMMeanFieldParams
from attnsim.models.feature_channels import von_mises_profile

P_POOLS = 8


def mean_conductances(p, nu_E, nu_I, w_plus):
    """(G_AMPA, G_NMDA, G_GABA) in nS, each (P + 1,), at pool rates nu_E (P,) and interneuron rate
    nu_I: the mean field's recurrent conductances (gatings at their Poisson means)."""
    P = nu_E.size
    W, _ = _footprints(P, float(w_plus), p.sigma_EE_wm_deg, p.sigma_bu_deg)
    psi = nmda_gating_mean(nu_E, p.tau_NMDA_rise_ms, p.tau_NMDA_decay_ms, p.alpha_NMDA_per_ms)
    is_E = np.r_[np.ones(P, bool), False]
    per = lambda e, i: np.where(is_E, e, i)                       # noqa: E731
    G_A = per(p.g_AMPA_EE_wm_nS, p.g_AMPA_EI_wm_nS) * N_E_PAPER * (W @ nu_E) / P * p.tau_AMPA_ms * 1e-3
    G_N = per(p.g_NMDA_EE_wm_nS, p.g_NMDA_EI_wm_nS) * N_E_PAPER * (W @ psi) / P
    G_G = per(p.g_GABA_IE_wm_nS, p.g_GABA_II_wm_nS) * N_I_PAPER * nu_I * p.tau_GABA_ms * 1e-3
    return G_A, G_N, G_G


def cell_rate_hz(p, G_A, G_N, G_G, is_E, I_extra_nA=0.0, n_cells=1000, T_ms=1000.0, burn_ms=200.0,
                 dt_ms=0.02, seed=0):
    """Mean rate (Hz) of n_cells independent LIF cells of the spiking model at fixed recurrent
    conductances (nS) and an extra current (nA), driven by their own Poisson background."""
    rng = np.random.default_rng(seed)
    C = p.C_m_E_nF if is_E else p.C_m_I_nF
    g_L = p.g_L_E_nS if is_E else p.g_L_I_nS
    g_ext = p.g_ext_E_wm_nS if is_E else p.g_ext_I_wm_nS
    t_ref = p.tau_ref_E_ms if is_E else p.tau_ref_I_ms
    V = p.V_reset_mV + rng.uniform(0.0, 10.0, n_cells)
    s = np.full(n_cells, p.nu_ext_hz * p.tau_AMPA_ms * 1e-3)
    ref = np.zeros(n_cells)
    decay, lam = np.exp(-dt_ms / p.tau_AMPA_ms), p.nu_ext_hz * dt_ms * 1e-3
    I_pA = (p.I_gate_nA + I_extra_nA) * 1e3
    n_steps, n_burn, spikes = int(T_ms / dt_ms), int(burn_ms / dt_ms), 0
    for t in range(n_steps):
        s = s * decay + rng.poisson(lam, n_cells)
        block = 1.0 / (1.0 + p.Mg_mM / 3.57 * np.exp(-0.062 * V))
        I_syn = (g_L * (V - p.V_L_mV) + (g_ext * s + G_A + G_N * block) * (V - p.V_E_mV) + G_G * (V - p.V_I_mV))
        V = np.where(ref <= 0.0, V + (I_pA - I_syn) / C * 1e-3 * dt_ms, V)     # pA / nF = 1e-3 mV/ms
        ref -= dt_ms
        fired = V >= p.V_th_mV
        V[fired], ref[fired] = p.V_reset_mV, t_ref
        spikes += int(fired.sum()) if t >= n_burn else 0
    return spikes / (n_cells * (n_steps - n_burn) * dt_ms * 1e-3)


def compare(p, label, nu_E, nu_I, w_plus, cue=None, pools=None):
    cue = np.zeros(nu_E.size) if cue is None else cue
    G_A, G_N, G_G = mean_conductances(p, nu_E, nu_I, w_plus)
    rates = np.r_[nu_E, nu_I]
    for i in (range(nu_E.size + 1) if pools is None else pools):
        is_E = i < nu_E.size
        sim = cell_rate_hz(p, G_A[i], G_N[i], G_G[i], is_E, p.I_cue_nA * cue[i] if is_E else 0.0)
        name = f"pool {i}" if is_E else "interneurons"
        print(f"{label:<28} {name:<13} {rates[i]:8.2f} {sim:9.2f}   G_AMPA {G_A[i]:6.1f}  G_NMDA {G_N[i]:6.1f}  "
              f"G_GABA {G_G[i]:6.1f} nS")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--w-plus", type=float, default=1.49)
    ap.add_argument("--cue-pool", type=int, default=4, help="pool at the cue's centre (von Mises kappa 2)")
    ap.add_argument("--rates", help="spiking pool rates, comma separated (Hz), during the cue")
    ap.add_argument("--inh-rate", type=float, help="spiking interneuron rate (Hz), during the cue")
    a = ap.parse_args()
    p = AttentionCircuitParams(w_plus=a.w_plus)
    P = P_POOLS
    cue = von_mises_profile(a.cue_pool * 360.0 / P, P, 2.0)
    print(f"w+ = {a.w_plus}: rate of the state (Hz) | one cell simulated at that state's mean conductances (Hz)")
    states = steady_states(p, P, a.w_plus)
    compare(p, "spontaneous (mean field)", states.spontaneous[:P], states.spontaneous[P], a.w_plus, pools=[0, P])
    if states.memory is not None:
        compare(p, "memory (mean field)", states.memory[:P], states.memory[P], a.w_plus, pools=[0, 1, P])
    # the rate version's state 250 ms into a 300 ms cue (the cue-driven state of the mean field)
    channels = tuple(f"stim_f{k}" for k in range(P)) + tuple(f"cue_f{k}" for k in range(P))
    x = np.zeros((1, 300, 2 * P))
    x[0, :, P:] = cue
    model = AttentionCircuitWMMeanField(AttentionCircuitWMMeanFieldParams(w_plus=a.w_plus, rate_window_ms=1.0))
    driven = model.run(x, 1.0, channels, seed=0).rates[0, -1]
    compare(p, "cue-driven (mean field)", driven[:P], driven[P], a.w_plus, cue, pools=[a.cue_pool, P])
    if a.rates:
        nu_E = np.array([float(v) for v in a.rates.split(",")])
        compare(p, "cue-driven (spiking, given)", nu_E, a.inh_rate, a.w_plus, cue, pools=[a.cue_pool, P])


if __name__ == "__main__":
    main()

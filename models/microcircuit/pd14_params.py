"""Potjans & Diesmann (2014) microcircuit: the paper's tables as data, plus the
closed-form quantities derived from them (synapse counts, in-degrees, PSC
amplitudes, downscaling compensation).

Numbers follow the PD14 reference implementation (INM-6 microcircuit-PD14-model,
network_params.py / helpers.py), as collected in
shared/reference/potjans_diesmann_2014.json. Nothing here imports Brian2.
Arrays are indexed (target, source) in the order of POPULATIONS.
"""
from __future__ import annotations

import numpy as np

POPULATIONS = ("L23E", "L23I", "L4E", "L4I", "L5E", "L5I", "L6E", "L6I")
LAYERS = ("L23", "L4", "L5", "L6")
IS_EXCITATORY = np.array([p.endswith("E") for p in POPULATIONS])

N_FULL = np.array([20683, 5834, 21915, 5479, 4850, 1065, 14395, 2948])

# rows = target, columns = source
CONN_PROB = np.array([
    [0.1009, 0.1689, 0.0437, 0.0818, 0.0323, 0.0,    0.0076, 0.0],
    [0.1346, 0.1371, 0.0316, 0.0515, 0.0755, 0.0,    0.0042, 0.0],
    [0.0077, 0.0059, 0.0497, 0.135,  0.0067, 0.0003, 0.0453, 0.0],
    [0.0691, 0.0029, 0.0794, 0.1597, 0.0033, 0.0,    0.1057, 0.0],
    [0.1004, 0.0622, 0.0505, 0.0057, 0.0831, 0.3726, 0.0204, 0.0],
    [0.0548, 0.0269, 0.0257, 0.0022, 0.06,   0.3158, 0.0086, 0.0],
    [0.0156, 0.0066, 0.0211, 0.0166, 0.0572, 0.0197, 0.0396, 0.2252],
    [0.0364, 0.001,  0.0034, 0.0005, 0.0277, 0.008,  0.0658, 0.1443],
])

K_EXT = np.array([1600, 1500, 2100, 1900, 2000, 1900, 2900, 2100])
BG_RATE_HZ = 8.0

# iaf_psc_exp
NEURON = dict(C_m_pF=250.0, tau_m_ms=10.0, tau_syn_ms=0.5, E_L_mV=-65.0, V_th_mV=-50.0,
              V_reset_mV=-65.0, t_ref_ms=2.0)
# NEST PD14 "optimized" initial membrane potentials (shorter onset burst)
V0_MEAN_MV = np.array([-68.28, -63.16, -63.33, -63.45, -63.11, -61.66, -66.72, -61.43])
V0_SD_MV = np.array([5.36, 4.57, 4.74, 4.94, 4.94, 4.55, 5.46, 4.48])

PSP_EXC_MV = 0.15
WEIGHT_REL_SD = 0.1
G = -4.0
L4E_TO_L23E_FACTOR = 2.0
DELAY_EXC_MS = 1.5
DELAY_INH_MS = 0.75
DELAY_REL_SD = 0.5

# thalamus (optional input; PD14 conn_probs_th to each population)
N_THALAMUS = 902
THALAMUS_RATE_HZ = 120.0
CONN_PROB_TH = np.array([0.0, 0.0, 0.0983, 0.0619, 0.0, 0.0, 0.0512, 0.0196])

# full-scale rates used for the downscaling DC compensation (one NEST full-scale run)
FULL_MEAN_RATES_HZ = np.array([0.903, 2.965, 4.414, 5.876, 7.569, 8.633, 1.105, 7.829])
# NEST 0.1-scale reference (N_scaling = K_scaling = 0.1), the validation target here
REF_RATES_01_HZ = np.array([0.40, 2.02, 3.88, 4.96, 6.58, 7.73, 0.83, 6.99])


def psc_over_psp(C_m_pF=250.0, tau_m_ms=10.0, tau_syn_ms=0.5) -> float:
    """PSC amplitude (pA) per 1 mV peak PSP of iaf_psc_exp (peak of the difference of exponentials)."""
    sub = 1.0 / (tau_syn_ms - tau_m_ms)
    pre = tau_m_ms * tau_syn_ms / C_m_pF * sub
    frac = (tau_m_ms / tau_syn_ms) ** sub
    return 1.0 / (pre * (frac ** tau_m_ms - frac ** tau_syn_ms))


PSC_EXC_PA = PSP_EXC_MV * psc_over_psp()          # 87.81 pA


def mean_psc_matrix() -> np.ndarray:
    """(8, 8) mean PSC amplitude (pA): exc 87.81, inh g * 87.81, L4E->L23E doubled."""
    w = np.where(IS_EXCITATORY[None, :], PSC_EXC_PA, G * PSC_EXC_PA) * np.ones((8, 1))
    w[POPULATIONS.index("L23E"), POPULATIONS.index("L4E")] *= L4E_TO_L23E_FACTOR
    return w


def mean_delay_matrix() -> np.ndarray:
    """(8, 8) mean delay (ms): by source type."""
    return np.where(IS_EXCITATORY[None, :], DELAY_EXC_MS, DELAY_INH_MS) * np.ones((8, 1))


def synapse_count(C, n_pre, n_post):
    """Exact PD14 rule: K = ln(1-C) / ln(1 - 1/(N_pre N_post)), the number of draws with
    replacement that hits a given pair with probability C (multapses allowed)."""
    C = np.asarray(C, float)
    return np.log1p(-C) / np.log1p(-1.0 / (np.asarray(n_pre, float) * np.asarray(n_post, float)))


def full_synapse_counts() -> np.ndarray:
    """(8, 8) full-scale synapse counts (not rounded)."""
    return synapse_count(CONN_PROB, N_FULL[None, :], N_FULL[:, None])


def scaled_sizes(N_scaling: float) -> np.ndarray:
    return np.round(N_FULL * N_scaling).astype(int)


def scaled_synapse_counts(N_scaling: float, K_scaling: float) -> np.ndarray:
    """(8, 8) synapse counts of the downscaled network: full counts x N_scaling x K_scaling
    (keeps the in-degree at K_scaling x full), as in the PD14 reference."""
    return np.round(full_synapse_counts() * N_scaling * K_scaling).astype(np.int64)


def full_indegrees() -> np.ndarray:
    """(8, 8) mean full-scale in-degree per target neuron."""
    return full_synapse_counts() / N_FULL[:, None]


def dc_compensation_pA(K_scaling: float, poisson_background: bool = True,
                       tau_syn_ms: float = NEURON["tau_syn_ms"]) -> np.ndarray:
    """(8,) DC (pA) that restores the full-scale mean input after dividing weights by
    sqrt(K_scaling): 1e-3 tau_syn (1 - sqrt(K)) sum(PSC x K_full x rate_full), plus the same
    for the Poisson background when it is Poisson (helpers.adjust_weights_and_input_to_synapse_scaling)."""
    f = 1e-3 * tau_syn_ms * (1.0 - np.sqrt(K_scaling))
    dc = f * (mean_psc_matrix() * full_indegrees() * FULL_MEAN_RATES_HZ[None, :]).sum(axis=1)
    if poisson_background:
        dc = dc + f * PSC_EXC_PA * K_EXT * BG_RATE_HZ
    return dc


def dc_background_pA(tau_syn_ms: float = NEURON["tau_syn_ms"]) -> np.ndarray:
    """(8,) DC (pA) with the mean of the full-scale Poisson background (the 'dc' background option)."""
    return 1e-3 * tau_syn_ms * PSC_EXC_PA * K_EXT * BG_RATE_HZ

"""Optional layer-1 inhibitory population (L1I) for a PD14 column: an extension BEYOND PD14.

Potjans & Diesmann (2014) model L2/3-L6 only. Layer 1 holds a few GABAergic interneurons
(mostly neurogliaform cells, NGFCs, and single-bouquet / elongated NGF cells) that sit among the
apical tufts of the pyramidal cells and are a main target of top-down cortico-cortical input.
L1I is one population of the column's iaf_psc_exp neurons (same equations, so the column's
input mechanics and downscaling rules apply unchanged), with:
  L1I -> L2/3E  inhibitory (NGFCs inhibit L2/3 pyramidal cells: Wozny & Williams 2011)
  L1I -> L2/3I  inhibitory (L1 interneurons inhibit L2/3 interneurons: Jiang et al. 2013)
  L2/3E -> L1I  excitatory, OFF by default (NGFCs receive no L2/3 pyramidal input, 0 of 68
                pairs in Wozny & Williams 2011; the other L1 classes do, see `p_from_l23e`)
Weights and delays follow PD14's rules by source type (inhibitory: g x 87.81 pA, 0.75 ms;
excitatory: 87.81 pA, 1.5 ms; sd 10 % / 50 %, normal truncated as in network.py) and the same downscaling (in-degree x K_scaling,
weight / sqrt(K_scaling)).

Every number below is NOT in PD14; each is an assumption with its source in the comment.

Operating point. PD14's spontaneous state was fitted without L1, and its external input K_ext
lumps all inputs the model does not contain, L1 included. So each added pathway comes with a
DC that cancels its mean input at the spontaneous rates (L1I at L1_SPONT_RATE_HZ, L2/3E at
PD14's full-scale rate): PD14's spontaneous rates stay as validated and L1 acts through its
fluctuations and through changes of its rate (top-down drive), which is what is studied here.
As that DC cancels the whole mean of the scaled pathway, no separate downscaling DC is needed. L1I has no recurrent input, so it always gets Poisson background (with a
'dc' background it would have no fluctuations and sit silent below threshold).
Nothing here imports Brian2 at module level.
"""
from __future__ import annotations

import numpy as np
from scipy.integrate import quad
from scipy.special import erfcx, zeta

from attnsim.models.microcircuit import pd14_params as P
from attnsim.models.microcircuit import truncnorm as T

NAME = "L1I"

# --- population size -----------------------------------------------------------------------
# Meyer et al. 2010 (Cereb Cortex 20:2277, rat vibrissal cortex, NeuN counts): 63 +- 10 of
# 19,109 neurons of a column lie in L1 (0.33 %). Applied to PD14's 77,169 neurons under 1 mm^2.
# Rat S1 has a thin L1; other areas/species may have a few times more (assumption: low end).
L1_FRACTION = 63.0 / 19109.0
N_FULL_L1I = int(round(L1_FRACTION * P.N_FULL.sum()))          # 254

# --- connection probabilities (averaged over PD14's 1 mm^2, as PD14's own) ------------------
# Paired recordings give local probabilities; PD14's are averages over 1 mm^2. Jiang et al. 2013
# (Nat Neurosci 16:210, rat; Fig. 4d) measured L1 eNGC -> L2/3 interneurons in the same barrel
# column (22.1 %, 126/570) and in the neighbouring column (9.1 %, 11/121). Assumption: a barrel
# column covers ~0.13 mm^2 of the 1 mm^2 (Meyer et al. 2010: ~19,000 neurons per column over
# ~1.9 mm depth), the rest sees the neighbouring-column probability.
BARREL_AREA_FRACTION = 0.13
P_L1_TO_L23I_SAME, P_L1_TO_L23I_NEIGHBOUR = 0.221, 0.091
CONN_PROB_L1I_TO_L23I = (BARREL_AREA_FRACTION * P_L1_TO_L23I_SAME
                         + (1 - BARREL_AREA_FRACTION) * P_L1_TO_L23I_NEIGHBOUR)      # 0.108
AREA_FACTOR = CONN_PROB_L1I_TO_L23I / P_L1_TO_L23I_SAME                              # 0.49
# Wozny & Williams 2011 (Cereb Cortex 21:1818, rat S1): NGFC -> L2/3 pyramidal 12 of 27 pairs
# (local); scaled to 1 mm^2 with the same area factor (assumption: same spatial fall-off).
P_L1_TO_L23E_LOCAL = 12.0 / 27.0
CONN_PROB_L1I_TO_L23E = P_L1_TO_L23E_LOCAL * AREA_FACTOR                              # 0.218

# --- spontaneous rate and background ----------------------------------------------------------
# Assumption: L1I fires spontaneously at the rate of PD14's other superficial inhibitory
# population (L2/3I, full scale 2.965 Hz). The background in-degree is the integer whose Siegert
# rate (diffusion approximation with the synaptic-filtering correction, Fourcaud & Brunel 2002)
# is closest to that rate for Poisson inputs at PD14's 8 Hz and 87.81 pA (tests check the closed
# form). The Siegert formula takes the diffusion sigma (Brunel 2000, eq. 21: sigma^2 = J^2 C nu
# tau), which is sqrt(2) x the free membrane sd (diffusion_sigma_mV).
L1_SPONT_RATE_HZ = float(P.FULL_MEAN_RATES_HZ[P.POPULATIONS.index("L23I")])
K_EXT_L1I = 900


def free_membrane_stats(K: float, rate_hz: float, psc_pA: float = P.PSC_EXC_PA,
                        extra_mean_mV: float = 0.0) -> tuple[float, float]:
    """Mean (above E_L) and sd (mV) of the free membrane potential for K Poisson inputs at
    rate_hz, exponential PSCs (shot noise, Campbell's theorem: mu = K r q tau_m,
    sd^2 = K r q^2 tau_m / 2 with q = PSC tau_syn / C_m the voltage kick; tau_syn << tau_m).
    This sd is NOT the sigma of the Siegert formula: see diffusion_sigma_mV."""
    n = P.NEURON
    q = psc_pA * n["tau_syn_ms"] / n["C_m_pF"]                 # mV per input spike
    r = K * rate_hz * 1e-3                                      # input spikes per ms
    return r * q * n["tau_m_ms"] + extra_mean_mV, float(np.sqrt(r * q * q * n["tau_m_ms"] / 2))


def diffusion_sigma_mV(membrane_sd_mV: float) -> float:
    """Noise amplitude sigma of the diffusion approximation, tau dV/dt = -V + mu + sigma sqrt(tau)
    xi(t) (Brunel 2000, eqs. 2-4 and 21: sigma^2 = J^2 C nu tau). Its stationary free membrane
    sd is sigma / sqrt(2), so sigma = sqrt(2) x the free membrane sd."""
    return float(np.sqrt(2.0) * membrane_sd_mV)


def siegert_inputs(K: float, rate_hz: float, psc_pA: float = P.PSC_EXC_PA,
                   extra_mean_mV: float = 0.0) -> tuple[float, float]:
    """(mu, sigma) in mV for siegert_rate_hz: the free membrane mean and the diffusion sigma."""
    mu, sd = free_membrane_stats(K, rate_hz, psc_pA, extra_mean_mV)
    return mu, diffusion_sigma_mV(sd)


def siegert_rate_hz(mu_mV: float, sigma_mV: float) -> float:
    """Stationary LIF rate (Hz) for white-noise input of mean mu and diffusion sigma (Brunel 2000
    eq. 21; sigma = sqrt(2) x membrane sd, use siegert_inputs), thresholds shifted by
    sqrt(2)|zeta(1/2)|/2 sigma sqrt(tau_syn/tau_m) for exponential synapses (Fourcaud & Brunel 2002)."""
    n = P.NEURON
    theta, reset = n["V_th_mV"] - n["E_L_mV"], n["V_reset_mV"] - n["E_L_mV"]
    shift = np.sqrt(2) * abs(zeta(0.5)) / 2 * np.sqrt(n["tau_syn_ms"] / n["tau_m_ms"])
    y_th, y_r = (theta - mu_mV) / sigma_mV + shift, (reset - mu_mV) / sigma_mV + shift
    # integral of e^{u^2} (1 + erf u) = erfcx(-u), stable for large |u|
    integral = quad(lambda u: erfcx(-u), y_r, y_th)[0]
    return 1e3 / (n["t_ref_ms"] + n["tau_m_ms"] * np.sqrt(np.pi) * integral)


def full_indegree(conn_prob: float, n_pre_full: int, n_post_full: int) -> float:
    """Full-scale in-degree per target with PD14's rule (multapses; pd14_params.synapse_count)."""
    return float(P.synapse_count(conn_prob, n_pre_full, n_post_full) / n_post_full)


def pathways(p_from_l23e: float = 0.0) -> list[tuple[str, str, float, float, float]]:
    """(target, source, connection probability, mean PSC pA full scale, mean delay ms)."""
    w_inh, w_exc = P.G * P.PSC_EXC_PA, P.PSC_EXC_PA
    out = [("L23E", NAME, CONN_PROB_L1I_TO_L23E, w_inh, P.DELAY_INH_MS),
           ("L23I", NAME, CONN_PROB_L1I_TO_L23I, w_inh, P.DELAY_INH_MS)]
    if p_from_l23e > 0:
        out.append((NAME, "L23E", float(p_from_l23e), w_exc, P.DELAY_EXC_MS))
    return out


def n_full(pop: str) -> int:
    return N_FULL_L1I if pop == NAME else int(P.N_FULL[P.POPULATIONS.index(pop)])


def full_rate_hz(pop: str) -> float:
    return L1_SPONT_RATE_HZ if pop == NAME else float(P.FULL_MEAN_RATES_HZ[P.POPULATIONS.index(pop)])


def scaled_size(N_scaling: float) -> int:
    return max(1, int(round(N_FULL_L1I * N_scaling)))


def scaled_synapse_count(conn_prob: float, src: str, tgt: str, N_scaling: float, K_scaling: float) -> int:
    """Synapses of a pathway in the scaled network: full count x N_scaling x K_scaling (PD14)."""
    return int(round(P.synapse_count(conn_prob, n_full(src), n_full(tgt)) * N_scaling * K_scaling))


def build_layer1(prefix: str, pops: dict, N_scaling: float, K_scaling: float, dt_ms: float,
                 p_from_l23e: float = 0.0, extra_eqs: str = "", namespace: dict | None = None):
    """Create column `prefix`'s L1I group and its pathways. `pops` are the column's population
    Subgroups (network.build_column().pops). Returns a dict with 'neurons', 'synapses'
    ((target, source) -> Synapses), 'spikes' (SpikeMonitor) and 'objects' (for brian2.Network).
    The DC that cancels each pathway's mean (module doc) is added to the targets' I_dc."""
    from brian2 import Hz, NeuronGroup, PoissonInput, SpikeMonitor, Synapses, mV, ms, pA, pF
    from attnsim.models.microcircuit.network import NEURON_EQS

    nrn = P.NEURON
    ns = dict(E_L=nrn["E_L_mV"] * mV, tau_m=nrn["tau_m_ms"] * ms, tau_syn=nrn["tau_syn_ms"] * ms,
              C_m=nrn["C_m_pF"] * pF, V_th=nrn["V_th_mV"] * mV, V_reset=nrn["V_reset_mV"] * mV)
    ns.update(namespace or {})
    n = scaled_size(N_scaling)
    G = NeuronGroup(n, NEURON_EQS + extra_eqs, threshold="v > V_th", reset="v = V_reset",
                    refractory=nrn["t_ref_ms"] * ms, method="exact", namespace=ns,
                    name=f"{prefix}{NAME}_neurons")
    k23i = P.POPULATIONS.index("L23I")       # initial state as PD14's superficial interneurons
    G.v = f"({float(P.V0_MEAN_MV[k23i])!r} + {float(P.V0_SD_MV[k23i])!r} * randn()) * mV"
    w_scale = float(1.0 / np.sqrt(K_scaling))      # python floats: their repr goes into code strings
    tau_s = 1e-3 * nrn["tau_syn_ms"]
    # background: the full-scale mean exactly (the DC absorbs the rounding of the in-degree)
    k_ext = max(1, int(round(K_EXT_L1I * K_scaling)))
    bg = PoissonInput(G, "I_syn", k_ext, P.BG_RATE_HZ * Hz, weight=P.PSC_EXC_PA * w_scale * pA)
    dc_l1 = tau_s * P.PSC_EXC_PA * P.BG_RATE_HZ * (K_EXT_L1I - k_ext * w_scale)
    objects = [G, bg]
    group = dict(pops, **{NAME: G})
    synapses, dc_add = {}, {}
    for tgt, src, conn, w_mean, d_mean in pathways(p_from_l23e):
        pre, post = group[src], group[tgt]
        K = scaled_synapse_count(conn, src, tgt, N_scaling, K_scaling)
        S = Synapses(pre, post, "w : amp (constant)\ngain : 1 (shared, constant)",
                     on_pre="I_syn_post += gain * w", name=f"{prefix}syn_{src}_to_{tgt}",
                     namespace=T.namespace())
        S.connect(j=f"int(rand() * N_post) for _ in range(poisson({float(K / len(pre))!r}))")
        S.gain = 1.0
        w, d_mean = float(w_mean * w_scale), float(d_mean)
        S.w = T.weight_expr(w, P.WEIGHT_REL_SD)
        S.delay = T.delay_expr(d_mean, P.DELAY_REL_SD, dt_ms)
        synapses[(tgt, src)] = S
        objects.append(S)
        # cancel this pathway's mean at the spontaneous rates (scaled network: K_scaled/N_post x w)
        k_in = K / len(post)
        dc_add[tgt] = dc_add.get(tgt, 0.0) - tau_s * w * k_in * full_rate_hz(src)
    dc_add[NAME] = dc_add.get(NAME, 0.0) + dc_l1
    G.I_dc = f"{float(dc_add.pop(NAME))!r} * pA"
    for tgt, extra in dc_add.items():
        group[tgt].I_dc = f"I_dc + {float(extra)!r} * pA"
    spikes = SpikeMonitor(G, name=f"{prefix}{NAME}_spikes")
    objects.append(spikes)
    return dict(neurons=G, synapses=synapses, spikes=spikes, objects=objects, size=n)

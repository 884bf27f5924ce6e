"""Parameters of the rate attention circuit (family `attention_circuit_rate`).

Kept apart from the equations (models/attention_circuit_rate.py, models/attention_circuit_meanfield.py)
as NEST's microcircuit example keeps its tables apart: the working-memory (WM) pools take the
Wong & Wang 2006 reduced-model constants (a, b, d, gamma, tau_S, I_0, tau_AMPA, sigma_noise); the
sensory ring, its power-law input-output function and the top-down weights are this model's own
choices, in the spirit of Ardid, Wang & Compte 2007 (their values are for a spiking network and do
not carry over to rates). The two top-down weights are a calibration: they were set so that
attention changes a sensory pool's rate by tens of per cent, not by multiples (docs/reference.md
row 9: about +5 to +30 %), so the magnitude of the attention effects is not a validation of this
model; their signs and shapes (rows 15, 16) and the persistence threshold (row 13) are.
"""
from __future__ import annotations

from dataclasses import dataclass

from attnsim.models.params import check_params, param


@dataclass(frozen=True)
class AttentionCircuitRateParams:
    # -- working-memory ring: Wong & Wang 2006 reduced pools, one per direction ----------------
    w_plus: float = param(2.7, "w+: selectivity of the WM recurrence, 1 = unselective; the coupling is "
                          "J_N (1/P + (w+ - 1)(g_hat - 1/P)), so with 2 pools w+ is the within-pool weight "
                          "relative to the mean (Brunel & Wang 2001). The ring holds a cued pool above "
                          "critical_w_plus (models/attention_circuit_meanfield.py: 2.419 for 8 pools, "
                          "2.392 for 2)", ge=0)
    J_N_nA: float = param(0.2112, "J_N: NMDA coupling of the WM ring at its mean (nA); with 2 pools, "
                          "w+ = 2.4706 gives Wong & Wang 2006's J_11 = 0.2609, J_12 = 0.0497 nA", ge=0)
    sigma_wm_deg: float = param(20.0, "width of the Gaussian footprint of WM recurrence over the ring (deg)", gt=0)
    J_inh_nA: float = param(0.0, "extra shared inhibition of the WM ring per unit of its mean gating (nA), on top of "
                            "the -(w+ - 1) J_N mean that keeps the ring's mean coupling at J_N", ge=0)
    I_0_nA: float = param(0.3255, "I_0: background current to every WM pool (nA; Wong & Wang 2006)")
    J_cue_nA: float = param(0.1, "cue current to a WM pool per unit of its cue channel (nA)", ge=0)
    tau_NMDA_ms: float = param(100.0, "tau_S: NMDA gating decay time (ms)", gt=0)
    gamma: float = param(0.641, "gamma: NMDA saturation kinetic factor", gt=0)
    a_hz_per_nA: float = param(270.0, "a: gain of the WM input-output function H (Hz/nA)", gt=0)
    b_hz: float = param(108.0, "b: offset of H (Hz)")
    d_s: float = param(0.154, "d: curvature of H (s)", gt=0)
    tau_AMPA_ms: float = param(2.0, "tau_AMPA: time constant of the OU noise currents (ms)", gt=0)
    sigma_noise_nA: float = param(0.02, "sigma_noise: OU noise amplitude of each WM pool (nA)", ge=0)
    # -- sensory ring: E pools with feedback inhibition, threshold power-law input-output --------
    tau_E_ms: float = param(20.0, "time constant of a sensory E pool's rate (ms)", gt=0)
    tau_I_ms: float = param(10.0, "time constant of the sensory inhibitory population's rate (ms)", gt=0)
    k_E_hz: float = param(30.0, "gain of the E power law phi_E(I) = k_E [I]_+^n_E (Hz per unit input^n_E)", gt=0)
    n_E: float = param(2.0, "exponent of the E power law (Ardid et al. 2007: a power law, not a sigmoid)", ge=1)
    k_I_hz: float = param(40.0, "gain of the I input-output phi_I(I) = k_I [I]_+^n_I (Hz per unit input^n_I)", gt=0)
    n_I: float = param(1.0, "exponent of the I input-output", ge=1)
    w_EE_per_hz: float = param(0.004, "recurrent excitation among sensory E pools (input per Hz, Gaussian footprint)", ge=0)
    sigma_sens_deg: float = param(30.0, "width of the sensory E -> E footprint over the ring (deg)", gt=0)
    w_IE_per_hz: float = param(0.04, "sensory E (ring mean) -> I (input per Hz)", ge=0)
    w_EI_per_hz: float = param(0.012, "I -> sensory E feedback inhibition (input per Hz)", ge=0)
    I_bg_E: float = param(0.3, "background input to every sensory E pool", ge=0)
    I_bg_I: float = param(0.1, "background input to the inhibitory population", ge=0)
    g_stim: float = param(1.2, "stimulus input to a sensory E pool per unit of its stimulus channel", ge=0)
    g_td_E_per_hz: float = param(0.004, "top-down WM -> sensory E weight (input per Hz of WM rate); 0 cuts it", ge=0)
    g_td_I_per_hz: float = param(0.015, "top-down WM (ring mean) -> sensory I weight (input per Hz); 0 cuts it", ge=0)
    sigma_td_deg: float = param(20.0, "width of the top-down footprint (WM pool -> sensory pools, deg)", gt=0)
    sigma_sens_noise: float = param(0.05, "OU noise amplitude on each sensory E pool's input (input units)", ge=0)
    # -- inputs, readout, integration -------------------------------------------------------------
    location_kappa: float = param(2.0, "von Mises concentration mapping stim_A/B, cue_A/B onto the ring (A at 0, B at 180 deg)", gt=0)
    two_location_pools: int = param(2, "ring size P for two-location channels (feature channels set P themselves)", ge=2)
    wm_window_ms: float = param(100.0, "readout: window before stimulus onset over which the held template (the WM "
                                "pool with the highest mean rate) is read, as attention_circuit (ms)", gt=0)
    match_margin_hz: float = param(5.0, "readout: 'match' when the sensory pool at the template's direction exceeds "
                                   "the ring's mean sensory rate by this, as attention_circuit (Hz)", gt=0)
    threshold_hz: float = param(15.0, "two-location readout: threshold on the sensory pools at 0 and 180 deg (Hz)", gt=0)
    report_criterion_hz: float | None = param(None, "dual-report criterion on the sensory pools at 0 and 180 deg "
                                              "(models.readout.location_readout; None: evidence only) (Hz)", ge=0)
    dt_integration_ms: float = param(0.5, "Euler-Maruyama integration step (ms)", gt=0, le=2)
    record_dt_ms: float = param(1.0, "sampling step of the returned rates (ms)", gt=0)

    def __post_init__(self):
        check_params(self)

"""Parameters of the spiking attention circuit (Ardid, Wang & Compte 2007; Compte et al. 2000).

Names follow the papers with the unit in the name. Conductances are per synapse at the papers'
network size (N_E = 1024 pyramidal cells and N_I = 256 interneurons per area, Ardid et al. 2007,
the values of the X.-J. Wang lab's reference implementation of that paper); inside the model the
total conductance G = g * 1024 (or g * 256) is divided by the model's own N_E (N_I), so the mean
recurrent and long-range input of a cell does not depend on the network size (Wang 2002 scales the
same way). Two suffixes name the target: `_sens` the sensory (MT-like) network, `_wm` the
working-memory (PFC-like) network; `EE` is E -> E, `EI` E -> I, `IE` I -> E, `II` I -> I.
Departures from the papers and their reasons: docs/model_notes.md (attention_circuit).
"""
from __future__ import annotations

from dataclasses import dataclass

from attnsim.models.params import ParamError, check_params, param


@dataclass(frozen=True)
class AttentionCircuitParams:
    # ---------------------------------------------------------------- size and ring
    n_pools: int | None = param(None, "pools P of each ring (both networks); None: the number of feature channels "
                                "of the first run (stim_f<k>), or 2 for the two-location channels (A = 0, "
                                "B = 180 deg)", ge=2)
    n_exc_per_pool: int = param(40, "pyramidal cells per pool (Ardid 2007: 1024 per area on a continuous ring)", ge=2)
    n_inh_per_pool: int = param(10, "interneurons per pool, N_I = N_E / 4 as in Ardid 2007", ge=1)
    # ---------------------------------------------------------------- cells (Ardid 2007 / Compte 2000)
    C_m_E_nF: float = param(0.5, "membrane capacitance, pyramidal (tau_m = 20 ms)", gt=0)
    g_L_E_nS: float = param(25.0, "leak conductance, pyramidal", gt=0)
    tau_ref_E_ms: float = param(2.0, "refractory period, pyramidal", ge=0)
    C_m_I_nF: float = param(0.2, "membrane capacitance, interneuron (tau_m = 10 ms)", gt=0)
    g_L_I_nS: float = param(20.0, "leak conductance, interneuron", gt=0)
    tau_ref_I_ms: float = param(1.0, "refractory period, interneuron", ge=0)
    V_L_mV: float = param(-70.0, "leak reversal potential")
    V_th_mV: float = param(-50.0, "spike threshold")
    V_reset_mV: float = param(-60.0, "reset potential (Compte 2000)")
    V_E_mV: float = param(0.0, "excitatory reversal potential")
    V_I_mV: float = param(-70.0, "inhibitory reversal potential")
    Mg_mM: float = param(1.0, "extracellular magnesium for the NMDA block 1/(1 + [Mg]/3.57 exp(-0.062 V))", ge=0)
    # ---------------------------------------------------------------- synapses
    tau_AMPA_ms: float = param(2.0, "AMPA decay time constant", gt=0)
    tau_NMDA_rise_ms: float = param(2.0, "NMDA rise time constant (x gating)", gt=0)
    tau_NMDA_decay_ms: float = param(100.0, "NMDA decay time constant (s gating)", gt=0)
    alpha_NMDA_per_ms: float = param(0.5, "NMDA saturation rate alpha", gt=0)
    tau_GABA_ms: float = param(10.0, "GABA_A decay time constant (Compte 2000)", gt=0)
    nu_ext_hz: float = param(1800.0, "background Poisson rate per cell on external AMPA (Ardid 2007: 1.8 kHz)", ge=0)
    # ---------------------------------------------------------------- sensory (MT) network
    g_ext_E_sens_nS: float = param(15.0, "external AMPA conductance onto sensory pyramidal cells", ge=0)
    g_ext_I_sens_nS: float = param(4.5, "external AMPA conductance onto sensory interneurons", ge=0)
    g_AMPA_EE_sens_nS: float = param(0.005, "recurrent AMPA, sensory E -> E (per synapse at N_E = 1024)", ge=0)
    g_NMDA_EE_sens_nS: float = param(0.093, "recurrent NMDA, sensory E -> E (per synapse at N_E = 1024)", ge=0)
    g_GABA_IE_sens_nS: float = param(1.47, "GABA_A, sensory I -> E (per synapse at N_I = 256)", ge=0)
    g_AMPA_EI_sens_nS: float = param(0.005, "recurrent AMPA, sensory E -> I (per synapse at N_E = 1024)", ge=0)
    g_NMDA_EI_sens_nS: float = param(0.195, "recurrent NMDA, sensory E -> I (per synapse at N_E = 1024)", ge=0)
    g_GABA_II_sens_nS: float = param(0.391, "GABA_A, sensory I -> I (per synapse at N_I = 256)", ge=0)
    w_plus_sens: float = param(1.62, "sensory E -> E footprint peak J+ (Ardid 2007 MT: 1.62; weak, since the MT "
                               "recurrent conductances are small)", ge=1)
    sigma_EE_sens_deg: float = param(14.4, "width of the sensory E -> E Gaussian footprint", gt=0)
    # ---------------------------------------------------------------- working-memory (PFC) network
    g_ext_E_wm_nS: float = param(3.1, "external AMPA conductance onto working-memory pyramidal cells", ge=0)
    g_ext_I_wm_nS: float = param(2.38, "external AMPA conductance onto working-memory interneurons", ge=0)
    g_AMPA_EE_wm_nS: float = param(0.391, "recurrent AMPA, WM E -> E (per synapse at N_E = 1024)", ge=0)
    g_NMDA_EE_wm_nS: float = param(0.732, "recurrent NMDA, WM E -> E (per synapse at N_E = 1024)", ge=0)
    g_GABA_IE_wm_nS: float = param(3.74, "GABA_A, WM I -> E (per synapse at N_I = 256)", ge=0)
    g_AMPA_EI_wm_nS: float = param(0.293, "recurrent AMPA, WM E -> I (per synapse at N_E = 1024)", ge=0)
    g_NMDA_EI_wm_nS: float = param(0.566, "recurrent NMDA, WM E -> I (per synapse at N_E = 1024)", ge=0)
    g_GABA_II_wm_nS: float = param(2.87, "GABA_A, WM I -> I (per synapse at N_I = 256)", ge=0)
    w_plus: float = param(1.62, "WM E -> E footprint peak J+ (Compte 2000 / Ardid 2007: 1.62); the self-excitation "
                          "that holds the cue (persistence threshold: docs/model_notes.md)", ge=1)
    sigma_EE_wm_deg: float = param(14.4, "width of the WM E -> E Gaussian footprint", gt=0)
    # ---------------------------------------------------------------- long-range projections (AMPA)
    g_td_E_nS: float = param(0.146, "top-down WM -> sensory E conductance (per synapse at N_E = 1024); 0 cuts it", ge=0)
    g_td_I_nS: float = param(0.039, "top-down WM -> sensory I conductance (per synapse at N_E = 1024); 0 cuts it", ge=0)
    sigma_td_deg: float = param(72.0, "width of the top-down Gaussian footprint (by direction similarity)", gt=0)
    g_bu_E_nS: float = param(0.005, "bottom-up sensory -> WM E conductance (per synapse at N_E = 1024)", ge=0)
    g_bu_I_nS: float = param(0.0, "bottom-up sensory -> WM I conductance (Ardid 2007: none)", ge=0)
    sigma_bu_deg: float = param(36.0, "width of the bottom-up Gaussian footprint", gt=0)
    # ---------------------------------------------------------------- inputs (currents, Ardid 2007)
    I0_E_nA: float = param(1.0, "untuned stimulus current onto every sensory pyramidal cell at contrast 1", ge=0)
    I1_E_nA: float = param(0.9, "tuned stimulus current onto sensory pyramidal pool k at drive stim_f<k> = 1", ge=0)
    I0_I_nA: float = param(0.2, "untuned stimulus current onto every sensory interneuron at contrast 1", ge=0)
    I1_I_nA: float = param(0.18, "tuned stimulus current onto sensory interneurons of pool k at stim_f<k> = 1", ge=0)
    I_cue_nA: float = param(0.3, "cue current onto WM pyramidal pool k at drive cue_f<k> = 1 (Ardid shows the cue "
                            "in MT; here the task's cue channels drive WM directly)", ge=0)
    I_gate_nA: float = param(0.025, "constant gating current onto every WM cell (Ardid 2007: 0.025 nA)", ge=0)
    # ---------------------------------------------------------------- readout and recording
    match_margin_hz: float = param(5.0, "match readout: 'match' when the sensory rate at the held template's pool "
                                   "exceeds the ring's mean sensory rate by this margin (Hz)", gt=0)
    wm_window_ms: float = param(100.0, "window before stimulus onset over which the held template (WM pool with "
                                "the highest rate) is read", gt=0)
    threshold_hz: float = param(15.0, "two-location readout: decision threshold on the sensory pool rate (Hz)", gt=0)
    report_criterion_hz: float | None = param(None, "dual-report criterion on a location's sensory rate in the "
                                              "stimulus epoch (None: evidence only) (Hz)", ge=0)
    rate_window_ms: float = param(50.0, "causal sliding window for pool rates", gt=0)
    record_dt_ms: float = param(5.0, "sampling step of the recorded rates", gt=0)
    # ---------------------------------------------------------------- numerics
    sim_dt_ms: float = param(0.1, "integration step (Euler); input dt must be a multiple of it", gt=0)
    max_batch_trials: int = param(16, "trials simulated side by side in one network (fixed at build)", ge=1)
    codegen_target: str = param("auto", "Brian2 runtime target: auto = cython, numpy if compiling fails",
                                choices=("auto", "cython", "numpy"))

    def __post_init__(self):
        check_params(self)
        for name in ("n_pools", "n_exc_per_pool", "n_inh_per_pool", "max_batch_trials"):
            v = getattr(self, name)
            if v is not None and (isinstance(v, bool) or not isinstance(v, int)):
                raise ParamError(type(self).__name__, name, f"Value must be an integer (got {v!r})")

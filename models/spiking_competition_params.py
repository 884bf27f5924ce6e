"""Parameters of the spiking competition network (Wang 2002, Neuron 36:955, Table/Methods).

Names follow the paper (g_AMPA_ext, g_NMDA, w_plus, mu0 ...) with the unit in the name.
Recurrent conductances are the paper's values for N_E = 1600 and are scaled by 1600 / N_E
inside the model, so that the mean recurrent drive does not depend on the network size:
g_rec(N_E) = g_rec(1600) * 1600 / N_E. w_minus = 1 - f (w_plus - 1) / (1 - f) keeps the mean
weight onto a pyramidal cell at 1 (f w_plus + (1 - f) w_minus = 1). The recorded rates are the
causal `rate_window_ms` boxcar of the spike counts in `record_dt_ms` bins, divided by the bins
present at the start of a trial (models.rate_smoothing, start="available").
Reasons behind non-paper defaults: docs/model_notes.md.
"""
from __future__ import annotations

from dataclasses import dataclass

from attnsim.models.params import ParamError, check_params, param


@dataclass(frozen=True)
class SpikingCompetitionParams:
    # network size and structure
    N_E: int = param(400, "number of excitatory (pyramidal) cells; N_I = N_E / 4 (Wang 2002: 1600)", ge=20)
    f: float = param(0.15, "fraction of N_E in each selective pool A and B", gt=0, lt=0.5)
    w_plus: float = param(1.7, "potentiated weight inside a selective pool (w_minus follows from f)", ge=1)
    # pyramidal cells
    C_m_E_nF: float = param(0.5, "membrane capacitance, pyramidal", gt=0)
    g_L_E_nS: float = param(25.0, "leak conductance, pyramidal", gt=0)
    tau_ref_E_ms: float = param(2.0, "refractory period, pyramidal", ge=0)
    # interneurons
    C_m_I_nF: float = param(0.2, "membrane capacitance, interneuron", gt=0)
    g_L_I_nS: float = param(20.0, "leak conductance, interneuron", gt=0)
    tau_ref_I_ms: float = param(1.0, "refractory period, interneuron", ge=0)
    # shared membrane constants
    V_L_mV: float = param(-70.0, "leak reversal potential")
    V_th_mV: float = param(-50.0, "spike threshold")
    V_reset_mV: float = param(-55.0, "reset potential")
    V_E_mV: float = param(0.0, "excitatory reversal potential")
    V_I_mV: float = param(-70.0, "inhibitory reversal potential")
    Mg_mM: float = param(1.0, "extracellular magnesium ([Mg2+]) for the NMDA block", ge=0)
    # synaptic kinetics
    tau_AMPA_ms: float = param(2.0, "AMPA decay time constant", gt=0)
    tau_NMDA_rise_ms: float = param(2.0, "NMDA rise time constant (x gating)", gt=0)
    tau_NMDA_decay_ms: float = param(100.0, "NMDA decay time constant (s gating)", gt=0)
    alpha_NMDA_per_ms: float = param(0.5, "NMDA saturation rate alpha", gt=0)
    tau_GABA_ms: float = param(5.0, "GABA_A decay time constant", gt=0)
    # conductances onto pyramidal cells (recurrent ones for N_E = 1600)
    g_AMPA_ext_E_nS: float = param(2.1, "external AMPA conductance onto pyramidal cells", ge=0)
    g_AMPA_rec_E_nS: float = param(0.05, "recurrent AMPA conductance onto pyramidal cells", ge=0)
    g_NMDA_E_nS: float = param(0.165, "recurrent NMDA conductance onto pyramidal cells", ge=0)
    g_GABA_E_nS: float = param(1.3, "GABA_A conductance onto pyramidal cells", ge=0)
    # conductances onto interneurons (recurrent ones for N_E = 1600)
    g_AMPA_ext_I_nS: float = param(1.62, "external AMPA conductance onto interneurons", ge=0)
    g_AMPA_rec_I_nS: float = param(0.04, "recurrent AMPA conductance onto interneurons", ge=0)
    g_NMDA_I_nS: float = param(0.13, "recurrent NMDA conductance onto interneurons", ge=0)
    g_GABA_I_nS: float = param(1.0, "GABA_A conductance onto interneurons", ge=0)
    # inputs
    nu_ext_hz: float = param(2400.0, "background Poisson rate per cell on AMPA (800 inputs x 3 Hz)", ge=0)
    mu0_hz: float = param(100.0, "extra Poisson rate per cell of a selective pool at contrast 1 (Wang 2002: 40 Hz at "
                          "N_E=1600; at N_E=400, 100 Hz lets uncued contrast-0.5 trials decide within 500 ms "
                          "while the 40 Hz cue still wins equal-stimulus trials)", ge=0)
    cue_rate_hz: float = param(40.0, "top-down Poisson rate per cell of the cued pool at cue strength 1 "
                               "(biases the competition without igniting a pool alone)", ge=0)
    # top-down drive to interneurons (off by default: Wang 2002 cues pyramidal cells only)
    cue_inh_rate_hz: float = param(0.0, "top-down Poisson rate per interneuron of the cued pool's interneuron "
                                   "subgroup (f * N_I cells, see w_plus_I) at cue strength 1; Kanashiro et al. "
                                   "2017: top-down signals act mainly on inhibitory cells", ge=0)
    w_plus_I: float = param(1.0, "pool-specific inhibition: weight of E_X -> I_X and I_X -> E_X inside a selective "
                            "pool X (A, B; w_minus_I from f like w_minus); 1 = Wang 2002's single shared "
                            "interneuron pool", ge=1)
    # readout and recording
    threshold_hz: float = param(15.0, "decision threshold on the smoothed pool rate (Wang 2002: 15 Hz)", gt=0)
    report_criterion_hz: float | None = param(None, "dual-report criterion: a location is reported present when its selective group's mean rate in the stimulus epoch exceeds it; one value for both locations and every condition (None: evidence only, no reports) (Hz)", ge=0)
    rate_window_ms: float = param(50.0, "causal sliding window for population rates", gt=0)
    record_dt_ms: float = param(5.0, "sampling step of the recorded rates", gt=0)
    # numerics
    sim_dt_ms: float = param(0.1, "integration step (Euler); input dt must be a multiple of it", gt=0)
    max_batch_trials: int = param(64, "trials simulated side by side in one network (fixed at build)", ge=1)
    codegen_target: str = param(
        "auto", "Brian2 runtime target: auto = cython, numpy if compiling fails", choices=("auto", "cython", "numpy"))

    def __post_init__(self):
        check_params(self)
        if self.w_minus_I < 0:
            raise ParamError(type(self).__name__, "w_plus_I",
                             f"Value must be at most 1/f = {1 / self.f:g}, so that w_minus_I >= 0 (got {self.w_plus_I!r})")

    @property
    def w_minus(self) -> float:
        """Depressed weight (Wang 2002) keeping the mean input weight at 1: f w_plus + (1-f) w_minus = 1."""
        return 1.0 - self.f * (self.w_plus - 1.0) / (1.0 - self.f)

    @property
    def w_minus_I(self) -> float:
        """Between-pool weight of the interneuron subgroups, normalised like w_minus."""
        return 1.0 - self.f * (self.w_plus_I - 1.0) / (1.0 - self.f)

    @property
    def local_inhibition(self) -> bool:
        """Build interneuron subgroups (only then: the default network is Wang 2002's, unchanged)."""
        return self.w_plus_I != 1.0 or self.cue_inh_rate_hz > 0.0

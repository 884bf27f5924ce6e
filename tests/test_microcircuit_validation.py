"""PD14 at 0.1 scale against the NEST 0.1-scale reference (slow: a few simulated seconds)."""
import numpy as np
import pytest

from attnsim.models.microcircuit import pd14_params as P


@pytest.mark.slow
def test_rates_match_nest_reference_at_0p1_scale():
    from attnsim.models.microcircuit.spontaneous import spontaneous_activity
    r = spontaneous_activity(0.1, 0.1, t_sim_ms=3100.0, t_transient_ms=100.0, seeds=(1, 2, 3))
    rates = r["rates_hz"].mean(axis=0)
    cv = np.nanmean(r["cv_isi"], axis=0)
    print("rates", np.round(rates, 2), "cv", np.round(cv, 2))
    np.testing.assert_allclose(rates, P.REF_RATES_01_HZ, rtol=0.2)
    assert np.all(rates < 30)
    assert np.all(rates[1::2] > rates[0::2])       # inhibitory above excitatory in every layer
    assert np.all(cv > 0.8)


@pytest.mark.slow
def test_inhibitory_above_excitatory_in_every_layer():
    """Row 1 relations that scenario ranges cannot express: each I above its layer's E, and
    L5E the most active excitatory population. Same model and build as
    scenarios/validation/pd14_spontaneous.yaml (one column, 0.1 scale, 5.1 s, so the binary is shared)."""
    from attnsim.models.microcircuit.attention_columns import MicrocircuitColumns, MicrocircuitColumnsParams
    model = MicrocircuitColumns(MicrocircuitColumnsParams(N_scaling=0.1, K_scaling=0.1, n_columns=1))
    act = model.run(np.zeros((2, 5100, 4)), 1.0, ("stim_A", "stim_B", "cue_A", "cue_B"), seed=5)
    rates = np.array([act.group_rate(f"A_{p}")[:, 100:].mean() for p in P.POPULATIONS])
    print("rates", np.round(rates, 2))
    assert np.all(rates[1::2] > rates[0::2])
    exc = rates[0::2]
    assert np.argmax(exc) == P.POPULATIONS.index("L5E") // 2

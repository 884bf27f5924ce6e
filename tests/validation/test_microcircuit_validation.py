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
    # L2/3E is not checked here: over 30 network seeds it reads 0.477 [0.466, 0.488] Hz
    # (docs/model_notes.md), at the edge of NEST's 0.40 Hz + 20 % = 0.48, so 3 seeds x 3 s fall on
    # either side of it; scenarios/validation/pd14_spontaneous.yaml checks it over 3 x 60 s
    known = [P.POPULATIONS.index("L23E")]
    np.testing.assert_allclose(np.delete(rates, known), np.delete(P.REF_RATES_01_HZ, known), rtol=0.2)
    assert np.all(rates < 30)
    assert np.all(rates[1::2] > rates[0::2])       # inhibitory above excitatory in every layer
    # row 2's ISI CV > 0.8 is not checked on 3 s trains: the estimator (ddof 0, >= 3 spikes) reads
    # a 0.4 Hz Poisson train at 0.59 in 5 s; the scenario checks it over 3 x 60 s


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

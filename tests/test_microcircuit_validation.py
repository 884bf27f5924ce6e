"""PD14 at 0.1 scale against the NEST 0.1-scale reference (slow: a few simulated seconds)."""
import numpy as np
import pytest

from models.microcircuit import pd14_params as P


@pytest.mark.slow
def test_rates_match_nest_reference_at_0p1_scale():
    from models.microcircuit.spontaneous import spontaneous_activity
    r = spontaneous_activity(0.1, 0.1, t_sim_ms=3100.0, t_transient_ms=100.0, seeds=(1, 2, 3))
    rates = r["rates_hz"].mean(axis=0)
    cv = np.nanmean(r["cv_isi"], axis=0)
    print("rates", np.round(rates, 2), "cv", np.round(cv, 2))
    np.testing.assert_allclose(rates, P.REF_RATES_01_HZ, rtol=0.2)
    assert np.all(rates < 30)
    assert np.all(rates[1::2] > rates[0::2])       # inhibitory above excitatory in every layer
    assert np.all(cv > 0.8)

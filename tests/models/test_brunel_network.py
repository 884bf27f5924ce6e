"""Brunel (2000) sparse E/I network: mean field, build-once/run-many, task inputs, row 5 states."""
import numpy as np
import pytest

from attnsim.models.brunel_network import BrunelNetwork, BrunelParams, fixed_indegree, mean_field_rate_hz
from attnsim.models.params import ParamError

CH = ("stim_A", "stim_B", "cue_A", "cue_B")


def test_mean_field_matches_row_5_numbers():
    # docs/reference.md row 5: AI (g=5, eta=2) about 38 Hz; SI slow (g=4.5, eta=0.9) about 6.5 Hz
    assert mean_field_rate_hz(BrunelParams(g=5, eta=2)) == pytest.approx(38.0, abs=0.5)
    assert mean_field_rate_hz(BrunelParams(g=4.5, eta=0.9)) == pytest.approx(6.5, abs=0.1)
    p = BrunelParams()
    assert p.in_degrees == (1000, 250) and p.nu_thr_hz == pytest.approx(10.0)
    # keeping C_E = 1000 keeps the theory in a smaller network
    assert mean_field_rate_hz(BrunelParams(N_E=4000, C_E=1000)) == pytest.approx(mean_field_rate_hz(p))


def test_params_name_the_rule():
    with pytest.raises(ParamError, match="BrunelParams.g"):
        BrunelParams(g=-1)
    with pytest.raises(ValueError, match="V_r_mV"):
        BrunelParams(V_r_mV=25)
    with pytest.raises(ValueError, match="D_ms"):
        BrunelParams(D_ms=1.55)


def test_fixed_indegree_distinct_presynaptic_cells():
    pre, post = fixed_indegree(50, 200, 20, np.random.default_rng(0))
    assert np.bincount(post).tolist() == [20] * 50
    for j in range(50):
        assert np.unique(pre[post == j]).size == 20
    assert pre.min() >= 0 and pre.max() < 200


@pytest.fixture(scope="module")
def small():
    """N_E = 800, C_E = 80: fast, and still in the mean-field regime (rate ~88 Hz at g=5, eta=2)."""
    # decision threshold above this small network's spontaneous ~88 Hz, so only the stimulus crosses it
    model = BrunelNetwork(BrunelParams(N_E=800, n_record_E=100, n_record_I=25, threshold_hz=95.0))
    x = np.zeros((2, 300, 4))
    return model, x, model.run(x, 1.0, CH, seed=11)


def test_small_network_rate_matches_mean_field(small):
    model, _, act = small
    assert set(act.groups) == {"exc_A", "exc_B", "exc", "inh"}
    assert act.rates.shape == (2, 600, 3) and act.dt_ms == 0.5
    mf = mean_field_rate_hz(model.params)
    r = act.rates[:, 200:].mean(axis=(0, 1))             # after 100 ms
    assert np.all(np.abs(r - mf) < 0.1 * mf), (r, mf)
    # the returned spikes of the recorded cells give the same rate
    ids, t = act.spikes["exc"][0]
    assert ids.max() < 100 and np.count_nonzero(t >= 100) / 100 / 0.2 == pytest.approx(mf, rel=0.15)
    assert act.group_sizes == {"exc": 100, "inh": 25}


def test_deterministic_and_built_once(small):
    model, x, act = small
    again = model.run(x, 1.0, CH, seed=11)
    assert np.array_equal(again.rates, act.rates)
    assert all(np.array_equal(a[1], b[1]) for a, b in zip(again.spikes["exc"], act.spikes["exc"]))
    other = model.run(x[:1], 1.0, CH, seed=12)
    assert other.n_trials == 1 and not np.array_equal(other.rates[0], act.rates[0])
    assert model.build_count == 1
    with pytest.raises(ValueError, match="built for"):
        model.run(np.zeros((1, 200, 4)), 1.0, CH, seed=1)


def test_stimulus_drives_its_half_and_readout_follows(small):
    model, x, _ = small
    stim = x.copy()
    stim[:, 100:, 0] = 1.0                                  # stim_A on from 100 ms
    act = model.run(stim, 1.0, CH, seed=5)
    a, b = act.rates[:, 250:, 0].mean(), act.rates[:, 250:, 1].mean()
    assert a > 1.1 * b
    assert act.choice.tolist() == [0, 0]
    # before onset the halves are alike
    assert act.rates[:, 100:200, 0].mean() == pytest.approx(act.rates[:, 100:200, 1].mean(), rel=0.1)


@pytest.mark.slow
def test_full_size_asynchronous_irregular_state():
    """Row 5, g=5, eta=2 at N_E=10000: about 38 Hz, irregular, weak synchrony."""
    from attnsim.analysis.spiking_stats import chi_of_counts, binned_counts, cv_of_trains

    model = BrunelNetwork(BrunelParams(g=5.0, eta=2.0))
    act = model.run(np.zeros((1, 600, 4)), 1.0, CH, seed=1)
    r = act.rates[0, 400:].mean(axis=0)
    assert np.all((r > 34) & (r < 42)), r
    ids, t = act.spikes["exc"][0]
    keep = t >= 200
    ids, t = ids[keep], t[keep]
    o = np.lexsort((t, ids))
    # Irregular, though below row 5's "about 1": the Poisson-input mean field gives 0.68, and a
    # single LIF fed 1000 E + 250 I gamma trains of CV 0.4 at 37 Hz fires with CV 0.41 (the
    # self-consistent value; measured 0.40 at N_E=10000). SR is below 0.3.
    assert 0.3 < cv_of_trains(ids[o], t[o]).mean() < 0.8
    assert chi_of_counts(binned_counts(ids, t, 500, 200.0, 600.0, 1.0)) < 0.3

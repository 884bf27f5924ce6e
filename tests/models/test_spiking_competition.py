"""Spiking competition network (Wang 2002): parameters, pool-summed connectivity, behaviour."""
import numpy as np
import pytest

from attnsim.models.params import ParamError
from attnsim.models.spiking_competition import GROUPS, SpikingCompetition
from attnsim.models.spiking_competition_params import SpikingCompetitionParams

CHANNELS = ("stim_A", "stim_B", "cue_A", "cue_B")


def test_negative_time_constant_is_rejected_by_name():
    with pytest.raises(ParamError, match="tau_AMPA_ms"):
        SpikingCompetitionParams(tau_AMPA_ms=-1.0)
    with pytest.raises(ParamError, match="codegen_target"):
        SpikingCompetitionParams(codegen_target="gpu")


def test_w_minus_keeps_mean_input_weight_at_one():
    # Wang 2002: w_minus = 1 - f (w_plus - 1) / (1 - f), so that f w_plus + (1 - f) w_minus = 1
    p = SpikingCompetitionParams(f=0.15, w_plus=1.7)
    assert p.w_minus == pytest.approx(1 - 0.15 * 0.7 / 0.85)
    assert 0.15 * p.w_plus + 0.85 * p.w_minus == pytest.approx(1.0)


@pytest.fixture(scope="module")
def model():
    m = SpikingCompetition(SpikingCompetitionParams(N_E=400, max_batch_trials=8))
    # the first call fixes the batch size (8 trials side by side); results depend on it
    m.run(np.zeros((8, 2, len(CHANNELS))), 1.0, CHANNELS, seed=0)
    return m


def _inputs(n_trials, n_steps):
    return np.zeros((n_trials, n_steps, len(CHANNELS)))


def test_pool_sums_equal_dense_all_to_all_weights(model):
    """The per-pool gating sums give exactly what an N_E x N_E weight matrix would."""
    model.run(_inputs(2, 2), 1.0, CHANNELS, seed=0)
    p, b2 = model.params, model.built.b2
    exc, inh = model.built.exc, model.built.inh
    rng = np.random.default_rng(0)
    s_ampa, s_nmda = rng.random(len(exc)), rng.random(len(exc))
    s_gaba = rng.random(len(inh))
    model.built.net.restore("t0")
    exc.s_AMPA, exc.s_NMDA, inh.s_GABA = s_ampa, s_nmda, s_gaba
    model.built.net.run(p.sim_dt_ms * b2.ms)   # the sums are taken at the start of the step

    N_A, N_E = model.N_A, p.N_E
    pool = np.repeat([0, 1, 2], [N_A, N_A, N_E - 2 * N_A])
    Wp = np.array([[p.w_plus, p.w_minus, p.w_minus], [p.w_minus, p.w_plus, p.w_minus], [1, 1, 1]])
    dense = Wp[pool][:, pool]                        # weight from cell j (column) onto cell i (row)
    got_ampa = (np.asarray(exc.w_A) * np.asarray(exc.SA_A) + np.asarray(exc.w_B) * np.asarray(exc.SA_B)
                + np.asarray(exc.w_N) * np.asarray(exc.SA_N))
    got_nmda = (np.asarray(exc.w_A) * np.asarray(exc.SN_A) + np.asarray(exc.w_B) * np.asarray(exc.SN_B)
                + np.asarray(exc.w_N) * np.asarray(exc.SN_N))
    for t in range(model.built.n_batch):
        cells = slice(t * N_E, (t + 1) * N_E)
        np.testing.assert_allclose(got_ampa[cells], dense @ s_ampa[cells], rtol=1e-12)
        np.testing.assert_allclose(got_nmda[cells], dense @ s_nmda[cells], rtol=1e-12)
        gaba_sum = s_gaba[t * model.N_I:(t + 1) * model.N_I].sum()
        np.testing.assert_allclose(np.asarray(exc.S_GABA)[cells], gaba_sum, rtol=1e-12)
        inh_ampa = (np.asarray(inh.SA_A) + np.asarray(inh.SA_B) + np.asarray(inh.SA_N))
        np.testing.assert_allclose(inh_ampa[t * model.N_I:(t + 1) * model.N_I], s_ampa[cells].sum(), rtol=1e-12)


def test_same_seed_same_spikes_other_seed_differs(model):
    x = _inputs(2, 300)
    x[:, 100:, 0] = 1.0
    a1 = model.run(x, 1.0, CHANNELS, seed=7)
    a2 = model.run(x, 1.0, CHANNELS, seed=7)
    a3 = model.run(x, 1.0, CHANNELS, seed=8)
    for g in GROUPS:
        for (i1, t1), (i2, t2) in zip(a1.spikes[g], a2.spikes[g]):
            np.testing.assert_array_equal(i1, i2)
            np.testing.assert_array_equal(t1, t2)
    assert any(not np.array_equal(a1.spikes[g][0][1], a3.spikes[g][0][1]) for g in GROUPS)


def test_network_is_built_once_across_runs(model):
    net = model.built.net
    builds = model.build_count
    act = model.run(_inputs(3, 50), 1.0, CHANNELS, seed=1)   # fewer trials than the batch: padded
    assert model.built.net is net and model.build_count == builds == 1
    assert act.rates.shape == (3, 50 // int(model.params.record_dt_ms), len(GROUPS))
    assert model.built.n_batch == 8
    assert len(act.spikes["pool_A"]) == 3


def test_spontaneous_rates_are_low(model):
    # Wang 2002: spontaneous state at a few Hz for pyramidal cells, higher for interneurons
    act = model.run(_inputs(4, 600), 1.0, CHANNELS, seed=3)
    late = slice(20, None)                      # skip the first 100 ms transient
    for g in ("pool_A", "pool_B", "nonselective"):
        r = act.group_rate(g)[:, late].mean()
        assert 0.2 < r < 10.0, (g, r)
    assert 1.0 < act.group_rate("inhibitory")[:, late].mean() < 20.0
    # the recorded rate agrees with the spike count it is made of
    # (every 10th sample of a 50 ms window in 5 ms steps tiles the 600 ms exactly)
    n_spk = sum(ids.size for ids, _ in act.spikes["pool_A"])
    assert act.group_sizes["pool_A"] == model.N_A
    assert n_spk / (4 * model.N_A * 0.6) == pytest.approx(act.group_rate("pool_A")[:, 9::10].mean(), rel=1e-9)


def test_cued_pool_wins_with_equal_stimuli(model):
    # attend_A, attend_B, attend_A, ...: both stimuli at full contrast, only the cue differs
    n, steps = 8, 900
    x = _inputs(n, steps)
    x[:, 300:, 0] = x[:, 300:, 1] = 1.0
    cued = np.arange(n) % 2
    x[np.arange(n), 200:, 2 + cued] = 1.0
    act = model.run(x, 1.0, CHANNELS, seed=11)
    ra, rb = act.group_rate("pool_A"), act.group_rate("pool_B")
    stim = slice(300 // 5, None)
    r_cued = np.where(cued == 0, ra[:, stim].mean(1), rb[:, stim].mean(1))
    r_uncued = np.where(cued == 0, rb[:, stim].mean(1), ra[:, stim].mean(1))
    assert r_cued.mean() > r_uncued.mean() + 3.0
    assert (act.choice == cued).mean() >= 6 / 8


# ---------------------------------------------------------------- top-down drive to interneurons

def test_default_network_is_unchanged_by_the_interneuron_options(model):
    """cue_inh_rate_hz = 0 and w_plus_I = 1 build Wang 2002's network exactly as before the options
    existed: spike fingerprint recorded with the code before the change (same seed, batch 8)."""
    p = model.params
    assert p.cue_inh_rate_hz == 0.0 and p.w_plus_I == 1.0 and not p.local_inhibition
    exc, inh = model.built.exc, model.built.inh
    assert "nu_in" not in inh.variables and "S_GABA" in exc.variables
    x = _inputs(2, 300)
    x[:, 100:, 0] = 1.0
    x[0, 50:, 2] = 1.0
    act = model.run(x, 1.0, CHANNELS, seed=5)
    stored = {"pool_A": (150, 31024.5, 4182), "pool_B": (55, 9873.6, 1512),
              "nonselective": (290, 53325.3, 39694), "inhibitory": (371, 64520.4, 18952)}
    for g, (n, t_sum, i_sum) in stored.items():
        assert sum(i.size for i, _ in act.spikes[g]) == n, g
        assert sum(t.sum() for _, t in act.spikes[g]) == pytest.approx(t_sum, abs=1e-6), g
        assert sum(int(i.sum()) for i, _ in act.spikes[g]) == i_sum, g


def test_w_plus_I_is_bounded_by_normalisation():
    with pytest.raises(ParamError, match="w_plus_I"):
        SpikingCompetitionParams(f=0.15, w_plus_I=7.0)     # w_minus_I = 1 - 0.15 * 6 / 0.85 < 0
    p = SpikingCompetitionParams(f=0.15, w_plus_I=2.0)
    assert 0.15 * p.w_plus_I + 0.85 * p.w_minus_I == pytest.approx(1.0)


def _local(cue_inh_rate_hz):
    m = SpikingCompetition(SpikingCompetitionParams(N_E=200, max_batch_trials=4, w_plus=1.0, w_plus_I=2.5,
                                                    cue_inh_rate_hz=cue_inh_rate_hz))
    m.run(_inputs(4, 2), 1.0, CHANNELS, seed=0)
    return m


@pytest.fixture(scope="module")
def local_pair():
    return _local(0.0), _local(500.0)


def test_local_inhibition_sums_equal_dense_weights(local_pair):
    """Pool-specific E <-> I weights: the per-subgroup sums give what dense matrices would."""
    m = local_pair[1]
    p, b2 = m.params, m.built.b2
    exc, inh = m.built.exc, m.built.inh
    rng = np.random.default_rng(1)
    s_ampa, s_gaba = rng.random(len(exc)), rng.random(len(inh))
    m.built.net.restore("t0")
    exc.s_AMPA, inh.s_GABA = s_ampa, s_gaba
    m.built.net.run(p.sim_dt_ms * b2.ms)
    epool = np.repeat([0, 1, 2], [m.N_A, m.N_A, p.N_E - 2 * m.N_A])
    ipool = m._inh_subgroups()
    assert ipool.tolist().count(0) == round(p.f * m.N_I)
    wp, wm = p.w_plus_I, p.w_minus_I
    Wp = np.array([[wp, wm, wm], [wm, wp, wm], [1, 1, 1]])
    i_to_e = Wp[epool][:, ipool]      # row: E target, column: I source
    e_to_i = Wp[ipool][:, epool]      # row: I target, column: E source
    got_gaba_e = sum(np.asarray(getattr(exc, f"u_{k}")) * np.asarray(getattr(exc, f"SG_{k}")) for k in "ABN")
    got_ampa_i = sum(np.asarray(getattr(inh, f"w_{k}")) * np.asarray(getattr(inh, f"SA_{k}")) for k in "ABN")
    got_gaba_i = sum(np.asarray(getattr(inh, f"SG_{k}")) for k in "ABN")
    for t in range(m.built.n_batch):
        e, i = slice(t * p.N_E, (t + 1) * p.N_E), slice(t * m.N_I, (t + 1) * m.N_I)
        np.testing.assert_allclose(got_gaba_e[e], i_to_e @ s_gaba[i], rtol=1e-12)
        np.testing.assert_allclose(got_ampa_i[i], e_to_i @ s_ampa[e], rtol=1e-12)
        np.testing.assert_allclose(got_gaba_i[i], s_gaba[i].sum(), rtol=1e-12)   # I -> I all-to-all
    # selective E pools are inhibited more by their own subgroup than by the other one
    assert wp > 1 > wm


def _subgroup_rate(act, m, trials, sub, t0, t1):
    ipool = m._inh_subgroups()
    n = sum(np.sum((ipool[i] == sub) & (t >= t0) & (t < t1)) for i, t in (act.spikes["inhibitory"][k] for k in trials))
    return n / (len(trials) * np.sum(ipool == sub) * (t1 - t0) * 1e-3)


def test_interneuron_cue_raises_inhibitory_rate_only_while_on(local_pair):
    plain, driven = local_pair
    # trials 0, 1 cue A, trials 2, 3 cue B, from 200 ms; equal stimuli from 300 ms
    x = _inputs(4, 500)
    x[:, 300:, 0] = x[:, 300:, 1] = 1.0
    x[:2, 200:, 2] = 1.0
    x[2:, 200:, 3] = 1.0
    a0, a1 = plain.run(x, 1.0, CHANNELS, seed=4), driven.run(x, 1.0, CHANNELS, seed=4)
    # before the cue the two networks are the same network: identical spikes
    for g in GROUPS:
        for (i0, t0), (i1, t1) in zip(a0.spikes[g], a1.spikes[g]):
            np.testing.assert_array_equal(i0[t0 < 200], i1[t1 < 200])
            np.testing.assert_array_equal(t0[t0 < 200], t1[t1 < 200])
    # while the cue is on, the cued pool's interneurons fire much more than without the drive
    for sub, trials in ((0, [0, 1]), (1, [2, 3])):
        r0 = _subgroup_rate(a0, plain, trials, sub, 200, 500)
        r1 = _subgroup_rate(a1, driven, trials, sub, 200, 500)
        assert r1 > r0 + 5.0, (sub, r0, r1)
    # without any cue the drive is off: the whole trial is identical
    x[:, :, 2:] = 0.0
    b0, b1 = plain.run(x, 1.0, CHANNELS, seed=4), driven.run(x, 1.0, CHANNELS, seed=4)
    for g in GROUPS:
        for (i0, t0), (i1, t1) in zip(b0.spikes[g], b1.spikes[g]):
            np.testing.assert_array_equal(i0, i1)
            np.testing.assert_array_equal(t0, t1)

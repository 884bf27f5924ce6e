"""Spiking attention circuit (Ardid, Wang & Compte 2007): footprints, pool sums, build once, rest state,
working-memory persistence vs w_plus, and the top-down gain with its cut control.

Small networks (a ring of 4 pools of 20 pyramidal cells and 5 interneurons per network) so that the
module runs in well under a minute once compiled; the ranges come from the papers, written before
the runs: an asynchronous irregular rest state (ISI CV near 1, Brunel 2000; spontaneous rates of a
few Hz, Compte 2000 / Ardid 2007), persistent delay activity of the cued pool well above rest with
w_plus above bistability and none without structure (Compte 2000 Fig. 3), and a sensory rate gain
at the attended direction that vanishes when the top-down projection is cut (Ardid 2007).
"""
import numpy as np
import pytest

from attnsim.models.attention_circuit import (AttentionCircuit, long_range_footprint, recurrent_footprint,
                                              ring_distance_deg)
from attnsim.models.attention_circuit_params import AttentionCircuitParams
from attnsim.models.feature_channels import feature_channels, von_mises_profile
from attnsim.models.params import ParamError
from attnsim.models.spike_train_stats import isi_cv_per_neuron

P = 4
STIM, CUE = feature_channels(P)
CHANNELS = STIM + CUE
SMALL = dict(n_exc_per_pool=20, n_inh_per_pool=5, max_batch_trials=8)
KAPPA = 3.0


def _trials(n, n_steps, cue_deg=None, cue_ms=(100, 350), stim_deg=None, stim_ms=(0, 0), contrast=1.0):
    """(n, n_steps, 2P) inputs on 1 ms steps: a cue profile at cue_deg and a stimulus at stim_deg."""
    x = np.zeros((n, n_steps, 2 * P))
    if cue_deg is not None:
        x[:, cue_ms[0]:cue_ms[1], P:] = von_mises_profile(cue_deg, P, KAPPA)
    if stim_deg is not None:
        x[:, stim_ms[0]:stim_ms[1], :P] = von_mises_profile(stim_deg, P, KAPPA, contrast)
    return x


def test_bad_parameters_are_rejected_by_name():
    with pytest.raises(ParamError, match="tau_NMDA_decay_ms"):
        AttentionCircuitParams(tau_NMDA_decay_ms=-1.0)
    with pytest.raises(ParamError, match="g_td_E_nS"):
        AttentionCircuitParams(g_td_E_nS=-0.1)
    with pytest.raises(ParamError, match="n_exc_per_pool"):
        AttentionCircuitParams(n_exc_per_pool=2.5)


def test_footprints_keep_the_papers_means():
    d = ring_distance_deg(8)
    assert d[0, 4] == 180.0 and d[0, 7] == 45.0 and np.all(d == d.T)
    W = recurrent_footprint(8, 1.62, 14.4)
    np.testing.assert_allclose(W.mean(axis=1), 1.0)          # Compte 2000: mean weight 1
    assert W[0, 0] == pytest.approx(1.62) and W[0, 4] < 1.0
    L = long_range_footprint(8, 72.0)
    np.testing.assert_allclose(L.mean(axis=1), 1.0 / (2 * np.pi))   # the normalized Gaussian's ring mean
    assert np.all(np.diff(L[0, :5]) < 0)                    # falls with direction difference
    with pytest.raises(ValueError, match="J-"):
        recurrent_footprint(4, 5.0, 14.4)


@pytest.fixture(scope="module")
def model():
    m = AttentionCircuit(AttentionCircuitParams(**SMALL))
    m.run(_trials(8, 2), 1.0, CHANNELS, seed=0)          # the first call fixes the batch (8 trials)
    return m


def test_pool_sums_equal_dense_all_to_all_weights(model):
    """The two pool sums give exactly the conductances of a dense cell-to-cell weight matrix."""
    b = model.built
    b2, cells = b.b2, b.cells
    rng = np.random.default_rng(0)
    s = {v: rng.random(len(cells)) for v in ("s_AMPA", "s_NMDA", "s_GABA")}
    b.net.restore("t0")
    for v, val in s.items():
        setattr(cells, v, val)
    b.net.run(model.params.sim_dt_ms * b2.ms)            # the sums are taken at the start of the step
    net, typ, pool, _, _ = model._layout(P)
    w = model.spread_weights(P)
    src = np.where(typ == 0, net * (P + 1) + pool, net * (P + 1) + P)
    tgt = net * 2 * P + typ * P + pool
    per = net.size
    for name, var in (("w_AMPA", "s_AMPA"), ("w_NMDA", "s_NMDA"), ("w_GABA", "s_GABA")):
        dense = w[name][src][:, tgt].T                    # nS, onto cell i (row) from cell j (column)
        got = np.asarray(getattr(cells, "G_" + name[2:])) * 1e9
        for t in (0, b.n_batch - 1):
            cell = slice(t * per, (t + 1) * per)
            np.testing.assert_allclose(got[cell], dense @ s[var][cell], rtol=1e-10)


def test_network_is_built_once_and_same_seed_gives_same_spikes(model):
    net = model.built.net
    x = _trials(3, 300, stim_deg=0.0, stim_ms=(100, 300))
    a1 = model.run(x, 1.0, CHANNELS, seed=7)
    a2 = model.run(x, 1.0, CHANNELS, seed=7)
    a3 = model.run(x, 1.0, CHANNELS, seed=8)
    assert model.built.net is net and model.build_count == 1
    assert a1.rates.shape == (3, 60, 2 * P + 2) and len(a1.spikes["sens_f0"]) == 3
    for g in a1.spikes:
        for (i1, t1), (i2, t2) in zip(a1.spikes[g], a2.spikes[g]):
            np.testing.assert_array_equal(i1, i2)
            np.testing.assert_array_equal(t1, t2)
    assert any(not np.array_equal(a1.spikes[g][0][1], a3.spikes[g][0][1]) for g in a1.spikes)
    assert a1.roles["sens_f0"] == "sensory" and a1.roles["wm_f0"] == "hidden"
    assert a1.selective_groups == ("sens_f0", "sens_f2")


def test_sensory_network_at_rest_is_asynchronous_irregular(model):
    act = model.run(_trials(8, 1200), 1.0, CHANNELS, seed=3)
    late = slice(40, None)                                # skip the first 200 ms
    sens = np.mean([act.group_rate(f"sens_f{k}")[:, late].mean() for k in range(P)])
    assert 0.5 < sens < 20.0, sens                        # a low spontaneous rate
    wm = np.mean([act.group_rate(f"wm_f{k}")[:, late].mean() for k in range(P)])
    assert wm < 10.0, wm                                  # WM rests in its low state
    cvs = []
    for k in range(P):
        for ids, t in act.spikes[f"sens_f{k}"]:
            keep = t >= 200.0
            cvs.append(isi_cv_per_neuron(ids[keep], t[keep], n_neurons=20, min_spikes=5))
    cv = np.nanmean(np.concatenate(cvs))
    assert 0.7 < cv < 1.5, cv                             # irregular: CV of ISI near 1
    # asynchronous: the pooled count of all sensory pyramidal cells in 5 ms bins varies little more
    # than a Poisson count would (variance / mean near 1; a synchronous rhythm makes it >> 1)
    t = np.concatenate([tt[tt >= 200.0] for k in range(P) for _, tt in act.spikes[f"sens_f{k}"][:1]])
    counts = np.histogram(t, bins=np.arange(200.0, 1200.0 + 1e-9, 5.0))[0]
    assert counts.var() / counts.mean() < 3.0, counts.var() / counts.mean()


def _late_delay(act, pool):
    return act.group_rate(f"wm_f{pool}")[:, 140:200].mean(axis=1)    # 700-1000 ms, 350+ ms after the cue


@pytest.mark.parametrize("w_plus, holds", [(1.62, True), (1.0, False)])
def test_working_memory_holds_the_cue_only_above_bistability(w_plus, holds):
    m = AttentionCircuit(AttentionCircuitParams(**SMALL, w_plus=w_plus))
    act = m.run(_trials(8, 1000, cue_deg=90.0), 1.0, CHANNELS, seed=11)
    rest = act.group_rate("wm_f1")[:, 4:20].mean()        # 20-100 ms, before the cue
    cued = _late_delay(act, 1)
    during_cue = act.group_rate("wm_f1")[:, 30:70].mean()
    assert during_cue > rest + 10.0                        # the cue drives the pool in both cases
    if holds:
        assert np.mean(cued > 20.0) >= 0.75, cued          # persistent delay activity
        others = np.mean([_late_delay(act, k).mean() for k in (0, 2, 3)])
        assert cued.mean() > others + 15.0                # selective: the cued pool, not the ring
    else:
        assert cued.mean() < rest + 5.0, (cued, rest)      # decays back to rest


def _pair_trials(n, cue_deg):
    """Cue at cue_deg, then a pair of stimuli at 0 and 180 deg in one receptive field (800-1200 ms)."""
    x = _trials(n, 1200, cue_deg=cue_deg)
    pair = von_mises_profile(0.0, P, KAPPA, 0.5) + von_mises_profile(180.0, P, KAPPA, 0.5)
    x[:, 800:1200, :P] = np.minimum(pair, 1.0)
    return x


@pytest.mark.parametrize("cut", [False, True])
def test_top_down_gain_at_the_attended_direction_and_its_cut(cut):
    """A pair of stimuli at 0 and 180 deg, the cue at one of them: the sensory pool at the attended
    direction fires more than the pool at the unattended one of the same trial (Ardid 2007; the
    within-trial difference removes the trial's shared fluctuations). Cutting WM -> sensory (onto
    E and I) removes the difference, while WM still holds the cue."""
    extra = dict(g_td_E_nS=0.0, g_td_I_nS=0.0) if cut else {}
    m = AttentionCircuit(AttentionCircuitParams(**{**SMALL, "max_batch_trials": 16}, **extra))
    act = m.run(np.concatenate([_pair_trials(8, 0.0), _pair_trials(8, 180.0)]), 1.0, CHANNELS, seed=5)
    r0 = act.group_rate("sens_f0")[:, 170:240].mean(axis=1)      # 850-1200 ms
    r2 = act.group_rate("sens_f2")[:, 170:240].mean(axis=1)
    gain = np.concatenate([r0[:8] - r2[:8], r2[8:] - r0[8:]])   # attended minus unattended, per trial
    assert _late_delay(act, 0)[:8].mean() > 20.0 and _late_delay(act, 2)[8:].mean() > 20.0
    se = gain.std(ddof=1) / np.sqrt(gain.size)
    if cut:
        assert abs(gain.mean()) < 3 * se, gain
    else:
        assert gain.mean() > 3 * se, gain


def test_two_location_channels_run_on_a_ring_of_two():
    m = AttentionCircuit(AttentionCircuitParams(**SMALL))
    x = np.zeros((2, 200, 4))
    x[:, 100:, 0] = 1.0                                    # stim_A only
    act = m.run(x, 1.0, ("stim_A", "stim_B", "cue_A", "cue_B"), seed=1)
    assert act.selective_groups == ("sens_f0", "sens_f1")
    assert act.group_rate("sens_f0")[:, 25:].mean() > act.group_rate("sens_f1")[:, 25:].mean()
    assert act.location_evidence.shape == (2, 2)

"""The five artificial families: training, determinism, saved state, Activity layout."""
import io

import numpy as np
import pytest

from attnsim.models.ann.families import (DotProductAttentionModel, EIRNNModel, GRUModel, LSTMModel, RNNModel)
from attnsim.models.ann.timebins import bin_inputs, bin_mask
from attnsim.models.params import ParamError
from attnsim.models.registry import FAMILIES, load_family
from attnsim.tasks.selective import make_selective

FAMILY_CLASSES = [DotProductAttentionModel, RNNModel, GRUModel, LSTMModel, EIRNNModel]
SHORT = dict(fixation=100, cue=100, stimulus=200, response=100)


def selective(n, seed, dt_ms=10.0, timing=SHORT, contrasts=(0.3, 0.5)):
    return make_selective(n_trials=n, dt_ms=dt_ms, timing_ms=timing, contrasts=list(contrasts),
                          conditions=["attend_A", "attend_B", "neutral"], seed=seed)


def sample_batch(n, rng):
    tr = selective(n, int(rng.integers(2**31)))
    return tr.inputs, tr.target, tr.loss_mask()


def small(cls, **kw):
    base = {"max_steps": 3, "batch_size": 8}
    if cls is DotProductAttentionModel:
        base.update(d_model=8, d_ff=16)
    else:
        base["hidden"] = 12
    base.update(kw)
    return cls(cls.Params(**base))


def test_registry_names_these_classes():
    for cls in FAMILY_CLASSES:
        assert load_family(cls.family) is cls
        assert cls.kind == FAMILIES.get(cls.family).obj.kind == "artificial" and "trainable" in cls.capabilities


def test_params_validate():
    with pytest.raises(ParamError, match="GRUParams.hidden"):
        GRUModel.Params(hidden=0)
    with pytest.raises(ParamError, match="confidence_threshold"):
        RNNModel.Params(confidence_threshold=0.4)


def test_binning_averages_and_masks():
    x = np.arange(10, dtype=float).reshape(1, 10, 1)
    np.testing.assert_allclose(bin_inputs(x, 4)[0, :, 0], [1.5, 5.5, 8.5])
    mask = np.zeros(10, dtype=bool)
    mask[5:] = True                                # bin 1 is 3/4 masked: counts
    np.testing.assert_array_equal(bin_mask(mask, 4), [False, True, True])
    mask[5] = False                                # now exactly half: does not
    np.testing.assert_array_equal(bin_mask(mask, 4), [False, False, True])


def test_gru_learns_selective_task():
    model = GRUModel(GRUModel.Params(hidden=32, batch_size=32, max_steps=400, target_accuracy=0.95))
    tr = selective(8, 0)
    hist = model.fit(sample_batch, tr.dt_ms, tr.channels, seed=3)
    assert hist["reached_target"], hist["accuracy"][-10:]
    assert len(hist["loss"]) == len(hist["accuracy"]) == len(hist["readout_accuracy"]) == hist["steps"] <= 400
    assert np.mean(hist["loss"][-5:]) < np.mean(hist["loss"][:5])
    test = selective(120, 99)
    act = model.run(test.inputs, test.dt_ms, test.channels, seed=0)
    attend = test.conditions["condition"] != "neutral"
    assert np.mean(act.choice[attend] == test.target[attend]) >= 0.9


def test_pre_response_loss_withholds_the_decision():
    """With the 'no decision yet' loss outside the response epoch, outputs stay near
    0.5 before it, so threshold crossings come late in the stimulus or in the response."""
    model = GRUModel(GRUModel.Params(hidden=32, max_steps=400, target_accuracy=0.95, pre_response_weight=1.0))
    tr = selective(8, 0)
    hist = model.fit(sample_batch, tr.dt_ms, tr.channels, seed=3)
    assert hist["reached_target"]
    assert np.mean(hist["readout_accuracy"][-10:]) >= 0.95
    test = selective(60, 98)
    act = model.run(test.inputs, test.dt_ms, test.channels, seed=0)
    assert np.mean(act.choice == test.target) >= 0.9
    pre = slice(0, test.epochs["stimulus"].start * int(test.dt_ms) // int(act.dt_ms))
    assert np.all(np.abs(act.group_rate("out_A")[:, pre] - 0.5) < 0.2)


@pytest.mark.parametrize("cls", FAMILY_CLASSES, ids=lambda c: c.family)
def test_training_is_deterministic(cls):
    tr = selective(4, 0)
    states = []
    for seed in (7, 7, 8):
        m = small(cls)
        m.fit(sample_batch, tr.dt_ms, tr.channels, seed=seed)
        states.append(m.state())
    for key in states[0]:
        np.testing.assert_array_equal(states[0][key], states[1][key])
    assert any(not np.array_equal(states[0][k], states[2][k]) for k in states[0] if k != "channels")


@pytest.mark.parametrize("cls", FAMILY_CLASSES, ids=lambda c: c.family)
def test_state_round_trip_reproduces_outputs(cls):
    tr = selective(12, 1)
    m = small(cls)
    m.fit(sample_batch, tr.dt_ms, tr.channels, seed=1)
    buf = io.BytesIO()
    np.savez(buf, **m.state())
    buf.seek(0)
    loaded = dict(np.load(buf))
    m2 = small(cls)
    m2.load_state(loaded)
    a = m.run(tr.inputs, tr.dt_ms, tr.channels, seed=5)
    b = m2.run(tr.inputs, tr.dt_ms, tr.channels, seed=5)
    np.testing.assert_array_equal(a.rates, b.rates)
    np.testing.assert_array_equal(a.choice, b.choice)
    np.testing.assert_array_equal(a.reaction_time_ms, b.reaction_time_ms)
    for k in a.extras:
        np.testing.assert_array_equal(a.extras[k], b.extras[k])
    assert loaded["channels"].dtype.kind == "S"      # storable by h5py as well as npz
    # and running twice with one seed gives the same activity
    np.testing.assert_array_equal(m.run(tr.inputs, tr.dt_ms, tr.channels, seed=5).rates, a.rates)


@pytest.mark.parametrize("cls", FAMILY_CLASSES, ids=lambda c: c.family)
def test_activity_layout(cls):
    tr = selective(6, 2, dt_ms=1.0)
    m = small(cls)
    m.fit(sample_batch, 10.0, tr.channels, seed=0)
    act = m.run(tr.inputs, tr.dt_ms, tr.channels, seed=0)
    n_steps = tr.n_steps // 20                     # 1 ms inputs in 20 ms bins
    n_hidden = m.params.d_model if cls is DotProductAttentionModel else m.params.hidden
    assert act.rates.shape == (6, n_steps, n_hidden + 2)
    assert act.dt_ms == 20.0 and act.rate_unit == "a.u."
    assert act.selective_groups == ("out_A", "out_B")
    p = act.rates[:, :, n_hidden:]
    np.testing.assert_allclose(p.sum(axis=2), 1.0)
    np.testing.assert_array_equal(act.group_rate("out_A"), p[:, :, 0])
    assert set(np.unique(act.choice)) <= {-1, 0, 1}
    # permuting the input channels changes nothing: columns are matched by name
    perm = [2, 0, 3, 1]
    act2 = m.run(tr.inputs[:, :, perm], tr.dt_ms, tuple(tr.channels[i] for i in perm), seed=0)
    np.testing.assert_allclose(act2.rates, act.rates, atol=1e-12)
    if cls is DotProductAttentionModel:
        w = act.extras["attention_weights"]
        assert w.shape == (6, m.params.n_heads, n_steps, n_steps) and w.dtype == np.float32
        np.testing.assert_allclose(w.sum(-1), 1.0, atol=1e-5)
        assert np.all(np.triu(w, 1) == 0)          # causal: nothing from the future
    if cls is EIRNNModel:
        assert np.all(act.rates[:, :, act.groups["hidden"]] >= 0)
        assert act.groups["exc"].stop == round(0.8 * n_hidden)


def test_load_state_rejects_weights_of_another_size():
    tr = selective(3, 0)
    m = small(GRUModel)
    m.fit(sample_batch, tr.dt_ms, tr.channels, seed=0)
    with pytest.raises(ValueError, match="do not match.*mismatch .W_ih"):
        small(GRUModel, hidden=13).load_state(m.state())


def test_untrained_state_is_empty_and_loads():
    m = small(GRUModel)
    assert m.state() == {}
    m.load_state({})
    tr = selective(3, 0)
    a = m.run(tr.inputs, tr.dt_ms, tr.channels, seed=4)      # untrained but seeded
    b = small(GRUModel).run(tr.inputs, tr.dt_ms, tr.channels, seed=4)
    np.testing.assert_array_equal(a.rates, b.rates)


def test_readout_counts_reaction_time_from_stimulus_onset():
    tr = selective(6, 4)
    m = small(GRUModel)
    m.fit(sample_batch, tr.dt_ms, tr.channels, seed=0)
    act = m.run(tr.inputs, tr.dt_ms, tr.channels, seed=0)
    onset_bin = tr.epochs["stimulus"].start * tr.dt_ms / act.dt_ms
    p = act.rates[:, :, act.groups["out_A"]][:, :, 0], act.rates[:, :, act.groups["out_B"]][:, :, 0]
    for i in range(6):
        if np.isfinite(act.reaction_time_ms[i]):
            step = int(onset_bin + act.reaction_time_ms[i] / act.dt_ms)
            assert max(p[0][i, step], p[1][i, step]) >= m.params.confidence_threshold

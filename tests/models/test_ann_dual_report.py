"""The dual-report head of the artificial families: a sigmoid yes/no output per location.

Target (trials, 2) = presence at A and B; trained with the binary cross-entropy
over the loss-mask steps and both locations; run() fills location_reports /
location_evidence. Trials are built by hand here (models/ never needs sim/).
"""
import io

import numpy as np
import pytest

from attnsim.models.ann.families import DotProductAttentionModel, EIRNNModel, GRUModel, LSTMModel, RNNModel
from attnsim.models.ann.loss import (masked_binary_accuracy, masked_binary_cross_entropy, report_evidence,
                             uniform_binary_cross_entropy)
from attnsim.models.ann.networks import EIRNNNetwork, RecurrentNetwork, TransformerNetwork
from tests.helpers.dual_report import CHANNELS, DT_MS, PATTERNS, dual_trials, small
from tests.helpers.gradients import check

FAMILY_CLASSES = [DotProductAttentionModel, RNNModel, GRUModel, LSTMModel, EIRNNModel]


# ------------------------------------------------------------------ the loss
@pytest.fixture
def rng():
    return np.random.default_rng(1)


def test_binary_cross_entropy_gradient_and_closed_form(rng):
    logits = rng.normal(0, 2, (4, 6, 2))
    target = PATTERNS[[0, 1, 2, 3]]
    mask = np.zeros(6, dtype=bool)
    mask[-3:] = True
    loss, d = masked_binary_cross_entropy(logits, target, mask)
    check(lambda: masked_binary_cross_entropy(logits, target, mask)[0], logits, d)
    assert np.all(d[:, ~mask] == 0)
    # closed form: mean over trials, masked steps and locations of -log p(observed)
    p = 1 / (1 + np.exp(-logits))
    terms = [-np.log(p[b, t, k] if target[b, k] else 1 - p[b, t, k])
             for b in range(4) for t in np.flatnonzero(mask) for k in range(2)]
    assert loss == pytest.approx(np.mean(terms), rel=1e-12)
    # stable for huge logits: a confident right answer costs ~0, a confident wrong one ~|z|
    big = np.full((1, 1, 2), 800.0)
    assert masked_binary_cross_entropy(big, np.array([[1, 0]]), np.ones(1, bool))[0] == pytest.approx(400.0)


def test_no_judgment_loss_gradient(rng):
    logits = rng.normal(0, 2, (3, 6, 2))
    mask = np.zeros(6, dtype=bool)
    mask[:2] = True
    loss, d = uniform_binary_cross_entropy(logits, mask)
    check(lambda: uniform_binary_cross_entropy(logits, mask)[0], logits, d)
    assert np.all(d[:, ~mask] == 0)
    assert uniform_binary_cross_entropy(np.zeros((2, 6, 2)), mask)[0] == pytest.approx(np.log(2))


def test_binary_accuracy_scores_each_location_on_its_own():
    logits = np.zeros((2, 3, 2))
    logits[0, :, 0], logits[0, :, 1] = 2.0, -1.0     # trial 0: A yes, B no
    logits[1, :, 0], logits[1, :, 1] = 1.0, 1.0      # trial 1: both yes
    mask = np.array([False, True, True])
    np.testing.assert_array_equal(report_evidence(logits, mask), [[2.0, -1.0], [1.0, 1.0]])
    assert masked_binary_accuracy(logits, np.array([[1, 0], [1, 1]]), mask) == 1.0
    assert masked_binary_accuracy(logits, np.array([[1, 1], [0, 1]]), mask) == 0.5


def test_bad_presence_target_is_refused():
    logits, mask = np.zeros((2, 3, 2)), np.ones(3, bool)
    with pytest.raises(ValueError, match=r"shape \(trials, 2\)"):
        masked_binary_cross_entropy(logits, np.zeros((2, 3), int), mask)
    with pytest.raises(ValueError, match="1 \\(present\\) or 0 \\(absent\\)"):
        masked_binary_cross_entropy(logits, np.array([[1, 2], [0, 0]]), mask)


@pytest.mark.parametrize("net", [RecurrentNetwork("rnn", 5, alpha=0.3), RecurrentNetwork("gru", 5),
                                 RecurrentNetwork("lstm", 5),
                                 EIRNNNetwork(10, exc_fraction=0.8, alpha=0.2, rho=1.5, sigma_rec=0.05),
                                 TransformerNetwork(d_model=8, n_heads=2, d_ff=12, n_layers=1)],
                         ids=["rnn", "gru", "lstm", "ei_rnn", "attention"])
def test_network_gradients_through_the_sigmoid_head(net, rng):
    """BPTT of the binary cross-entropy against central differences, float64."""
    p = net.init(rng, 4)
    for key in ("W_rec", "W_in", "readout_W"):       # E/I: keep |w| away from its kink
        if key in p:
            p[key] = np.where(np.abs(p[key]) < 1e-3, 1e-2, p[key])
    x, target, mask = dual_trials(4, rng)
    x = x[:, ::3]                                    # 7 steps: enough for BPTT, cheap
    mask = mask[::3]

    def loss():
        return masked_binary_cross_entropy(net(p, x, np.random.default_rng(5))[0], target, mask)[0]

    logits, _, cache, _ = net(p, x, np.random.default_rng(5))
    _, d = masked_binary_cross_entropy(logits, target, mask)
    g = net.backward(p, d, cache)
    assert set(g) == set(p)
    for key in p:
        check(loss, p[key], g[key], n_probe=20)


# ---------------------------------------------------------------- the families
def test_rnn_learns_both_locations_independently():
    """Above chance (0.5) at each location on held-out trials, and within every presence
    pattern: a network that only picked the likelier location could not get both
    (1, 1) and (0, 0) right."""
    model = RNNModel(RNNModel.Params(hidden=16, step_ms=DT_MS, tau_ms=20.0, batch_size=32,
                                     max_steps=300, learning_rate=0.02, target_accuracy=0.97))
    hist = model.fit(lambda n, r: dual_trials(n, r), DT_MS, CHANNELS, seed=2)
    assert hist["reached_target"], hist["accuracy"][-10:]
    assert len(hist["readout_accuracy"]) == hist["steps"]
    x, target, _ = dual_trials(200, np.random.default_rng(123))
    act = model.run(x, DT_MS, CHANNELS, seed=0)
    reports = act.location_reports
    assert reports.shape == (200, 2) and set(np.unique(reports)) <= {0, 1}
    np.testing.assert_array_equal(reports, (act.location_evidence > 0).astype(int))
    for k in (0, 1):
        assert np.mean(reports[:, k] == target[:, k]) >= 0.9, k
    for pattern in PATTERNS:
        sel = np.all(target == pattern, axis=1)
        assert np.mean(np.all(reports[sel] == pattern, axis=1)) >= 0.8, pattern
    assert np.all(act.choice == -1) and np.all(np.isnan(act.reaction_time_ms))


@pytest.mark.parametrize("cls", FAMILY_CLASSES, ids=lambda c: c.family)
def test_every_family_trains_the_dual_head(cls):
    """Each family lowers the binary cross-entropy and judges each held-out location well
    above chance (0.5): at least 0.75, halfway to perfect."""
    m = small(cls, max_steps=150, batch_size=16, learning_rate=0.01, target_accuracy=0.95)
    hist = m.fit(lambda n, r: dual_trials(n, r), DT_MS, CHANNELS, seed=4)
    assert np.mean(hist["loss"][-5:]) < np.mean(hist["loss"][:5])
    x, target, mask = dual_trials(200, np.random.default_rng(9))
    act = m.run(x, DT_MS, CHANNELS, seed=0)
    for k in (0, 1):
        assert np.mean(act.location_reports[:, k] == target[:, k]) >= 0.75, k
    n_hidden = m.params.d_model if cls is DotProductAttentionModel else m.params.hidden
    assert act.rates.shape == (200, len(mask), n_hidden + 2)
    assert act.location_reports.shape == act.location_evidence.shape == (200, 2)
    # evidence is the response-window mean of the stored logits; out_A / out_B their sigmoids
    logits = act.extras["logits"].astype(float)
    np.testing.assert_allclose(act.location_evidence, logits[:, mask].mean(axis=1), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(act.rates[:, :, n_hidden:], 1 / (1 + np.exp(-logits)), rtol=1e-5, atol=1e-6)
    assert np.all(act.choice == -1)


@pytest.mark.parametrize("cls", FAMILY_CLASSES, ids=lambda c: c.family)
def test_dual_state_round_trip(cls):
    m = small(cls)
    m.fit(lambda n, r: dual_trials(n, r), DT_MS, CHANNELS, seed=1)
    buf = io.BytesIO()
    np.savez(buf, **m.state())
    buf.seek(0)
    m2 = small(cls)
    m2.load_state(dict(np.load(buf)))
    x, _, _ = dual_trials(8, np.random.default_rng(3))
    a, b = m.run(x, DT_MS, CHANNELS, seed=5), m2.run(x, DT_MS, CHANNELS, seed=5)
    np.testing.assert_array_equal(a.location_reports, b.location_reports)
    np.testing.assert_array_equal(a.location_evidence, b.location_evidence)
    np.testing.assert_array_equal(a.rates, b.rates)
    # same seed, same numbers; a 2-class fit afterwards drops the dual head again
    m3 = small(cls)
    m3.fit(lambda n, r: dual_trials(n, r), DT_MS, CHANNELS, seed=1)
    np.testing.assert_array_equal(m3.run(x, DT_MS, CHANNELS, seed=5).location_evidence, a.location_evidence)

    def two_class(n, r):
        inputs, target, mask = dual_trials(n, r)
        return inputs, target[:, 0], mask
    m3.fit(two_class, DT_MS, CHANNELS, seed=1)
    assert "report_mask" not in m3.state()
    act = m3.run(x, DT_MS, CHANNELS, seed=5)
    assert act.location_reports is None and act.location_evidence is None
    np.testing.assert_allclose(act.rates[:, :, -2:].sum(axis=2), 1.0)


def test_dual_head_refuses_other_timings_and_mixed_targets():
    m = small(RNNModel)
    m.fit(lambda n, r: dual_trials(n, r), DT_MS, CHANNELS, seed=0)
    x, _, _ = dual_trials(4, np.random.default_rng(0))
    with pytest.raises(ValueError, match="trained on 20 steps"):
        m.run(x[:, :15], DT_MS, CHANNELS, seed=0)

    calls = iter(range(100))

    def mixed(n, r):
        inputs, target, mask = dual_trials(n, r)
        return (inputs, target, mask) if next(calls) == 0 else (inputs, target[:, 0], mask)
    with pytest.raises(ValueError, match="mix target shapes"):
        small(RNNModel).fit(mixed, DT_MS, CHANNELS, seed=0)
    with pytest.raises(ValueError, match=r"\(trials, 2\)"):
        small(RNNModel).fit(lambda n, r: (dual_trials(n, r)[0], np.zeros((n, 3), int), dual_trials(n, r)[2]),
                            DT_MS, CHANNELS, seed=0)


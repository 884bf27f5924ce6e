"""sigma_in: Gaussian input noise that makes a noise-free network's task hard (matched difficulty)."""
import numpy as np
import pytest

from attnsim.models.ann.families import EIRNNModel, GRUModel, RNNModel
from tests.helpers.dual_report import CHANNELS, DT_MS, dual_trials, small


def _fit_and_score(sigma_in, seed=3, steps=150):
    model = small(RNNModel, max_steps=steps, batch_size=32, sigma_in=sigma_in, target_accuracy=0.999)
    model.fit(lambda n, r: dual_trials(n, r, noise=0.0), DT_MS, CHANNELS, seed=seed)
    x, target, _ = dual_trials(400, np.random.default_rng(99), noise=0.0)
    act = model.run(x, DT_MS, CHANNELS, seed=7)
    return act, float(np.mean(act.location_reports == target))


def test_zero_noise_is_the_noise_free_network():
    x, _, _ = dual_trials(8, np.random.default_rng(0), noise=0.0)
    a = small(GRUModel)
    b = small(GRUModel, sigma_in=0.0)
    ra = a.run(x, DT_MS, CHANNELS, seed=5).rates
    np.testing.assert_array_equal(ra, b.run(x, DT_MS, CHANNELS, seed=5).rates)
    np.testing.assert_array_equal(ra, a.run(x, DT_MS, CHANNELS, seed=6).rates)  # no noise: seed irrelevant


def test_input_noise_is_seeded_and_lowers_accuracy():
    x, _, _ = dual_trials(8, np.random.default_rng(0), noise=0.0)
    m = small(GRUModel, sigma_in=0.5)
    r1 = m.run(x, DT_MS, CHANNELS, seed=5).rates
    np.testing.assert_array_equal(r1, m.run(x, DT_MS, CHANNELS, seed=5).rates)
    assert not np.array_equal(r1, m.run(x, DT_MS, CHANNELS, seed=6).rates)
    _, clean = _fit_and_score(0.0)
    _, noisy = _fit_and_score(1.5 / np.sqrt(20.0))
    # signal 0.3-0.6 over 10 steps, noise s.d. sqrt(2 / alpha) sigma_in = 1.5 per step (alpha =
    # 10 ms / 100 ms): the ideal observer's d' is ~1.3-2.5, far from the noise-free network's ceiling
    assert clean >= 0.9
    assert 0.5 < noisy < clean - 0.1


def test_negative_sigma_in_is_refused():
    with pytest.raises(Exception, match="sigma_in"):
        RNNModel.Params(sigma_in=-0.1)


@pytest.mark.parametrize("cls", [RNNModel, EIRNNModel])
def test_input_noise_effect_does_not_depend_on_the_step(cls):
    """Song, Yang & Wang 2016: input noise enters as sqrt(2 / alpha) sigma_in N(0, 1) per step,
    alpha = step / tau, the discretized white noise of a continuous-time network. The hidden
    state's variance driven by input noise alone is then the same at 5 and 10 ms steps, up to
    the Euler step's O(alpha) error on the network's own dynamics (+6 % RNN, +11 % E/I RNN here;
    1 / (1 - alpha / 2) for a leak alone) and sampling error. With sigma_in * N(0, 1) per step it grew in proportion to the step: x2.1
    (RNN) and x2.2 (E/I RNN) from 5 to 10 ms."""
    var = {}
    for step in (5.0, 10.0):
        dt = 5.0
        xs = np.zeros((600, int(1200 / dt), len(CHANNELS)))
        extra = {"sigma_rec": 0.0} if cls is EIRNNModel else {}
        m = cls(cls.Params(hidden=12, step_ms=step, sigma_in=0.05, max_steps=1, **extra))
        h = m.run(xs, dt, CHANNELS, seed=3)
        hidden = h.rates[:, :, h.groups["hidden"]]
        late = hidden[:, hidden.shape[1] // 2:]          # after the noise has built up (tau 100 ms)
        var[step] = float(late.var(axis=0).mean())
    assert var[10.0] == pytest.approx(var[5.0], rel=0.15)

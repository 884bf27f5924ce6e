"""Wong & Wang 2006 reduced model: closed forms, batching contract, row 7 of docs/reference.md."""
import numpy as np
import pytest

from attnsim.models.params import ParamError
from attnsim.models.wong_wang import WongWang, WongWangParams, abbott_chance, resting_gating

CH = ("stim_A", "stim_B", "cue_A", "cue_B")


def _rdm_inputs(cohs, n_per, n_steps):
    c = np.repeat(np.asarray(cohs, float), n_per)
    inp = np.zeros((c.size, n_steps, 4))
    inp[:, :, 0] = 0.5 * (1 + c)[:, None]
    inp[:, :, 1] = 0.5 * (1 - c)[:, None]
    return c, inp


def test_abbott_chance_limit_and_values():
    # H(x) -> 1/d where a x = b (removable singularity), and ~ a x - b far above threshold.
    p = WongWangParams()
    assert abbott_chance(p.b_hz / p.a_hz_per_nA, p.a_hz_per_nA, p.b_hz, p.d_s) == pytest.approx(1 / p.d_s)
    x = 1.0
    y = p.a_hz_per_nA * x - p.b_hz
    assert abbott_chance(x, p.a_hz_per_nA, p.b_hz, p.d_s) == pytest.approx(y / (1 - np.exp(-p.d_s * y)))


def test_bad_param_is_named():
    with pytest.raises(ParamError, match="tau_NMDA_ms"):
        WongWangParams(tau_NMDA_ms=-1)


def test_noise_free_trajectory_matches_numpy_euler():
    p = WongWangParams(sigma_noise_nA=0.0, dt_integration_ms=0.5, record_dt_ms=0.5)
    m = WongWang(p)
    n_steps, dt = 300, 1.0
    inp = np.zeros((2, n_steps, 4))
    inp[0, 50:, 0], inp[0, 50:, 1] = 0.6, 0.4
    inp[1, :, 2] = 1.0  # cue only
    act = m.run(inp, dt, CH, seed=0)
    # Reference: explicit Euler of the same ODE in numpy, states sampled before each update.
    s = np.full((2, 2), resting_gating(p))
    i_a, i_b = m.input_currents_nA(inp, CH)
    h = p.dt_integration_ms * 1e-3
    ref = []
    for k in range(int(n_steps * dt / p.dt_integration_ms)):
        step = int(k * p.dt_integration_ms / dt)
        x = np.stack([p.J_11_nA * s[:, 0] - p.J_12_nA * s[:, 1] + p.I_0_nA + i_a[:, step],
                      p.J_11_nA * s[:, 1] - p.J_12_nA * s[:, 0] + p.I_0_nA + i_b[:, step]], axis=1)
        r = abbott_chance(x, p.a_hz_per_nA, p.b_hz, p.d_s)
        ref.append(r)
        s = s + h * (-s / (p.tau_NMDA_ms * 1e-3) + (1 - s) * p.gamma * r)
    ref = np.stack(ref, axis=1)
    np.testing.assert_allclose(act.rates, ref, rtol=1e-7, atol=1e-9)
    # At rest the gating sits on the closed-form fixed point.
    np.testing.assert_allclose(act.extras["S"][0, :50], resting_gating(p), rtol=1e-9)


def test_batch_reuse_padding_and_seed():
    m = WongWang()
    c, inp = _rdm_inputs([0.0, 0.1], 10, 400)
    a1 = m.run(inp, 1.0, CH, seed=3)
    net = m._net
    a2 = m.run(inp[:7], 1.0, CH, seed=3)   # fewer trials: padded, same network
    assert m._net is net
    assert a2.rates.shape == (7, 400, 2)
    np.testing.assert_array_equal(a2.rates, a1.rates[:7])
    a3 = m.run(inp[:7], 1.0, CH, seed=4)
    assert not np.array_equal(a3.rates, a2.rates)
    assert a1.groups == {"pool_A": slice(0, 1), "pool_B": slice(1, 2)}
    assert a1.extras["S"].shape == a1.rates.shape


def test_random_dots_psychometric_and_chronometric():
    # Row 7: P(A) = 0.5 at 0 % coherence, ~1 at 51.2 %; decision time falls monotonically
    # from ~380 ms (0 %) to ~160 ms (51.2 %). Bounds widened for 80 trials per coherence.
    cohs = [0.0, 0.128, 0.512]
    c, inp = _rdm_inputs(cohs, 80, 1500)
    act = WongWang().run(inp, 1.0, CH, seed=11)
    p_a = [np.mean(act.choice[c == k] == 0) for k in cohs]
    rt = [np.nanmean(act.reaction_time_ms[c == k]) for k in cohs]
    assert abs(p_a[0] - 0.5) < 0.15
    assert p_a[1] > 0.85
    assert p_a[2] >= 0.98
    assert rt[0] > rt[1] > rt[2]
    assert 300 < rt[0] < 550
    assert 120 < rt[2] < 240


@pytest.mark.slow
def test_row7_full_validation():
    # Row 7 with 1000 trials per coherence (~15 s). Measured: P(A|0%) = 0.501,
    # Weibull alpha = 5.4 % (target 6-8 %), decision time 436 ms (0 %) -> 179 ms (51.2 %).
    from scipy.optimize import curve_fit
    cohs = [0.0, 0.032, 0.064, 0.128, 0.256, 0.512]
    c, inp = _rdm_inputs(cohs, 1000, 2000)
    act = WongWang().run(inp, 1.0, CH, seed=1)
    p_a = np.array([np.mean(act.choice[c == k] == 0) for k in cohs])
    rt = np.array([np.nanmean(act.reaction_time_ms[c == k]) for k in cohs])
    weib = lambda x, a, b: 1 - 0.5 * np.exp(-(x / a) ** b)
    (alpha, _), _ = curve_fit(weib, np.array(cohs[1:]) * 100, p_a[1:], p0=[8, 1.5])
    assert abs(p_a[0] - 0.5) <= 0.03
    assert np.all(np.diff(rt) < 0)
    assert 4.5 < alpha < 8.5          # target 6-8 %; measured 5.4 %
    assert 330 < rt[0] < 480 and 140 < rt[-1] < 200

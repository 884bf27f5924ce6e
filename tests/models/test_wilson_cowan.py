"""Wilson & Cowan E/I pairs: fixed points of validation row 6, Jacobian, Brian2 dynamics."""
import numpy as np
import pytest

from attnsim.models.wilson_cowan import (WilsonCowan, WilsonCowanParams, fixed_points, pair_jacobian,
                                 pair_rhs, sigmoid)

CH = ("stim_A", "stim_B", "cue_A", "cue_B")
ROW6 = [((0.0, 0.0), "stable"), ((0.3369, 0.1684), "saddle"), ((0.9384, 0.6725), "stable")]


def test_fixed_points_match_row6():
    fps = fixed_points(WilsonCowanParams())
    assert len(fps) == 3
    for fp, ((e, i), kind) in zip(fps, ROW6):
        assert round(fp["E"], 4) == e and round(fp["I"], 4) == i
        assert fp["stability"] == kind
        assert np.max(np.abs(pair_rhs(fp["E"], fp["I"], WilsonCowanParams()))) < 1e-10


def test_sigmoid_is_shifted_to_zero():
    assert sigmoid(0.0, 1.2, 2.8) == pytest.approx(0.0, abs=1e-15)
    assert sigmoid(1e3, 1.2, 2.8) == pytest.approx(1 - 1 / (1 + np.exp(1.2 * 2.8)))


def test_jacobian_matches_finite_differences():
    p = WilsonCowanParams()
    for e, i in [(0.3, 0.2), (0.9, 0.6), (0.05, 0.4)]:
        h = 1e-6
        num = np.empty((2, 2))
        for k, (de, di) in enumerate([(h, 0), (0, h)]):
            up = np.array(pair_rhs(e + de, i + di, p))
            dn = np.array(pair_rhs(e - de, i - di, p))
            num[:, k] = (up - dn) / (2 * h)
        np.testing.assert_allclose(pair_jacobian(e, i, p), num, rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("start, end", [((0.02, 0.02), (0.0, 0.0)),
                                        ((0.90, 0.70), (0.9384, 0.6725))])
def test_simulation_stays_at_stable_points(start, end):
    p = WilsonCowanParams(E0=start[0], I0=start[1], w_cross=0.0, sigma_noise=0.0)
    act = WilsonCowan(p).run(np.zeros((1, 300, 4)), 1.0, CH, seed=0)  # 30 time units
    raw = act.extras["raw"][0, -1]
    np.testing.assert_allclose(raw[[0, 1]], end, atol=2e-4)
    np.testing.assert_allclose(raw[[2, 3]], end, atol=2e-4)


def test_simulation_leaves_the_saddle():
    p = WilsonCowanParams(E0=0.3369 + 0.01, I0=0.1684, w_cross=0.0, sigma_noise=0.0)
    act = WilsonCowan(p).run(np.zeros((1, 300, 4)), 1.0, CH, seed=0)
    assert act.extras["raw"][0, -1, 0] == pytest.approx(0.9384, abs=2e-3)


def test_cued_pair_wins_and_network_is_reused():
    n_steps = 500
    inp = np.zeros((20, n_steps, 4))
    inp[:, 100:, 0] = inp[:, 100:, 1] = 0.5      # equal stimuli
    inp[:10, 50:, 2] = 1.0                        # cue A
    inp[10:, 50:, 3] = 1.0                        # cue B
    m = WilsonCowan()
    act = m.run(inp, 1.0, CH, seed=1)
    target = np.r_[np.zeros(10), np.ones(10)]
    assert np.mean(act.choice == target) >= 0.8
    e_a, e_b = act.group_rate("E_A")[:, 200:].mean(1), act.group_rate("E_B")[:, 200:].mean(1)
    assert np.mean(np.where(target == 0, e_a - e_b, e_b - e_a)) > 0.5
    assert (act.rates >= 0).all()
    net = m._net
    again = m.run(inp[:5], 1.0, CH, seed=1)
    assert m._net is net
    np.testing.assert_array_equal(again.rates, act.rates[:5])

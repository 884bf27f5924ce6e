"""Dynamical Similarity Analysis (attnsim.dynamics.dsa) on systems whose dynamics are known."""
import numpy as np
import pytest
from scipy.stats import ortho_group

from attnsim.dynamics.baselines import seed_spread, shuffle_null, time_shuffle
from attnsim.dynamics.dsa import delay_embed, dsa_distance, dsa_matrix, fit_operator, procrustes_angle
from helpers.dynamics_systems import system

OPTS = {"n_delays": 2, "rank": 4}


def test_delay_embedding_is_newest_first():
    x = np.arange(12.0).reshape(1, 6, 2)                # x_t = (2t, 2t + 1)
    h = delay_embed(x, n_delays=3, delay_interval=2)
    assert h.shape == (1, 2, 6)
    np.testing.assert_array_equal(h[0, 0], [8, 9, 4, 5, 0, 1])    # [x_4, x_2, x_0]
    with pytest.raises(ValueError, match="too few"):
        delay_embed(x, n_delays=4, delay_interval=2)


def test_havok_operator_recovers_a_linear_map():
    # noiseless linear system in 3-D: the operator's eigenvalues are the system's
    rng = np.random.default_rng(0)
    a = np.array([[0.9, -0.3, 0.0], [0.3, 0.9, 0.0], [0.0, 0.0, 0.5]])
    x = np.empty((10, 30, 3))
    x[:, 0] = rng.standard_normal((10, 3))
    for t in range(1, 30):
        x[:, t] = x[:, t - 1] @ a.T
    fit = fit_operator(x, n_delays=1, rank=3)
    np.testing.assert_allclose(np.sort_complex(np.linalg.eigvals(fit.operator)),
                               np.sort_complex(np.linalg.eigvals(a)), atol=1e-8)
    assert fit.explained_variance == pytest.approx(1.0)


def test_procrustes_angle_finds_the_hidden_rotation():
    rng = np.random.default_rng(1)
    for n in (3, 6, 10):
        a = rng.standard_normal((n, n))
        q = ortho_group.rvs(n, random_state=n)
        angle, c = procrustes_angle(a, q @ a @ q.T)
        assert angle < 1e-6
        np.testing.assert_allclose(c @ c.T, np.eye(n), atol=1e-10)      # C is orthogonal
        b = rng.standard_normal((n, n))
        d_ab, d_ba = procrustes_angle(a, b)[0], procrustes_angle(b, a)[0]
        assert 0.1 < d_ab < np.pi and d_ab == pytest.approx(d_ba, abs=1e-2)   # a non-convex search
        # no C does better than the optimum found: random orthogonal matrices all read more
        cos = [np.sum(a * (r @ b @ r.T)) / np.linalg.norm(a) / np.linalg.norm(b)
               for r in ortho_group.rvs(n, size=200, random_state=7)]
        assert d_ab <= np.arccos(max(cos)) + 1e-9


def test_dsa_zero_under_rotation_and_invertible_map():
    line = system("line", seed=0)
    q = ortho_group.rvs(6, random_state=5)
    assert dsa_distance(line, line @ q, **OPTS) < 1e-6
    m = np.random.default_rng(3).standard_normal((6, 6))           # non-orthogonal, invertible
    assert dsa_distance(line, line @ m, **OPTS) < 1e-6              # full rank: V's span is unchanged


def test_dsa_line_far_from_point_same_topology_close():
    line = system("line", seed=0)
    point = system("point", seed=1)
    # another line attractor: other noise, 9 units read out by other weights, the line bent
    bent = system("line", seed=2, warp=0.1, n_units=9)
    d_lp = dsa_distance(line, point, **OPTS)
    d_lb = dsa_distance(line, bent, **OPTS)
    assert d_lp > 0.2
    assert d_lb < d_lp / 2
    # the control: a point attractor's dynamics read the same way stay far from the line's
    assert dsa_distance(bent, point, **OPTS) > 2 * d_lb


def test_time_shuffled_null_and_seed_spread():
    line = [system("line", seed=s) for s in range(2)]
    point = [system("point", seed=10 + s) for s in range(2)]
    dist = lambda x, y: dsa_distance(x, y, **OPTS)  # noqa: E731
    null = shuffle_null(dist, line[0], line[1], n_shuffle=4, seed=0)
    assert null["distance"] < null["null_q05"]               # two line attractors beat any shuffle
    assert null["frac_below"] == pytest.approx(0.2)           # (1 + 0) / (1 + 4)
    sp = seed_spread(dist, line, point)
    assert sp["between"].shape == (4,) and sp["within_a"].shape == (1,)
    assert sp["ratio"] > 2                                     # architectures differ more than seeds
    shuffled = time_shuffle(line[0], np.random.default_rng(0))
    np.testing.assert_allclose(np.sort(shuffled, axis=1), np.sort(line[0], axis=1))   # same values


def test_dsa_matrix_reports_baselines():
    systems = {"line": [system("line", seed=s) for s in range(2)],
               "point": [system("point", seed=10 + s) for s in range(2)]}
    res = dsa_matrix(systems, n_shuffle=2, **OPTS)
    assert res.names == ["line", "point"]
    assert res.distance[0, 1] == res.distance[1, 0] > max(res.distance[0, 0], res.distance[1, 1])
    (row,) = res.rows()
    assert row["a"] == "line" and row["b"] == "point" and np.isfinite(row["null_mean"])
    with pytest.raises(ValueError, match="unknown options"):
        dsa_matrix(systems, n_delay=2)


def test_bad_input_is_a_clear_error():
    with pytest.raises(ValueError, match="NaN"):
        dsa_distance(np.full((5, 3), np.nan), np.ones((5, 3)))
    with pytest.raises(ValueError, match="method"):
        fit_operator(np.random.default_rng(0).standard_normal((20, 3)), method="exact")
    with pytest.raises(ValueError, match="no variance"):
        fit_operator(np.zeros((20, 3)), n_delays=1, rank=2)

"""The generic fixed-point finder (attnsim.dynamics) against answers computed before it runs.

- Wilson-Cowan (docs/reference.md row 6): the three fixed points of an isolated E/I pair;
- Wong & Wang 2006 (row 14): at c = 0 with the stimulus on, two decision attractors and a saddle on
  the symmetry line; without the stimulus, the low symmetric state is stable. The expected points
  are computed here from the published equations (scipy.optimize.fsolve from a grid, Jacobian
  eigenvalues), independently of the model's code;
- an RNN trained on the 3-bit flip-flop (Sussillo & Barak 2013): 8 stable points, one per pattern.
"""
import itertools

import numpy as np
import pytest
from scipy.optimize import fsolve

from attnsim.dynamics import FixedPoints, find_fixed_points, fixed_points
from attnsim.models.registry import FAMILIES
from attnsim.tasks.trials import Trials

CH = ("stim_A", "stim_B", "cue_A", "cue_B")


# ------------------------------------------------------------------ computed answers
def _roots(rhs, grid, dim=2, tol=1e-9):
    """Distinct roots of rhs (R^dim -> R^dim) by fsolve from every point of a grid, with the
    eigenvalues of the central-difference Jacobian at each."""
    found = []
    for start in itertools.product(grid, repeat=dim):
        r, _, ier, _ = fsolve(rhs, np.array(start), full_output=True, xtol=1e-13)
        if ier == 1 and np.max(np.abs(rhs(r))) < tol and all(np.linalg.norm(r - f) > 1e-6 for f in found):
            found.append(r)
    out = []
    for r in found:
        J = np.empty((dim, dim))
        for j in range(dim):
            e = np.zeros(dim)
            e[j] = 1e-7
            J[:, j] = (rhs(r + e) - rhs(r - e)) / 2e-7
        out.append((r, np.linalg.eigvals(J)))
    return out


def _kind(eig):
    re = np.real(eig)
    return "stable" if np.all(re < 0) else ("saddle" if np.any(re < 0) else "unstable")


def wilson_cowan_pair_points():
    """Row 6: one isolated pair, tau_E = 1, a_E = 1.2, theta_E = 2.8, tau_I = 2, a_I = 1, theta_I = 4,
    w_EE = 9, w_EI = 4, w_IE = 13, w_II = 11, sigmoid shifted to S(0) = 0 (Wilson & Cowan 1972)."""
    def S(x, a, th):
        return 1 / (1 + np.exp(-a * (x - th))) - 1 / (1 + np.exp(a * th))

    def rhs(v):
        E, I = v
        return np.array([-E + S(9 * E - 4 * I, 1.2, 2.8), (-I + S(13 * E - 11 * I, 1.0, 4.0)) / 2])
    return _roots(rhs, np.linspace(0, 1, 11))


def wong_wang_points(I_ext_nA):
    """Row 14: the reduced model's (S1, S2) fixed points with the same external current to both pools
    (Wong & Wang 2006 eqs. of the two-variable model; row 7's parameters)."""
    J11, J12, I0, tau_s, gamma = 0.2609, 0.0497, 0.3255, 0.1, 0.641
    a, b, d = 270.0, 108.0, 0.154

    def H(x):
        y = a * x - b
        return y / (1 - np.exp(-d * y))

    def rhs(S):
        x1 = J11 * S[0] - J12 * S[1] + I0 + I_ext_nA
        x2 = J11 * S[1] - J12 * S[0] + I0 + I_ext_nA
        return np.array([-S[0] / tau_s + (1 - S[0]) * gamma * H(x1), -S[1] / tau_s + (1 - S[1]) * gamma * H(x2)])
    with np.errstate(over="ignore"):
        return _roots(rhs, np.linspace(0.01, 0.99, 15))


def _match(expected, fp: FixedPoints, project=slice(None)):
    """For each expected (point, eigenvalues): the distance to the nearest fixed point found and its index."""
    pts = fp.points[fp.is_fixed][:, project]
    idx = np.flatnonzero(fp.is_fixed)
    out = []
    for r, _ in expected:
        d = np.linalg.norm(pts - r, axis=1)
        out.append((float(d.min()), int(idx[np.argmin(d)])))
    return out


# ------------------------------------------------------------------ Wilson-Cowan, row 6
def test_wilson_cowan_row6_three_points():
    expected = wilson_cowan_pair_points()
    assert len(expected) == 3
    assert sorted(_kind(e) for _, e in expected) == ["saddle", "stable", "stable"]
    row6 = [(0.0, 0.0), (0.3369, 0.1684), (0.9384, 0.6725)]
    assert all(min(np.abs(r - np.array(v)).max() for r, _ in expected) < 1e-4 for v in row6)
    # the model with the pairs uncoupled (w_cross = 0) is two copies of the pair: 3 x 3 fixed points
    cls = FAMILIES.get("wilson_cowan").obj
    dyn = cls(cls.Params(w_cross=0.0)).dynamics(CH, 1.0)
    starts = np.random.default_rng(0).uniform(0, 1, (100, 4))
    fp = find_fixed_points(dyn, np.zeros(4), starts)
    assert fp.is_fixed.sum() == 9
    want = []
    for (ra, ea), (rb, eb) in itertools.product(expected, repeat=2):
        n_unst = int(np.sum(np.real(ea) > 0) + np.sum(np.real(eb) > 0))
        want.append((np.concatenate([ra, rb]), n_unst))
    dist = _match(want, fp)
    assert max(d for d, _ in dist) < 1e-8
    for (_, n_unst), (_, k) in zip(want, dist):
        assert fp.n_unstable[k] == n_unst
        assert fp.type[k] == ("stable" if n_unst == 0 else "saddle")
    # each saddle of one unstable mode links the two stable points beside it
    for con in fp.connections:
        if fp.n_unstable[con["saddle"]] == 1:
            assert fp.type[con["reaches"]] == "stable"


# ------------------------------------------------------------------ Wong & Wang, row 14
@pytest.fixture(scope="module")
def wong_wang_fixed_points():
    cls = FAMILIES.get("rate_competition").obj
    model = cls(cls.Params())
    dt, n_trials = 1.0, 24                          # at c = 0 both decisions occur among 24 trials
    fix, stim, delay = 200, 600, 200
    n = fix + stim + delay
    x = np.zeros((n_trials, n, 4))
    x[:, fix:fix + stim, :2] = 0.5                  # c = 0: mu0 (1 +- c) = 30 Hz to both pools
    epochs = {"fixation": slice(0, fix), "stimulus": slice(fix, fix + stim), "delay": slice(fix + stim, n)}
    trials = Trials(dt, x, CH, np.zeros(n_trials, int), epochs, {"condition": np.array(["neutral"] * n_trials)})
    return model, fixed_points(model, trials, n_init=64, seed=2)


def test_wong_wang_row14_stimulus_on(wong_wang_fixed_points):
    model, res = wong_wang_fixed_points
    p = model.params
    expected = wong_wang_points(p.J_ext_nA_per_hz * 30.0)
    kinds = sorted(_kind(e) for _, e in expected)
    assert kinds == ["saddle", "stable", "stable"]
    fp = res["stimulus"]
    assert fp.is_fixed.sum() == 3
    dist = _match(expected, fp)
    assert max(d for d, _ in dist) < 1e-8
    for (r, eig), (_, k) in zip(expected, dist):
        assert fp.type[k] == _kind(eig)
        # the generic finder's eigenvalues are the published equations' (per s there, per ms here)
        np.testing.assert_allclose(np.sort(fp.eigenvalues[k].real) * 1e3, np.sort(eig.real), rtol=1e-4)
    saddle = fp.select("saddle")[0]
    assert abs(fp.points[saddle, 0] - fp.points[saddle, 1]) < 1e-8          # on the symmetry line
    assert fp.n_unstable[saddle] == 1
    reached = sorted(con["reaches"] for con in fp.connections if con["saddle"] == saddle)
    assert reached == sorted(fp.select("stable"))     # its unstable mode leads to the two decisions


def test_wong_wang_row14_no_stimulus(wong_wang_fixed_points):
    _, res = wong_wang_fixed_points
    expected = wong_wang_points(0.0)
    fp = res["fixation"]
    low = min(expected, key=lambda e: e[0].sum())
    assert abs(low[0][0] - low[0][1]) < 1e-10 and _kind(low[1]) == "stable"
    dist = _match(expected, fp)
    assert fp.is_fixed.sum() == len(expected)
    assert max(d for d, _ in dist) < 1e-8
    for (r, eig), (_, k) in zip(expected, dist):
        assert fp.type[k] == _kind(eig)
    # each saddle separates the spontaneous state from one decision held in memory
    low_k = _match([low], fp)[0][1]
    for saddle in fp.select("saddle"):
        reached = {con["reaches"] for con in fp.connections if con["saddle"] == saddle}
        assert low_k in reached and len(reached) == 2 and all(fp.type[k] == "stable" for k in reached)
    # the delay epoch has the same inputs as fixation: the same points
    assert res["delay"].is_fixed.sum() == len(expected)


# ------------------------------------------------------------------ 3-bit flip-flop
def test_rnn_flipflop_has_one_stable_point_per_pattern():
    from attnsim.models.ann.blas_threads import single_thread_blas
    from attnsim.models.ann.dynamics import RecurrentDynamics
    from attnsim.models.ann.layers import dense_forward
    from attnsim.models.ann.recurrent import rnn_forward
    from tests.helpers.flipflop import flipflop_batch, train_flipflop

    bits = 3
    with single_thread_blas():
        w, _ = train_flipflop(bits, hidden=48, steps=800, learning_rate=0.005, n_steps=100, batch=32, seed=0)
    patterns = np.array(list(itertools.product([-1.0, 1.0], repeat=bits)))
    # the trained network holds every pattern for 1000 steps at zero input: it solves the task
    x = np.zeros((len(patterns), 1000, bits))
    x[:, 5] = patterns
    h, _ = rnn_forward(x, w)
    held = np.sign(dense_forward(h[:, -1], w["readout_W"], w["readout_b"]))
    assert np.array_equal(held, patterns), "training did not give a 3-bit flip-flop"
    x, _ = flipflop_batch(np.random.default_rng(5), 64, 100, bits)
    states, _ = rnn_forward(x, w)
    dyn = RecurrentDynamics("rnn", w, 10.0, list(range(bits)))
    from attnsim.dynamics.fixed_points import sample_states
    fp = find_fixed_points(dyn, np.zeros(bits), sample_states(states, 256, seed=1), noise=0.02)
    stable = fp.select("stable")
    assert len(stable) == 2 ** bits
    read = np.sign(dense_forward(fp.points[stable], w["readout_W"], w["readout_b"]))
    assert {tuple(r) for r in read} == {tuple(p) for p in patterns}
    # the stable points are the states the network settles in (distance to the end of each hold)
    d = np.linalg.norm(h[:, -1][:, None] - fp.points[stable][None], axis=2).min(axis=1)
    assert d.max() < 1e-6
    assert np.any(fp.type == "saddle") and all(c["reaches"] >= 0 for c in fp.connections)


# ------------------------------------------------------------------ from Python
def test_model_without_the_capability_says_na():
    cls = FAMILIES.get("dot_product_attention").obj
    trials = Trials(1.0, np.zeros((2, 40, 4)), CH, np.zeros(2, int), {"fixation": slice(0, 40)},
                    {"condition": np.array(["neutral"] * 2)})
    res = fixed_points(cls(cls.Params()), trials)
    assert res["fixation"].note == "n/a: dot_product_attention has no dynamical capability"
    assert len(res["fixation"]) == 0 and "n/a" in res["fixation"].table()


def test_bad_select_and_epoch_are_clear_errors():
    from attnsim.errors import AttnsimError
    cls = FAMILIES.get("wilson_cowan").obj
    trials = Trials(1.0, np.zeros((2, 40, 4)), CH, np.zeros(2, int), {"fixation": slice(0, 40)},
                    {"condition": np.array(["neutral"] * 2)})
    with pytest.raises(AttnsimError, match="unknown epoch"):
        fixed_points(cls(cls.Params()), trials, epochs="cue")
    with pytest.raises(AttnsimError, match="not a condition"):
        fixed_points(cls(cls.Params()), trials, select={"coherence": 0.0})


# ------------------------------------------------------------------ a line attractor
class _Linear:
    """velocity = A x + B u, continuous or as a map of step dt (a synthetic Dynamics)."""

    state_labels = ("x0", "x1", "x2")

    def __init__(self, A, time, dt_ms=1.0):
        self.A, self.time, self.dt_ms = np.asarray(A, float), time, dt_ms

    def velocity(self, x, u):
        return x @ self.A.T + u

    def jacobian(self, x, u):
        return np.broadcast_to(self.A, (len(x),) + self.A.shape).copy()

    def trajectories(self, inputs, seed):
        raise NotImplementedError


@pytest.mark.parametrize("time, dt", [("continuous", 1.0), ("discrete", 20.0)])
def test_line_attractor_points_are_marginal(time, dt):
    # eigenvalue 0 along x0 (a line of fixed points; a map eigenvalue 1 + dt * 0 = 1), decay elsewhere
    A = np.diag([0.0, -0.01, -0.02])
    starts = np.random.default_rng(0).normal(0, 1, (40, 3))
    fp = find_fixed_points(_Linear(A, time, dt), np.zeros(3), starts)
    assert len(fp) > 5 and np.all(fp.is_fixed)
    assert set(fp.type) == {"marginal"} and np.all(fp.n_unstable == 0)
    # all on the line: a start stops at q dt^2 < 1e-24, |x1| < sqrt(2e-24) / (0.01 dt) < 1.5e-10
    np.testing.assert_allclose(fp.points[:, 1:], 0, atol=1.5e-10)
    # the same system with a weak decay along x0 (time constant 200 ms < marginal_ms) has one stable point
    fp = find_fixed_points(_Linear(np.diag([-0.005, -0.01, -0.02]), time, dt), np.zeros(3), starts)
    assert len(fp) == 1 and fp.type[0] == "stable"
    # and a growing mode makes it a saddle with one unstable dimension
    fp = find_fixed_points(_Linear(np.diag([0.005, -0.01, -0.02]), time, dt), np.zeros(3), starts)
    assert len(fp) == 1 and fp.type[0] == "saddle" and fp.n_unstable[0] == 1

"""The `dynamical` capability (models/dynamics.py): each family's velocity is what its `run` integrates.

One Euler step of the velocity from a recorded noise-free state must give the next recorded
state (rate models: record step = integration step; ANNs: the map itself), and the analytic
Jacobians must match central differences.
"""
import numpy as np
import pytest

from attnsim.models.base import CAPABILITIES, check_model_class
from attnsim.models.dynamics import Dynamics, finite_difference_jacobian
from attnsim.models.registry import FAMILIES

CH = ("stim_A", "stim_B", "cue_A", "cue_B")
ANN = ("rnn", "gru", "lstm", "ei_rnn")


def _inputs(n_trials, n_steps, rng):
    """Piecewise-constant random inputs: cue, then stimulus, as a task writes them."""
    x = np.zeros((n_trials, n_steps, len(CH)))
    a, b = n_steps // 4, n_steps // 2
    x[:, a:b, 2:] = rng.uniform(0, 1, (n_trials, 1, 2))
    x[:, b:, :2] = rng.uniform(0, 1, (n_trials, 1, 2))
    return x


def _ann(family, **extra):
    cls = FAMILIES.get(family).obj
    kw = dict(hidden=12, dtype="float64", sigma_in=0.0, step_ms=20.0)
    if family == "ei_rnn":
        kw["sigma_rec"] = 0.0
    kw.update(extra)
    model = cls(cls.Params(**kw))
    model.run(np.zeros((1, 20, 4)), 1.0, CH, seed=3)        # untrained: seeded random weights
    return model


def test_capability_is_declared_and_accepted():
    assert "dynamical" in CAPABILITIES
    for fam in ANN + ("rate_competition", "wilson_cowan"):
        cls = FAMILIES.get(fam).obj
        assert "dynamical" in cls.capabilities, fam
        check_model_class(cls, fam)
    assert "dynamical" not in FAMILIES.get("dot_product_attention").obj.capabilities


@pytest.mark.parametrize("family", ANN)
def test_ann_euler_step_reproduces_noise_free_trajectory(family):
    rng = np.random.default_rng(0)
    model = _ann(family)
    inputs = _inputs(3, 400, rng)
    dyn = model.dynamics(CH, 1.0)
    assert isinstance(dyn, Dynamics) and dyn.time == "discrete" and dyn.dt_ms == 20.0
    traj = dyn.trajectories(inputs, seed=5)
    H = 12
    assert traj.shape == (3, 20, 2 * H if family == "lstm" else H)
    rates = model.run(inputs, 1.0, CH, seed=5).rates[:, :, :H]
    seen = traj[:, :, :H] if family != "ei_rnn" else np.maximum(traj, 0)
    np.testing.assert_allclose(seen, rates, atol=1e-12)
    u = inputs.reshape(3, 20, 20, 4).mean(axis=2)               # the model's binned inputs
    for t in range(19):
        nxt = traj[:, t] + dyn.dt_ms * dyn.velocity(traj[:, t], u[:, t + 1])
        np.testing.assert_allclose(nxt, traj[:, t + 1], atol=1e-12)
    # channels in another order are mapped back to the trained order
    perm = (2, 0, 3, 1)
    dyn2 = model.dynamics(tuple(CH[i] for i in perm), 1.0)
    np.testing.assert_allclose(dyn2.velocity(traj[:, 5], u[:, 6][:, list(perm)]),
                               dyn.velocity(traj[:, 5], u[:, 6]), atol=1e-14)


@pytest.mark.parametrize("family", ANN)
def test_ann_jacobian_matches_finite_differences(family):
    rng = np.random.default_rng(1)
    dyn = _ann(family).dynamics(CH, 1.0)
    n = len(dyn.state_labels)
    x = rng.normal(0, 0.5, (4, n))
    u = rng.uniform(0, 1, (4, 4))
    np.testing.assert_allclose(dyn.jacobian(x, u), finite_difference_jacobian(dyn.velocity, x, u),
                               rtol=1e-5, atol=1e-8)


def test_ann_trajectories_carry_the_run_noise():
    model = _ann("gru", sigma_in=0.3)
    inputs = _inputs(2, 200, np.random.default_rng(2))
    traj = model.dynamics(CH, 1.0).trajectories(inputs, seed=9)
    np.testing.assert_allclose(traj, model.run(inputs, 1.0, CH, seed=9).rates[:, :, :12], atol=1e-12)


def test_untrained_ann_dynamics_is_a_clear_error():
    from attnsim.models.errors import AttnsimError
    cls = FAMILIES.get("gru").obj
    with pytest.raises(AttnsimError, match="fit or load_state"):
        cls(cls.Params(hidden=4)).dynamics(CH, 1.0)


def test_wong_wang_euler_step_reproduces_noise_free_run():
    cls = FAMILIES.get("rate_competition").obj
    model = cls(cls.Params(sigma_noise_nA=0.0, dt_integration_ms=0.5, record_dt_ms=0.5))
    inputs = _inputs(2, 600, np.random.default_rng(3))
    dyn = model.dynamics(CH, 0.5)
    assert dyn.time == "continuous" and dyn.dt_ms == 0.5
    S = dyn.trajectories(inputs, seed=1)
    assert S.shape == (2, 600, 2)
    for t in range(0, 599, 7):
        nxt = S[:, t] + 0.5 * dyn.velocity(S[:, t], inputs[:, t])
        np.testing.assert_allclose(nxt, S[:, t + 1], rtol=1e-9, atol=1e-12)
    # at rest the velocity vanishes at the model's own low fixed point
    from attnsim.models.wong_wang import resting_gating
    s0 = resting_gating(model.params)
    assert np.max(np.abs(dyn.velocity(np.array([[s0, s0]]), np.zeros((1, 4))))) < 1e-12


def test_wilson_cowan_euler_step_and_jacobian():
    cls = FAMILIES.get("wilson_cowan").obj
    model = cls(cls.Params(sigma_noise=0.0, dt_integration_ms=0.1, record_dt_ms=0.1, E0=0.2, I0=0.1))
    inputs = _inputs(2, 500, np.random.default_rng(4))
    dyn = model.dynamics(CH, 0.1)
    X = dyn.trajectories(inputs, seed=1)
    for t in range(0, 499, 7):
        nxt = X[:, t] + 0.1 * dyn.velocity(X[:, t], inputs[:, t])
        np.testing.assert_allclose(nxt, X[:, t + 1], rtol=1e-9, atol=1e-12)
    rng = np.random.default_rng(5)
    x, u = rng.uniform(0, 1, (3, 4)), rng.uniform(0, 1, (3, 4))
    np.testing.assert_allclose(dyn.jacobian(x, u), finite_difference_jacobian(dyn.velocity, x, u),
                               rtol=1e-6, atol=1e-9)

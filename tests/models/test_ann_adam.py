"""Adam against Kingma & Ba's update rule, worked by hand for three steps."""
import math

import numpy as np
import pytest

from attnsim.models.ann.adam import Adam
from attnsim.models.ann.train import clip_global_norm


def test_adam_matches_published_rule():
    # f(theta) = 0.5 * sum(theta^2) so grad = theta; lr 0.1, b1 0.9, b2 0.999, eps 1e-8
    params = {"theta": np.array([1.0, -2.0])}
    opt = Adam(params, lr=0.1)

    # step 1: m_hat = g and v_hat = g^2, so each coordinate moves by lr * sign(g)
    opt.step(params, {"theta": params["theta"].copy()})
    np.testing.assert_allclose(params["theta"], [0.9, -1.9], rtol=0, atol=1e-8)

    # steps 2 and 3 worked with scalars straight from the paper's Algorithm 1
    expect = []
    for theta0, g1 in ((1.0, 1.0), (-2.0, -2.0)):
        th = theta0 - 0.1 * g1 / (abs(g1) + 1e-8)
        m, v = 0.1 * g1, 0.001 * g1 * g1
        for t in (2, 3):
            g = th
            m = 0.9 * m + 0.1 * g
            v = 0.999 * v + 0.001 * g * g
            th = th - 0.1 * (m / (1 - 0.9 ** t)) / (math.sqrt(v / (1 - 0.999 ** t)) + 1e-8)
            if t == 2:
                step2 = th
        expect.append((step2, th))
    opt.step(params, {"theta": params["theta"].copy()})
    np.testing.assert_allclose(params["theta"], [e[0] for e in expect], rtol=1e-12)
    opt.step(params, {"theta": params["theta"].copy()})
    np.testing.assert_allclose(params["theta"], [e[1] for e in expect], rtol=1e-12)
    # and the hand numbers for step 2, first coordinate: m=0.18, v=0.001809
    m_hat, v_hat = 0.18 / 0.19, 0.001809 / (1 - 0.999 ** 2)
    assert expect[0][0] == pytest.approx(0.9 - 0.1 * m_hat / math.sqrt(v_hat), rel=1e-7)   # eps ignored


def test_adam_minimises_quadratic():
    rng = np.random.default_rng(0)
    A = rng.normal(size=(5, 5))
    A = A @ A.T + np.eye(5)
    b = rng.normal(size=5)
    p = {"x": np.zeros(5)}
    opt = Adam(p, lr=0.05)
    for _ in range(3000):
        opt.step(p, {"x": A @ p["x"] - b})
    np.testing.assert_allclose(p["x"], np.linalg.solve(A, b), atol=1e-4)


def test_clip_global_norm():
    g = {"a": np.array([3.0, 0.0]), "b": np.array([[4.0]])}
    assert clip_global_norm(g, 10.0) == pytest.approx(5.0)
    np.testing.assert_array_equal(g["a"], [3.0, 0.0])          # under the limit: untouched
    assert clip_global_norm(g, 1.0) == pytest.approx(5.0)
    np.testing.assert_allclose(g["a"], [0.6, 0.0])
    np.testing.assert_allclose(g["b"], [[0.8]])

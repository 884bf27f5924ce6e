"""Finite-difference check of a hand-written gradient (float64), shared by the backward tests of
models.ann (tests/models/test_ann_gradients.py) and of the dual-report loss (tests/models/test_ann_dual_report.py)."""
import numpy as np

EPS = 1e-6
TOL = 1e-5


def rel_err(a, b):
    a, b = np.asarray(a, float), np.asarray(b, float)
    return np.max(np.abs(a - b)) / max(1e-8, np.max(np.abs(a) + np.abs(b)))


def numeric_grad(f, x, n_probe=None, rng=None):
    """Central differences of scalar f() w.r.t. array x (modified in place), at all
    entries or at n_probe random ones; returns (indices, gradient values)."""
    idx = list(np.ndindex(x.shape))
    if n_probe is not None and len(idx) > n_probe:
        pick = (rng or np.random.default_rng(0)).choice(len(idx), n_probe, replace=False)
        idx = [idx[i] for i in pick]
    out = []
    for i in idx:
        old = x[i]
        x[i] = old + EPS
        fp = f()
        x[i] = old - EPS
        fm = f()
        x[i] = old
        out.append((fp - fm) / (2 * EPS))
    return idx, np.array(out)


def check(f, x, analytic, n_probe=None):
    """Assert that `analytic` (same shape as x) matches the central differences of scalar f()
    w.r.t. x, at all entries or n_probe random ones, to relative error TOL; returns the error."""
    idx, num = numeric_grad(f, x, n_probe)
    ana = np.array([analytic[i] for i in idx])
    err = rel_err(ana, num)
    assert err < TOL, f"relative error {err:.2e}"
    return err

"""Known answers for the truncated normals of the PD14 weights and delays
(models/microcircuit/truncnorm.py), shared by the truncnorm, fused and CSR build tests."""
import math

import numpy as np
from scipy import stats


def python_port(code):
    """The Cython implementation's body run as Python (same statements, libc -> math)."""
    src = code.split("cdef double attnsim_ndtri(double p):")[1]
    src = src.replace("cdef double q, r, x, e, u, s", "pass").replace("_attnsim_erfc", "erfc")
    ns = dict(sqrt=math.sqrt, log=math.log, exp=math.exp, erfc=math.erfc)
    exec("def f(p):\n" + src, ns)
    return ns["f"]


def truncnorm_reference(mean, sd, lo=-np.inf, hi=np.inf):
    return stats.truncnorm((lo - mean) / sd, (hi - mean) / sd, loc=mean, scale=sd)


def check_truncated_normal(values, mean, sd, lo=-np.inf, hi=np.inf):
    """No pile-up at the bound, mean within 4 standard errors of the truncated-normal mean,
    and the KS test against scipy.stats.truncnorm does not reject at 1e-3."""
    ref = truncnorm_reference(mean, sd, lo, hi)
    v = np.asarray(values, float)
    assert np.all(v >= lo) and np.all(v <= hi)
    bound = lo if np.isfinite(lo) else hi
    width = 0.01 * sd
    near = np.sum(np.abs(v - bound) <= width)
    expected = v.size * abs(ref.cdf(bound + width) - ref.cdf(bound - width))
    assert near <= expected + 5 * np.sqrt(expected) + 3, (near, expected)   # clipping: ~3 % of v
    se = ref.std() / np.sqrt(v.size)
    assert abs(v.mean() - ref.mean()) < 4 * se, (v.mean(), ref.mean(), se)
    assert stats.kstest(v, ref.cdf).pvalue > 1e-3

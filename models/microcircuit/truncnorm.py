"""Truncated-normal draws inside Brian2 generated code (runtime numpy/cython and cpp_standalone).

NEST's PD14 example draws every weight and delay as
``nest.math.redraw(nest.random.normal(mean, sd), min, max)``: a value outside [min, max] is
redrawn, so the values follow the normal distribution truncated to [min, max] (no mass piles up
at a bound, unlike clipping). A rejection loop cannot be written as a Brian2 expression, so the
same distribution is drawn by inverse-CDF sampling with one uniform number U = rand() in [0, 1):

    lower bound only, [lo, inf):   x = mu - sd * ndtri((1 - U) * Phi(-a)),  a = (lo - mu) / sd
    upper bound only, (-inf, hi]:  x = mu + sd * ndtri((1 - U) * Phi(b)),   b = (hi - mu) / sd

where Phi is the standard normal CDF and ndtri its inverse. V = (1 - U) * Phi(.) is uniform on
(0, Phi(.)], never 0, so ndtri(V) is finite and x lies inside the bound; P(x > t) =
Phi((mu - t) / sd) / Phi(-a) is the truncated normal's survival function (Devroye 1986,
Non-Uniform Random Variate Generation, ch. II.2, inversion method). Phi(-a), Phi(b) are
constants computed here with scipy.special.ndtr.

ndtri in generated code (C++ and Cython): Acklam's rational approximation (relative error
< 1.2e-9) refined by one Halley step on Phi(x) - p with erfc, which gives full double precision
(Acklam 2003, "An algorithm for computing the inverse normal cumulative distribution function");
p > 1/2 uses ndtri(p) = -ndtri(1 - p) so the step works on the small tail. The numpy target uses
scipy.special.ndtri. The only inexactness is the 53-bit resolution of U.

`attnsim_ndtri_fast` (C++ only) is Acklam's approximation without the refinement step: relative
error < 1.15e-9 in the quantile, i.e. a drawn weight or delay is off by at most ~1e-9 of its
standard deviation, at a quarter of the cost (no erfc and exp per draw; ~9 ns against ~31 ns).
The fused PD14 build (fused_pathways.py), which draws two values for each of 3e8 synapses at
full scale, uses it. `attnsim_ndtri_fast_central` is its central branch alone (valid where
min(p, 1 - p) >= FAST_TAIL_P = 0.02425), the same arithmetic with neither a branch nor a log,
so that a loop over many p vectorizes (csr_synapses.py: a row's weights); the few p in the
tails then take `attnsim_ndtri_fast`: the same operations give the same values.
The kernels are cpp/ndtri.cpp, cpp/ndtri.pyx and cpp/ndtri_fast.cpp, with the coefficients
written in by `_fill`.
"""
from __future__ import annotations

import math

from scipy.special import ndtr

from attnsim.models.microcircuit import cpp_sources

NAME = "attnsim_ndtri"

_A = (-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02,
      1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00)
_B = (-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02,
      6.680131188771972e+01, -1.328068155288572e+01)
_C = (-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00,
      -2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00)
_D = (7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00, 3.754408661907416e+00)


_CYTHON = cpp_sources.read("ndtri.pyx")

_CPP = cpp_sources.read("ndtri.cpp")


FAST_TAIL_P = 0.02425           # Acklam's breakpoint: min(p, 1 - p) below it takes the tail branch


def _fill(code: str) -> str:
    """The kernel with Acklam's coefficients (A0..D3) and breakpoint (P_LOW) written in."""
    code = code.replace("P_LOW", repr(FAST_TAIL_P))
    for letter, vals in zip("ABCD", (_A, _B, _C, _D)):
        for i, v in enumerate(vals):
            code = code.replace(f"{letter}{i}", f"({v!r})")
    return code


CPP_CODE = _fill(_CPP)
FAST_NAME = "attnsim_ndtri_fast"
FAST_CENTRAL_NAME = FAST_NAME + "_central"
# the fast inverse (ndtri.cpp without the Halley step) and its central branch alone: the same
# arithmetic, without a branch or a log, so a loop over it vectorizes; callers use it where
# min(p, 1 - p) >= FAST_TAIL_P
CPP_CODE_FAST = _fill(cpp_sources.read("ndtri_fast.cpp"))
CYTHON_CODE = _fill(_CYTHON)
_FUNCTION = {}


def ndtri_function():
    """The Brian2 Function `attnsim_ndtri(p)` (inverse standard normal CDF, dimensionless)
    with numpy, Cython and C++ implementations; pass it in a group's namespace."""
    if "f" not in _FUNCTION:
        from brian2 import check_units, implementation
        from scipy.special import ndtri

        @implementation("cpp", CPP_CODE, headers=["<cmath>"])
        @implementation("cython", CYTHON_CODE)
        @check_units(p=1, result=1)
        def attnsim_ndtri(p):
            return ndtri(p)
        _FUNCTION["f"] = attnsim_ndtri
    return _FUNCTION["f"]


def ndtri_fast_function():
    """The Brian2 Function `attnsim_ndtri_fast(p)` (module doc), C++ only (numpy: scipy's ndtri)."""
    if "fast" not in _FUNCTION:
        from brian2 import check_units, implementation
        from scipy.special import ndtri

        @implementation("cpp", CPP_CODE_FAST, headers=["<cmath>"])
        @check_units(p=1, result=1)
        def attnsim_ndtri_fast(p):
            return ndtri(p)
        _FUNCTION["fast"] = attnsim_ndtri_fast
    return _FUNCTION["fast"]


def namespace() -> dict:
    """{NAME: the Brian2 function}, to merge into a Synapses/NeuronGroup namespace."""
    return {NAME: ndtri_function()}


def expr(mean: float, sd: float, lo: float = -math.inf, hi: float = math.inf, unit: str = "1") -> str:
    """Brian2 code string drawing one value from N(mean, sd^2) truncated to [lo, hi] with one
    bound finite (module doc). `unit` is appended as `* unit` (e.g. "pA", "ms")."""
    mean, sd = float(mean), float(sd)
    if not sd > 0:
        raise ValueError(f"truncated normal: sd must be > 0, got {sd}")
    if math.isfinite(lo) == math.isfinite(hi):
        raise ValueError("truncated normal: exactly one of lo, hi must be finite")
    if math.isfinite(lo):
        tail = float(ndtr((mean - lo) / sd))        # Phi(-a), mass above lo
        if not tail > 0:
            raise ValueError(f"truncated normal: no mass above lo={lo} for N({mean}, {sd}^2)")
        return f"({mean!r} - {sd!r} * {NAME}((1.0 - rand()) * {tail!r})) * {unit}"
    tail = float(ndtr((hi - mean) / sd))            # Phi(b), mass below hi
    if not tail > 0:
        raise ValueError(f"truncated normal: no mass below hi={hi} for N({mean}, {sd}^2)")
    return f"({mean!r} + {sd!r} * {NAME}((1.0 - rand()) * {tail!r})) * {unit}"


def weight_expr(w_mean_pA: float, rel_sd: float) -> str:
    """PD14 weight: N(w, (rel_sd |w|)^2) truncated to w's sign (> 0 excitatory, < 0 inhibitory)."""
    sd = abs(w_mean_pA) * rel_sd
    if w_mean_pA > 0:
        return expr(w_mean_pA, sd, lo=0.0, unit="pA")
    return expr(w_mean_pA, sd, hi=0.0, unit="pA")


def delay_expr(d_mean_ms: float, rel_sd: float, dt_ms: float) -> str:
    """PD14 delay: N(d, (rel_sd d)^2) truncated to [dt, inf) (NEST: min = the resolution)."""
    return expr(d_mean_ms, d_mean_ms * rel_sd, lo=dt_ms, unit="ms")

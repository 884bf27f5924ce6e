"""bench/threshold_extrapolation.py: the infinite-size threshold bounds from brackets at several sizes."""
import importlib.util
from pathlib import Path

import pytest

SPEC = importlib.util.spec_from_file_location(
    "threshold_extrapolation", Path(__file__).resolve().parents[2] / "bench" / "threshold_extrapolation.py")
mod = importlib.util.module_from_spec(SPEC)
SPEC.loader.exec_module(mod)


def test_brackets_around_an_exact_law_contain_its_limit_and_tighten():
    """Brackets of +-0.01 around w_N = 1.40 + 0.5 N^-1/2 contain w_inf = 1.40; more sizes give a
    narrower interval; the wrong exponent can exclude it."""
    law = lambda n: 1.40 + 0.5 * n ** -0.5                                     # noqa: E731
    two = {n: (law(n) - 0.01, law(n) + 0.01) for n in (40, 160)}
    three = {**two, 640: (law(640) - 0.01, law(640) + 0.01)}
    lo2, hi2 = mod.w_inf_bounds(two, 0.5)
    lo3, hi3 = mod.w_inf_bounds(three, 0.5)
    assert lo2 <= 1.40 <= hi2 and lo3 <= 1.40 <= hi3
    assert hi3 - lo3 <= hi2 - lo2
    lo1, _ = mod.w_inf_bounds(three, 1.0)
    assert lo1 > 1.40


def test_brackets_that_no_falling_line_meets_give_none():
    """A fold that rises with size contradicts c >= 0."""
    assert mod.w_inf_bounds({40: (1.30, 1.32), 640: (1.40, 1.42)}, 0.5) is None


def test_equal_brackets_bounds_by_hand():
    """Brackets (1.40, 1.42) at N = 40 and 640: the largest w_inf is the flat line at 1.42; the
    smallest is the steepest line through (x_640, 1.40) and (x_40, 1.42), x = N^-1/2, extended to
    x = 0: 1.40 - 0.02 x_640 / (x_40 - x_640)."""
    x40, x640 = 40 ** -0.5, 640 ** -0.5
    lo, hi = mod.w_inf_bounds({40: (1.40, 1.42), 640: (1.40, 1.42)}, 0.5)
    assert hi == pytest.approx(1.42, abs=1e-9)
    assert lo == pytest.approx(1.40 - 0.02 * x640 / (x40 - x640), abs=1e-9)

"""Infinite-size persistence threshold from brackets measured at several network sizes.

Each size N gives a bracket (lo, hi): the highest w+ at which the cued pool returned and the lowest
at which it was held (claims over 5 network seeds in scenarios/validation/
attention_circuit_spiking_threshold*.yaml). If the fold shifts with size as w_N = w_inf + c N^-a
with c >= 0 (noise raises the apparent threshold), the brackets bound w_inf: its smallest and
largest values over the (w_inf, c) that meet every bracket are two linear programmes
(scipy.optimize.linprog). Printed for the exponents a of the candidate laws: 1/2 (fluctuation
amplitude ~ 1/sqrt(N)), 2/3 (noise-driven escape near a saddle-node: barrier ~ (w - w_c)^(3/2)
against noise intensity ~ 1/N) and 1.

    python bench/threshold_extrapolation.py 40:1.44:1.54 160:1.39:1.49 640:1.415:1.44

Not a timed benchmark: the arithmetic behind a sentence of the README and of
attention_circuit_wm_meanfield_threshold.yaml.
"""
from __future__ import annotations

import sys

import numpy as np
from scipy.optimize import linprog


def w_inf_bounds(brackets: dict[int, tuple[float, float]], exponent: float) -> tuple[float, float] | None:
    """(min, max) of w_inf over w_N = w_inf + c N^-exponent, c >= 0, lo_N <= w_N <= hi_N for every
    N; None when no line meets every bracket."""
    A, b = [], []
    for n, (lo, hi) in brackets.items():
        x = float(n) ** -exponent
        A += [[-1.0, -x], [1.0, x]]
        b += [-lo, hi]
    out = []
    for sign in (1.0, -1.0):
        res = linprog([sign, 0.0], A_ub=np.array(A), b_ub=np.array(b), bounds=[(None, None), (0.0, None)])
        if not res.success:
            return None
        out.append(float(res.x[0]))
    return out[0], out[1]


def main(argv: list[str]) -> None:
    brackets = {int(n): (float(lo), float(hi)) for n, lo, hi in (a.split(":") for a in argv)}
    for name, a in (("1/2", 0.5), ("2/3", 2.0 / 3.0), ("1", 1.0)):
        bounds = w_inf_bounds(brackets, a)
        print(f"N^-{name:<3}  w_inf in " + ("no line meets every bracket" if bounds is None
                                            else f"[{bounds[0]:.4f}, {bounds[1]:.4f}]"))


if __name__ == "__main__":
    main(sys.argv[1:] or ["40:1.44:1.54", "160:1.39:1.49", "640:1.415:1.44"])

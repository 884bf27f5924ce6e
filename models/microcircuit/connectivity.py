"""The PD14 connection rule as Brian2 `connect()` arguments, drawn in generated code.

PD14 (like NEST's fixed_total_number with multapses) places K synapses between
random (pre, post) pairs. With K Poisson-distributed around its value instead of
fixed (relative sd 1/sqrt(K), < 2 % for every pathway with K > 2500), the number
of synapses on each pair is an independent Poisson(lam) count, lam = K / (N_pre N_post).

`pairwise_poisson` draws it pair by pair: Brian2's `sample()` picks the pairs
with at least one synapse (p = 1 - exp(-lam), by geometric jumps, so the cost is
per synapse, not per pair) in ascending target order, and `n` adds the extra
synapses of a multapse (zero-truncated Poisson, by sequential conditionals).
Targets in ascending order make spike delivery write the postsynaptic currents
in memory order (see bench/plain_brian2_microcircuit.py --connect).
"""
from __future__ import annotations

import numpy as np
from scipy.stats import poisson

TAIL = 1e-6   # multapse sizes beyond the one with P(N > k | N >= 1) < TAIL are left out


def pairwise_poisson(lam: float) -> dict[str, str]:
    """kwargs for Synapses.connect: independent Poisson(lam) synapses per pair, targets ascending."""
    if not lam > 0.0:
        raise ValueError(f"synapses per pair lam must be > 0, got {lam!r}")
    p_any = float(-np.expm1(-lam))
    if p_any >= 1.0:
        raise ValueError(f"lam {lam!r} is too dense for pairwise sampling (every pair connected)")
    k_max = 1   # densest PD14 pathway (L5I -> L5E, C 0.32) has lam 0.38: k_max 7
    while poisson.sf(k_max, lam) / p_any >= TAIL:
        k_max += 1
    at_least = [float(poisson.sf(k - 1, lam)) for k in range(1, k_max + 1)]   # P(N >= k), k = 1..k_max
    n = "1"
    for k in range(k_max - 1, 0, -1):
        # one more synapse with P(N >= k+1 | N >= k)
        n = f"(1 + int(rand() < {at_least[k] / at_least[k - 1]!r}) * {n})"
    return {"j": f"k for k in sample(N_post, p={at_least[0]!r})", "n": n}

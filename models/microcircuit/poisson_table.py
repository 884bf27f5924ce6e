"""Poisson background as one exact count per neuron and time step, from a per-population CDF table.

PD14 drives every neuron of population p with K_ext[p] independent Poisson spike trains at
nu_bg = 8 Hz through excitatory synapses of weight w_ext. Their superposition is one Poisson
process of rate K_ext[p] nu_bg, so the number of background spikes a neuron receives in a time
step dt is

    n ~ Poisson(lambda_p),   lambda_p = K_ext[p] nu_bg dt          (0.13-0.23 at 0.1 scale)

independently for every neuron and step, and the input is I_syn += w_ext n. Brian2's
PoissonInput draws the same count as Binomial(K_ext, nu_bg dt) (one object and one code object
per population, one double-precision uniform per neuron and step from the Mersenne twister);
the two agree to O(nu_bg dt) = 8e-4 relative in the variance and exactly in the mean.

Sampler (inversion with a table, Devroye 1986, Non-Uniform Random Variate Generation, ch. III.2):
with one uniform 64-bit integer U and the thresholds T_k = 2^64 (1 - P(n > k)), k = 0, 1, ...,

    n = min{k : U < T_k}

so P(n = k) is exact to 2^-64 per value (the tail P(n > k) is computed with scipy's
survival function, accurate in relative terms, not as 1 - CDF). The table of population p
ends where P(n > k) < 2^-64. The search starts from a guide table (Chen & Asau 1974; Devroye
1986, ch. III.2.4): G[b] = min{k : T_k > b 2^56} for the 256 buckets of U's top byte, so
n = min{k >= G[U >> 56] : U < T_k} is the same n with, on average, fewer than one further
comparison (a bucket holds a threshold with probability <= (table length) / 256). This matters
at full scale, where lambda = 1.3-2.3 and a linear search takes 2-3 data-dependent branches.
U comes from xoshiro256** (models/microcircuit/xoshiro.py), seeded from the environment
variable ATTNSIM_SEED_<seed_name>: one 64-bit draw costs about a nanosecond, against two
32-bit Mersenne-twister draws for Brian2's rand().

Only a C++ implementation exists (the microcircuit runs as cpp_standalone): cpp/poisson_table.cpp.
"""
from __future__ import annotations

import hashlib

import numpy as np

from attnsim.models.microcircuit import cpp_sources
from attnsim.models.microcircuit import xoshiro as X

_CPP = cpp_sources.read("poisson_table.cpp")


def thresholds(lam: np.ndarray) -> np.ndarray:
    """Integer thresholds T[p, k] = round(2^64 (1 - P(n > k))) for n ~ Poisson(lam[p]), as Python
    ints (uint64 range; the last column is 2^64 - 1 so every U stops there). Shape (P, L) with
    L the longest table needed for P(n > k) >= 2^-64."""
    from scipy.stats import poisson
    lam = np.asarray(lam, float)
    if np.any(lam < 0) or not np.all(np.isfinite(lam)):
        raise ValueError(f"Poisson means must be finite and >= 0, got {lam}")
    two64 = 2 ** 64
    length = 1
    for m in lam:
        k = 0
        while poisson.sf(k, m) >= 2.0 ** -64 and k < 200:
            k += 1
        length = max(length, k + 1)
    rows = []
    for m in lam:
        row = [min(two64 - 1, two64 - int(round(float(poisson.sf(k, m)) * two64))) for k in range(length - 1)]
        rows.append(row + [two64 - 1])
    return np.array(rows, dtype=object)


def guide_table(T: np.ndarray) -> np.ndarray:
    """G[p, b] = min{k : T[p, k] > b 2^56}, b = 0..255 (module doc). Shape (P, 256), ints."""
    G = np.zeros((T.shape[0], 256), dtype=int)
    for p, row in enumerate(T):
        row = [int(v) for v in row]
        k = 0
        for b in range(256):
            edge = b << 56
            while k < len(row) - 1 and row[k] <= edge:
                k += 1
            G[p, b] = k
    return G


def count_function(lam_per_step: np.ndarray, seed_name: str = "TRIAL", stream: int = 0):
    """Brian2 Function `name(pop) -> n`: one Poisson(lam_per_step[pop]) count per call (module doc).
    `pop` is the population index (integer neuron variable). Returns (name, Function); the name
    carries a digest of the table so two different tables never share a symbol."""
    from brian2 import Function
    T = thresholds(lam_per_step)
    table = "{" + ", ".join("{" + ", ".join(f"{int(v)}ULL" for v in row) + "}" for row in T) + "}"
    guide = "{" + ", ".join("{" + ", ".join(str(int(v)) for v in row) + "}" for row in guide_table(T)) + "}"
    digest = hashlib.sha256(f"{table}|{seed_name}|{stream}".encode()).hexdigest()[:10]
    name = f"attnsim_poisson_count_{digest}"
    ns = f"attnsim_pt_{digest}"
    code = X.cpp_block(f"{ns}_rng", seed_name, stream) + (
        _CPP.replace("{NS}", ns).replace("{NAME}", name).replace("{N_POPS}", str(T.shape[0]))
        .replace("{LEN}", str(T.shape[1])).replace("{TABLE}", table).replace("{GUIDE}", guide))
    lam = np.asarray(lam_per_step, float)

    def pyfunc(pop):                    # numpy reference (not used by the standalone build)
        return np.random.poisson(lam[np.asarray(pop, int)]).astype(float)

    f = Function(pyfunc, arg_units=[1], arg_names=["pop"], return_unit=1, arg_types=["integer"],
                 return_type="float", stateless=False)
    f.implementations.add_implementation("cpp", code, name=name)
    return name, f

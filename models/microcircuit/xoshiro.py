"""A fast, seedable uniform generator for generated C++ code: xoshiro256** per OpenMP thread.

Brian2's rand() costs two 32-bit Mersenne-twister draws per double (~3 ns); the PD14 build draws
one number per neuron and step for its background and four per synapse when it connects, so the
generator is a visible share of the run. xoshiro256** (Blackman & Vigna 2021, "Scrambled linear
pseudorandom number generators", ACM TOMS 47:36) gives 64 random bits in ~1 ns and passes
BigCrush. The state (one per thread, `thread_local`) is seeded on first use with splitmix64
from the environment variable ATTNSIM_SEED_<seed_name> (0 when unset), the thread number and a
stream constant, so one compiled binary serves every seed (models/microcircuit/standalone.py)
and two streams with different constants never share numbers.

`cpp_block(ns, seed_name, stream)` returns C++ defining, in namespace `ns`,
`uint64_t next()` (64 random bits) and `double u01()` (uniform on [0, 1), 53-bit resolution);
its template is cpp/xoshiro.cpp.
"""
from __future__ import annotations

from attnsim.models.microcircuit import cpp_sources

_CPP = cpp_sources.read("xoshiro.cpp")


def cpp_block(ns: str, seed_name: str, stream: int) -> str:
    """C++ of the generator in namespace `ns` (module doc)."""
    return (_CPP.replace("{NS}", ns).replace("{SEED_NAME}", seed_name)
            .replace("{STREAM}", str(int(stream) & 0xFFFFFFFFFFFF)))

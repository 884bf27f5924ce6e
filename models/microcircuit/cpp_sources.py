"""The C++ (and Cython) kernels of the microcircuit build, as package data files in cpp/.

Each file holds the code that Brian2 compiles, as a template: `{NAME}`-style placeholders (a
namespace, a function name, a table's initializer) are filled by the module that uses it, which
documents them; the coefficients A0..D3 and P_LOW of the ndtri files by truncnorm.py. Kept out of
Python strings so that editors, grep and reviews see C++.

    csr_synapses.cpp           compressed-row synapses with ring-buffer delivery (csr_synapses.py)
    fused_pathways_tables.cpp  connectivity and weight tables of a column (fused_pathways.py)
    fused_pathways.cpp         target, weight and delay draws of the fused build (fused_pathways.py)
    poisson_table.cpp          Poisson count by table inversion (poisson_table.py)
    xoshiro.cpp                xoshiro256** generator per thread (xoshiro.py)
    ndtri.cpp, ndtri.pyx       inverse normal CDF, refined (truncnorm.py)
    ndtri_fast.cpp             inverse normal CDF, unrefined, and its central branch (truncnorm.py)
    seed_point.cpp             re-seeding of Brian2's generators in main() (standalone.py)
"""
from __future__ import annotations

from importlib.resources import files

FOLDER = "cpp"


def read(filename: str) -> str:
    """Text of cpp/<filename>, placeholders unfilled."""
    return files(__package__).joinpath(FOLDER, filename).read_text(encoding="utf-8")


def paths() -> list:
    """Every kernel file (for the standalone build's source fingerprint)."""
    return sorted((p for p in files(__package__).joinpath(FOLDER).iterdir() if p.is_file()),
                  key=lambda p: p.name)

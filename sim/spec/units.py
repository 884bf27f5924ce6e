"""Quantities with units in scenario files ("300 ms", "2.4 kHz", "0.02 nA").

Scenario values that carry a physical dimension are written with a unit and
converted to a plain float in the unit named by the field (`dt` -> ms).
A bare number is taken to be in that canonical unit. A value in the wrong
dimension ("300 mV" for a duration) is an error that names both.
"""
from __future__ import annotations

import re

from attnsim.errors import UnitError  # noqa: F401  (raised here; its home is attnsim.errors)

# dimension -> (canonical unit, {unit: factor to canonical})
DIMENSIONS: dict[str, tuple[str, dict[str, float]]] = {
    "time": ("ms", {"s": 1e3, "ms": 1.0, "us": 1e-3, "µs": 1e-3, "min": 6e4}),
    "rate": ("Hz", {"Hz": 1.0, "kHz": 1e3, "mHz": 1e-3}),
    "current": ("nA", {"A": 1e9, "mA": 1e6, "uA": 1e3, "nA": 1.0, "pA": 1e-3}),
    "voltage": ("mV", {"V": 1e3, "mV": 1.0, "uV": 1e-3}),
    "conductance": ("nS", {"S": 1e9, "mS": 1e6, "uS": 1e3, "nS": 1.0, "pS": 1e-3}),
    "capacitance": ("pF", {"F": 1e12, "uF": 1e6, "nF": 1e3, "pF": 1.0}),
}

# parameter-name suffix -> (dimension, unit the parameter is stored in)
SUFFIXES: dict[str, tuple[str, float]] = {
    "_ms": ("time", 1.0), "_s": ("time", 1e-3), "_hz": ("rate", 1.0), "_khz": ("rate", 1e-3),
    "_nA": ("current", 1.0), "_pA": ("current", 1e3), "_mV": ("voltage", 1.0), "_nS": ("conductance", 1.0),
    "_pF": ("capacitance", 1.0),
}

_QUANTITY = re.compile(r"^\s*([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)\s*([A-Za-zµ]+)\s*$")


def unit_for(dimension: str) -> str:
    return DIMENSIONS[dimension][0]


def parse_quantity(value, dimension: str) -> float:
    """A number with a unit (or a bare number in the canonical unit) as a float in the canonical unit."""
    canon, table = DIMENSIONS[dimension]
    if isinstance(value, bool):
        raise UnitError(f"expected a {dimension} such as '10 {canon}', got {value!r}")
    if isinstance(value, (int, float)):
        return float(value)
    if not isinstance(value, str):
        raise UnitError(f"expected a {dimension} such as '10 {canon}', got {value!r}")
    m = _QUANTITY.match(value)
    if not m:
        raise UnitError(f"expected a {dimension} such as '10 {canon}', got {value!r}")
    number, unit = float(m.group(1)), m.group(2)
    if unit in table:
        return number * table[unit]
    for other, (_, otable) in DIMENSIONS.items():
        if unit in otable:
            raise UnitError(f"expected a {dimension} (units: {', '.join(table)}), got {value!r} which is a {other}")
    raise UnitError(f"unknown unit {unit!r} in {value!r}; expected a {dimension} in one of: {', '.join(table)}")


def param_dimension(name: str) -> tuple[str, float] | None:
    """(dimension, scale from canonical) for a parameter named with a unit suffix, else None."""
    for suffix, spec in SUFFIXES.items():
        if name.endswith(suffix):
            return spec
    return None

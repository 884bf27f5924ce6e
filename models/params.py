"""Self-validating model parameters.

Each family declares a frozen dataclass whose fields use `param(...)`: a
default, a one-line doc (with the paper's name and unit) and the rule it must
obey. Construction checks the rules and names the parameter on failure, e.g.
`SpikingCompetitionParams.tau_AMPA_ms: Value must be greater than 0 (got -1)`.
The scenario layer reads the same metadata to build its schema.
"""
from __future__ import annotations

from dataclasses import MISSING, field, fields
from typing import Any

from attnsim.models.errors import ParamError  # noqa: F401  (re-exported: families import it from here)

_RULES = {
    "gt": ("greater than", lambda v, b: v > b),
    "ge": ("greater than or equal to", lambda v, b: v >= b),
    "lt": ("less than", lambda v, b: v < b),
    "le": ("less than or equal to", lambda v, b: v <= b),
}




def param(default: Any, doc: str, *, gt=None, ge=None, lt=None, le=None, choices=None):
    meta = {"doc": doc, "gt": gt, "ge": ge, "lt": lt, "le": le, "choices": choices}
    if isinstance(default, (list, dict)):
        return field(default_factory=lambda d=default: type(d)(d), metadata=meta)
    return field(default=default, metadata=meta)


def check_params(obj) -> None:
    """Raise ParamError naming the first field of `obj` that breaks its rule."""
    cls = type(obj).__name__
    for f in fields(obj):
        v = getattr(obj, f.name)
        m = f.metadata
        if m.get("choices") is not None and v not in m["choices"]:
            raise ParamError(cls, f.name, f"Value must be one of {list(m['choices'])} (got {v!r})")
        for key, (words, ok) in _RULES.items():
            bound = m.get(key)
            if bound is None or v is None:
                continue
            if isinstance(v, bool) or not isinstance(v, (int, float)):
                raise ParamError(cls, f.name, f"Value must be a number (got {v!r})")
            if not ok(v, bound):
                raise ParamError(cls, f.name, f"Value must be {words} {bound} (got {v!r})")


def describe_params(cls) -> list[dict]:
    """Name, default, doc and rules of each parameter (for docs and the schema)."""
    out = []
    for f in fields(cls):
        default = f.default if f.default is not MISSING else (
            f.default_factory() if f.default_factory is not MISSING else None)
        out.append({"name": f.name, "type": f.type, "default": default, **dict(f.metadata)})
    return out

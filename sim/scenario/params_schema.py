"""Schema for a model family's `params:` block, derived from its Params dataclass.

The dataclass (models/) is the single source of names, defaults, docs and
rules; here it becomes a pydantic model so that errors carry the dotted key
and line, and parameters named with a unit suffix (`tau_NMDA_ms`) accept
quantities such as "100 ms" and refuse other dimensions ("100 mV").
"""
from __future__ import annotations

import typing
from dataclasses import MISSING, fields
from functools import lru_cache
from typing import Annotated, Any

from pydantic import BeforeValidator, ConfigDict, Field, create_model

from attnsim.errors import UnitError
from attnsim.spec.units import param_dimension, parse_quantity


def _unit_converter(dimension: str, scale: float):
    def convert(v):
        if isinstance(v, str):
            try:
                return parse_quantity(v, dimension) * scale
            except UnitError as e:
                raise ValueError(str(e)) from None
        return v
    return BeforeValidator(convert)


@lru_cache(maxsize=None)
def params_model(params_cls):
    hints = typing.get_type_hints(params_cls)
    spec: dict[str, Any] = {}
    for f in fields(params_cls):
        m = f.metadata
        constraints = {k: m[k] for k in ("gt", "ge", "lt", "le") if m.get(k) is not None}
        tp = hints.get(f.name, Any)
        if m.get("choices") is not None:
            tp = typing.Literal[tuple(m["choices"])]
        args = typing.get_args(tp)
        if constraints and type(None) in args:
            # optional (X | None): the bounds apply to a given X; None (e.g. "off") stays valid
            inner = [a for a in args if a is not type(None)]
            tp = typing.Optional[Annotated[inner[0] if len(inner) == 1 else typing.Union[tuple(inner)],
                                           Field(**constraints)]]
            constraints = {}
        annotated = [Field(description=m.get("doc", ""), **constraints)]
        dim = param_dimension(f.name)
        if dim is not None:
            annotated.insert(0, _unit_converter(*dim))
        default = f.default if f.default is not MISSING else (
            f.default_factory() if f.default_factory is not MISSING else ...)
        spec[f.name] = (Annotated[tuple([tp, *annotated])], default)
    return create_model(f"{params_cls.__name__}Schema", __config__=ConfigDict(extra="forbid", strict=False),
                        **spec)

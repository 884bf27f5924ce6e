"""Pydantic field types for quantities with units (values end up as floats in the named unit)."""
from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, BeforeValidator

from attnsim.errors import UnitError
from attnsim.spec.units import parse_quantity


def _as(dimension: str):
    def convert(v):
        try:
            return parse_quantity(v, dimension)
        except UnitError as e:
            raise ValueError(str(e)) from None
    return BeforeValidator(convert)


def _positive(v: float) -> float:
    if not v > 0:
        raise ValueError(f"must be greater than 0 (got {v:g})")
    return v


def _non_negative(v: float) -> float:
    if v < 0:
        raise ValueError(f"must be greater than or equal to 0 (got {v:g})")
    return v


DurationMs = Annotated[float, _as("time"), AfterValidator(_non_negative)]
PositiveDurationMs = Annotated[float, _as("time"), AfterValidator(_positive)]
RateHz = Annotated[float, _as("rate"), AfterValidator(_non_negative)]

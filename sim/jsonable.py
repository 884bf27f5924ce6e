"""One conversion of results to JSON-ready values, used by summary.json, metrics and curves.

numpy arrays and scalars become Python lists and numbers, tuples become lists, dict keys
strings; NaN and infinities become None (JSON has no NaN, and `json.dump(allow_nan=False)`
is how every file here is written). With `digits`, floats are rounded to that many significant
digits, so that summaries of identical runs compare equal as text.
"""
from __future__ import annotations

import math
from typing import Any


def jsonable(value: Any, digits: int | None = None) -> Any:
    """`value` as plain JSON types (see the module docstring)."""
    if isinstance(value, dict):
        return {str(k): jsonable(v, digits) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v, digits) for v in value]
    if hasattr(value, "tolist") and not isinstance(value, (str, bytes)):
        value = value.tolist()   # numpy arrays and scalars (np.bool_ -> bool, np.int64 -> int)
        if isinstance(value, list):
            return [jsonable(v, digits) for v in value]
    if value is None or isinstance(value, (bool, str, int)):
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            return None
        return float(f"{value:.{digits}g}") if digits is not None else value
    return value

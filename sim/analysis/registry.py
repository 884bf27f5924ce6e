"""Compute named metrics for scenarios and summary.json, as JSON-ready values.

Each metric registers itself in its own module of this package::

    @METRICS.register("accuracy", summary="fraction correct (no choice counts as wrong)")
    def accuracy(trials, activity, **options) -> dict: ...

and is looked up by name in `attnsim.registries.METRICS` (bundled, installed entry point of
group ``attnsim.metrics``, or an outside ``package.module:func``). A metric returns
``{condition label: value or {group: value}}``; it raises `NotApplicable` (or returns an empty
dict) when the task or the recording does not have what it needs, and it is then left out.
"""
from __future__ import annotations

from typing import Any

from attnsim.analysis.windows import NotApplicable
from attnsim.jsonable import jsonable
from attnsim.models.activity import Activity
from attnsim.registries import METRICS, PluginError
from attnsim.tasks.trials import Trials

__all__ = ["METRICS", "compute_metrics"]


def compute_metrics(names: list[str], trials: Trials, activity: Activity,
                    options: dict[str, dict] | None = None,
                    search_path: tuple[str, ...] | list[str] = ()) -> dict[str, Any]:
    """name -> JSON-ready result (`attnsim.jsonable.jsonable`); metrics that do not apply to
    this task or model are left out.

    `options` maps a metric name to keyword options for it (e.g. {"gamma_power": {"band_hz": [25, 90]}}).
    `search_path`: folders where an outside metric's module ('module:func') may lie.
    Raises PluginError for an unknown name, and for an outside metric that raises anything but
    NotApplicable (naming it); a bundled metric's own errors propagate unchanged.
    """
    entries = [METRICS.get(name, search_path) for name in names]   # every name checked before any work
    options = options or {}
    out: dict[str, Any] = {}
    for name, entry in zip(names, entries):
        try:
            result = entry.obj(trials, activity, **options.get(name, {}))
        except NotApplicable:
            continue
        except Exception as e:
            if entry.origin == "bundled":
                raise
            raise PluginError(f"metric {name!r} raised {type(e).__name__}: {e}") from e
        if result:
            out[name] = jsonable(result)
    return out

"""summary.json: metrics per model per condition and the expectation results.

Stable keys (documented in the README):
{"scenario": str, "seed": int, "task": str, "n_trials": int,
 "models": {name: {"family": str, "kind": str, "metrics": {metric: {condition: number | {group: number}}},
                   "training": {...} (artificial models only)}},
 "expectations": [{model, metric, condition, group, range, source, value, pass, note}],
 "all_expectations_pass": bool}
Timings live in provenance.json so that summaries of identical runs are identical.
"""
from __future__ import annotations

import json
import math
import os

from sim.expectations import evaluate


def clean(x):
    """JSON-ready: NaN/inf -> None, numpy scalars -> Python numbers, rounded to 10 significant digits."""
    if isinstance(x, dict):
        return {str(k): clean(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [clean(v) for v in x]
    if hasattr(x, "item") and not isinstance(x, (str, bytes)):
        x = x.item()
    if isinstance(x, bool) or x is None or isinstance(x, (str, int)):
        return x
    if isinstance(x, float):
        return float(f"{x:.10g}") if math.isfinite(x) else None
    return x


def build_summary(scn, trials, activities, families, partial: str) -> dict:
    from sim.analysis.registry import compute_metrics
    models = {}
    for m in scn.models:
        entry = {"family": m.family, "kind": families[m.name][1],
                 "metrics": clean(compute_metrics(scn.analysis, trials, activities[m.name]))}
        curves = os.path.join(partial, "weights", f"{m.name}.curves.json")
        if os.path.exists(curves):
            with open(curves) as fh:
                c = json.load(fh)
            entry["training"] = clean({k: (v[-1] if isinstance(v, list) and v else v) for k, v in c.items()})
        models[m.name] = entry
    expectations = evaluate([e.model_dump() for e in scn.expect], models)
    return {"scenario": scn.name, "seed": scn.seed, "task": scn.task.kind, "n_trials": trials.n_trials,
            "models": models, "expectations": clean(expectations),
            "all_expectations_pass": all(e["pass"] for e in expectations)}

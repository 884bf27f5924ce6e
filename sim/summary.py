"""summary.json: metrics per model per condition and the expectation results.

Stable keys (documented in the README):
{"scenario": str, "seed": int, "task": str, "n_trials": int,
 "models": {name: {"family": str, "kind": str, "metrics": {metric: {condition: number | {group: number}}},
                   "training": {...} (artificial models only)}},
 "expectations": [{model, metric, condition, group, rule, range, prediction, rivals, source,
                   estimate, ci_lo, ci_hi, n_trials, verdict, outcome, trials_needed,
                   known_deviation, calibration, n_boot, value, pass, note}],
 "all_expectations_pass": bool}
Expectations (sim/expectations.py): `estimate` is the metric value (`value` is the
same number, kept for old readers), [ci_lo, ci_hi] its 95 % stratified bootstrap
interval over `n_trials` trials, `verdict` one of pass / fail / inconclusive /
deviation / calibration (`outcome` is the rule's result before the deviation or
calibration label), `trials_needed` the trial count that would settle an
inconclusive one; `pass` is true only for verdict pass. `all_expectations_pass`
is what `--check` asks: no verdict fail or inconclusive.
Timings live in provenance.json so that summaries of identical runs are identical.
"""
from __future__ import annotations

import json
import math
import os

from attnsim.expectations import all_pass, evaluate


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
    from attnsim.analysis.registry import compute_metrics
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
    expectations = evaluate([e.model_dump() for e in scn.expect], models, trials, activities, seed=scn.seed)
    return {"scenario": scn.name, "seed": scn.seed, "task": scn.task.kind, "n_trials": trials.n_trials,
            "models": models, "expectations": clean(expectations),
            "all_expectations_pass": all_pass(expectations)}

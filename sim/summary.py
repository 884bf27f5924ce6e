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

from attnsim.expectations import all_pass, evaluate
from attnsim.jsonable import jsonable


SUMMARY_DIGITS = 10   # significant digits of every number in summary.json


def build_summary(scn, trials, activities, kinds: dict[str, str], training: dict[str, dict]) -> dict:
    """summary.json of one run (keys in the module docstring) from the run's data in memory.

    kinds: model name -> "brain" / "artificial"; training: name -> curves (last value reported).
    """
    from attnsim.analysis.registry import compute_metrics
    models = {}
    for m in scn.models:
        entry = {"family": m.family, "kind": kinds[m.name],
                 "metrics": jsonable(compute_metrics(scn.analysis, trials, activities[m.name],
                                                     search_path=tuple(scn.plugin_path)), SUMMARY_DIGITS)}
        if m.name in training:
            c = training[m.name]
            entry["training"] = jsonable({k: (v[-1] if isinstance(v, list) and v else v) for k, v in c.items()},
                                         SUMMARY_DIGITS)
        models[m.name] = entry
    expectations = evaluate([e.model_dump() for e in scn.expect], models, trials, activities, seed=scn.seed)
    return {"scenario": scn.name, "seed": scn.seed, "task": scn.task.kind, "n_trials": trials.n_trials,
            "models": models, "expectations": jsonable(expectations, SUMMARY_DIGITS),
            "all_expectations_pass": all_pass(expectations)}

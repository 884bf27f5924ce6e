"""Evaluate a scenario's `expect:` entries: an estimate, its 95 % interval, a rule, a verdict.

Each expectation names one number (model, metric, condition, group). Its
estimate is the value in summary.json; its interval is the 95 % percentile
bootstrap over trials, stratified by the design cells
(`sim.analysis.bootstrap`, `n_boot` resamples, default 200; 0 = no interval),
seeded from the scenario seed, the model and the metric so reruns agree. In a
sweep, an expectation with `where:` averages the matching points: the points of
one seed are averaged first (they share the seed's network and trials), then
the seeds; with two or more seeds the interval resamples the seeds, each over
all its trials (`sim.analysis.bootstrap.hierarchical`: Davison & Hinkley 1997
§3.8, expanded for few seeds), with one seed it is that seed's trial bootstrap.

What the interval resampled is in every entry: `n_seeds` (realizations: 1
outside a sweep), `n_trials` (all of their trials) and `interval_over`
("seeds", "trials", or None without an interval). What the claim is about is
the entry's `over` (default "trials": this realization; "seeds": the
architecture or circuit, which holds over its realizations): an `over: seeds`
claim with fewer than 5 seeds is `inconclusive` ("interval over trials of one
realization; a claim about the architecture needs >= 5 network/training
seeds"), whatever its rule says (`attnsim.analysis.rules.judge`).

Rules (the `rule:` key), implemented once in `attnsim.analysis.rules` (read its
docstring) and shared with capacity_cost and the report's scorecard:

- `inside` (default): the estimate lies in [lo, hi]. Only for claims about the
  estimate; an interval that misses the range fails, one wider than the range is
  inconclusive; without an interval the estimate decides (point check).
- `interval_inside`: the whole interval lies in [lo, hi] (straddling an edge:
  inconclusive). For claims "shown only if the interval excludes ...".
- `consistent`: the interval overlaps [lo, hi].
- `excludes`: the interval excludes `value` (0, or a rival prediction); with a
  range, on the range's side.
- `identifies`: the interval contains `prediction` and excludes every `rivals`
  value (e.g. capacity: prediction 1.0, rivals [0.707, 0.44]) and is no wider
  than the distance from the prediction to the nearest rival (row 10 of
  docs/reference.md: wider than 1 - 0.707 = 0.29 cannot separate unlimited from
  fixed capacity, even where it happens to exclude 0.707).

Outcome: no estimate -> `fail` (the note says why); no interval (n_boot 0, or too
few defined resamples) -> `inconclusive` for every rule but `inside`; else the
rule's outcome, `pass`, `fail` or `inconclusive`.

`n_trials` is the run's trial count (task.n_trials; summed over the points of a
sweep), so `trials_needed` reads as a value for task.n_trials with the design's
proportions kept. `trials_needed` (inconclusive only): the bootstrap SE scales as 1/sqrt(n), so
an interval of half-width h on n trials narrows to a target h* on about
n (h / h*)^2 trials. The target is `attnsim.analysis.rules.target_halfwidth`:
half the range width (`inside`, `consistent`), the estimate's distance to the
nearer range edge (`interval_inside`) or to the excluded value (`excludes`), half
the identification width (`identifies`).
In a sweep, seed-to-seed variance does not shrink with trials, so the count is
a lower bound there; an `over: seeds` claim with too few seeds gets none (more
trials cannot settle it: more seeds can).

Verdict: `deviation` where `known_deviation` is set, `calibration` where
`calibration: true`, else the outcome (`pass` / `fail` / `inconclusive`). The
outcome is kept under `outcome`. `--check` (and `all_expectations_pass`) fails
on `fail` and `inconclusive` only: a known deviation is a documented miss, and a
calibration target is not validation (it held by construction), so neither can
fail or pass a check. `pass` (kept for old readers) is true only for verdict
`pass`; `value` is the estimate (an `excludes` entry's own `value:` is kept as
`excluded`). An interval that excludes its own estimate
(the plug-in bias of variance-type metrics such as fano_factor on few trials
per cell, see sim/analysis/bootstrap.py) is kept but noted as approximate.
"""
from __future__ import annotations

import math

import numpy as np

from attnsim.analysis import rules
from attnsim.analysis.bootstrap import Bootstrap, bootstrap_metric, hierarchical
from attnsim.seeds import derive_seed

VERDICTS = ("pass", "fail", "inconclusive", "deviation", "calibration")
CHECK_FAILS = ("fail", "inconclusive")


# a value undefined because the design could not measure it (a metric registers the verdicts that
# say so, `limits=` in METRICS.register: capacity_cost's ceiling and floor): that says nothing for
# or against the claim, so the claim is inconclusive, not failed
AT_LIMIT = "the design could not measure it"


def _meta(metric: str) -> dict:
    """The metadata a metric registers (METRICS.register(name, **meta)); {} if not found."""
    from attnsim.registries import METRICS, PluginError
    try:
        return dict(METRICS.get(metric).meta)
    except PluginError:
        return {}


def lookup(metrics: dict, metric: str, condition: str, group: str | None):
    """(value, note): the number an expectation refers to, or None with the reason."""
    if metric not in metrics:
        return None, f"metric {metric!r} was not computed (valid here: {', '.join(sorted(metrics)) or 'none'})"
    per_cond = metrics[metric]
    if condition not in per_cond:
        return None, f"no condition {condition!r} for {metric} (have: {', '.join(sorted(per_cond))})"
    value = per_cond[condition]
    if isinstance(value, dict):
        if group is None:
            return None, f"{metric} is per group; name one of: {', '.join(sorted(value))}"
        if group not in value:
            return None, f"no group {group!r} for {metric} (groups: {', '.join(sorted(value))})"
        value = value[group]
    elif group is not None:
        return None, f"{metric} is not per group (drop group: {group!r})"
    if value is None:
        cond = per_cond[condition] if isinstance(per_cond[condition], dict) else {}
        limit = cond.get("verdict")
        if limit is not None and limit in _meta(metric).get("limits", ()):
            why = cond.get("verdict_reason")
            return None, f"value undefined: {AT_LIMIT} ({metric} verdict {limit}" + (f": {why})" if why else ")")
        return None, "value undefined (NaN) in this run"
    return float(value), ""


def _rule_args(ex: dict) -> dict:
    """The keyword arguments of `rules.judge` an expectation entry gives."""
    return {"range": ex.get("range"), "value": ex.get("value"), "prediction": ex.get("prediction"),
            "rivals": ex.get("rivals") or ()}


def over(ex: dict) -> str:
    """What the claim holds over: "trials" (this realization, the default) or "seeds" (the
    architecture or circuit). Read from the entry's `over` key (module docstring)."""
    return ex.get("over") or "trials"


def judge(ex: dict, estimate: float | None, ci_lo: float | None, ci_hi: float | None,
          n_seeds: int | None = None) -> str:
    """The rule's outcome, 'pass', 'fail' or 'inconclusive' (`attnsim.analysis.rules.judge`);
    an `over: seeds` claim with fewer than 5 seeds (`n_seeds`) is inconclusive."""
    return _judged(ex, estimate, ci_lo, ci_hi, n_seeds)[0]


def _judged(ex, estimate, ci_lo, ci_hi, n_seeds):
    return rules.judge(ex.get("rule", "inside"), estimate, (ci_lo, ci_hi), over=over(ex), n_seeds=n_seeds,
                       **_rule_args(ex))


def trials_needed(ex: dict, n_trials: int, ci_lo: float | None, ci_hi: float | None,
                  estimate: float | None = None) -> int | None:
    """About how many trials would narrow the interval to the rule's target (1/sqrt(n) scaling)."""
    if rules.interval_of((ci_lo, ci_hi)) is None or not n_trials:
        return None
    target = rules.target_halfwidth(ex.get("rule", "inside"), estimate, **_rule_args(ex))
    if target is None:
        return None
    h = (ci_hi - ci_lo) / 2.0
    return int(math.ceil(n_trials * (h / target) ** 2))


def verdict_entry(ex: dict, boot: Bootstrap | None, note: str) -> dict:
    """The summary.json entry of one expectation from its bootstrap (None: no estimate)."""
    estimate = None if boot is None else boot.estimate
    ci_lo, ci_hi = (None, None) if boot is None else boot.interval
    n = 0 if boot is None else boot.n_trials
    n_seeds = 0 if boot is None else boot.n_seeds
    outcome, reason = _judged(ex, estimate, ci_lo, ci_hi, n_seeds)
    rule = ex.get("rule", "inside")
    too_few_seeds = over(ex) == "seeds" and estimate is not None and rules.realizations(n_seeds) is not None
    if too_few_seeds:     # more trials cannot settle it: trials_needed stays None
        note = (note + "; " if note else "") + reason
    if estimate is not None and ci_lo is None and (boot.n_boot > 0 or rule in rules.NEEDS_INTERVAL):
        why = (f"{boot.replicates.size} of {boot.n_boot} resamples defined the metric" if boot.n_boot > 0
               else "no resamples (n_boot 0 or no trials)")
        note = (note + "; " if note else "") + (f"no interval: {why}; " + (
            "point check only" if rule not in rules.NEEDS_INTERVAL else f"rule {rule!r} needs one: inconclusive"))
    # float rounding: a degenerate interval (one trial) equals its estimate only to ~1e-15
    slack = 1e-9 * max(1.0, abs(estimate)) if estimate is not None else 0.0
    if estimate is not None and ci_lo is not None and not ci_lo - slack <= estimate <= ci_hi + slack:
        note = (note + "; " if note else "") + ("the interval excludes the estimate: resampling bias of a "
                                                "variance-type metric on few trials per cell; approximate")
    if estimate is None and AT_LIMIT in note:
        outcome = rules.INCONCLUSIVE
    verdict = outcome
    if ex.get("known_deviation"):
        verdict = "deviation"
        if outcome == "pass":
            note = (note + "; " if note else "") + "passes now: reconsider known_deviation"
    elif ex.get("calibration"):
        verdict = "calibration"
    need = trials_needed(ex, n, ci_lo, ci_hi, estimate) if outcome == "inconclusive" and not too_few_seeds else None
    rng = ex.get("range")
    excluded = ex.get("value") if rule == "excludes" else None
    return {**ex, "range": None if rng is None else [rng[0], rng[1]], "rule": rule, "excluded": excluded,
            "over": over(ex), "estimate": estimate, "ci_lo": ci_lo, "ci_hi": ci_hi, "n_trials": n,
            "n_seeds": n_seeds, "interval_over": None if ci_lo is None else boot.over,
            "verdict": verdict, "outcome": outcome, "trials_needed": need,
            "value": estimate, "pass": verdict == "pass", "note": note}


def evaluate(expect: list[dict], summary_models: dict, trials=None, activities: dict | None = None,
             seed: int = 0) -> list[dict]:
    """One entry per expectation (module docstring). Without trials/activities: point checks only.

    Expectations on the same (model, metric, n_boot) share their resamples: the metric is
    recomputed once per resample for all of them (`bootstrap_many`), seeded by
    (scenario seed, model, metric), so a scenario with many per-group checks of one metric
    costs one bootstrap, not one per check.
    """
    from attnsim.analysis.bootstrap import _options, bootstrap_many, pick
    from attnsim.analysis.registry import compute_metrics

    values, notes, boots = {}, {}, {}
    groups: dict[tuple, list[int]] = {}
    for i, ex in enumerate(expect):
        metrics = summary_models.get(ex["model"], {}).get("metrics", {})
        values[i], notes[i] = lookup(metrics, ex["metric"], ex["condition"], ex.get("group"))
        act = (activities or {}).get(ex["model"])
        n_boot = int(ex.get("n_boot", 200)) if trials is not None and act is not None else 0
        if values[i] is not None:
            if n_boot > 0:
                groups.setdefault((ex["model"], ex["metric"], n_boot), []).append(i)
            else:
                boots[i] = Bootstrap(values[i], np.zeros(0), 0 if trials is None else trials.n_trials, 0)
    for (model, metric, n_boot), members in groups.items():
        inner = _options(metric, None)

        def stats(t, a, metric=metric, members=members, inner=inner):
            if t is trials:   # the full data: the values already in summary.json
                return {i: values[i] for i in members}
            try:
                res = compute_metrics([metric], t, a, {metric: inner})
            except (ValueError, RuntimeError, FloatingPointError, ZeroDivisionError, np.linalg.LinAlgError):
                return {i: None for i in members}
            return {i: pick(res, metric, expect[i]["condition"], expect[i].get("group")) for i in members}

        boots.update(bootstrap_many(trials, activities[model], stats, n_boot=n_boot,
                                    seed=derive_seed(seed, "expect", model, metric)))
    out = [verdict_entry(ex, boots.get(i), notes[i]) for i, ex in enumerate(expect)]
    return apply_gates(expect, out, lambda ex: evaluate([ex], summary_models, trials, activities, seed)[0])


def _gate_of(metric: str) -> dict:
    """{group: (gating group, what its failing means)} a metric registers (`gates=` in
    METRICS.register), e.g. capacity_cost's {"ratio": ("benefit", ...)}; {} for none."""
    return dict(_meta(metric).get("gates") or {})


def apply_gates(expect: list[dict], results: list[dict], evaluate_one) -> list[dict]:
    """A claim on a gated group is decided only where its gate's interval excludes 0: a metric
    registers {group: gating group} (capacity_cost: the d' ratio needs the cue's d' benefit,
    d'_single - d'_uncued, as capacity.capacity_verdict and the scorecard require; without it a
    ratio near 1 is "no dual-task cost from a cue that does nothing", not unlimited capacity).
    Otherwise the claim reads inconclusive, with the rule's own reading and the gate in the note.
    evaluate_one(entry) evaluates one expectation entry the way `results` were."""
    for i, ex in enumerate(expect):
        r = results[i]
        gate, meaning = _gate_of(ex.get("metric", "")).get(ex.get("group")) or (None, "")
        if gate is None or r["estimate"] is None or r["outcome"] not in (rules.PASS, rules.FAIL):
            continue
        b = evaluate_one({**ex, "group": gate, "rule": "excludes", "value": 0.0, "range": None,
                          "prediction": None, "rivals": [], "known_deviation": None, "calibration": None})
        if b["outcome"] == rules.PASS:
            continue
        shown = "undefined" if b["estimate"] is None else (
            f"{b['estimate']:.3g} [{_num(b['ci_lo'])}, {_num(b['ci_hi'])}]")
        r["note"] = ((r["note"] + "; ") if r["note"] else "") + (
            f"rule alone: {r['outcome']}; its gate {ex['metric']} {gate} {shown} does not exclude 0: {meaning}")
        r["outcome"] = rules.INCONCLUSIVE
        if r["verdict"] in (rules.PASS, rules.FAIL):
            r["verdict"], r["pass"] = rules.INCONCLUSIVE, False
    return results


def evaluate_seeds(ex: dict, per_seed: list[Bootstrap], index: int, seed: int, note: str = "",
                   n_points: int | None = None) -> dict:
    """A sweep expectation averaged over its seeds (one Bootstrap per seed): the mean over seeds, its
    interval from `hierarchical` (seeds resampled; one seed: its trial bootstrap)."""
    boot = hierarchical(per_seed, n_boot=int(ex.get("n_boot", 200)), seed=derive_seed(seed, "expect", index))
    if boot.estimate is None:
        return verdict_entry(ex, None, note or f"no sweep point matches where={ex.get('where')}")
    k = boot.n_seeds if n_points is None else n_points
    return verdict_entry(ex, boot, f"mean over {k} point(s)")


def all_pass(results: list[dict]) -> bool:
    """What `--check` asks: no expectation failed or was inconclusive."""
    return not any(r.get("verdict", "pass" if r.get("pass") else "fail") in CHECK_FAILS for r in results)


def _num(v) -> str:
    return "n/a" if v is None else f"{v:.4g}"


def _claim(r: dict) -> str:
    if r.get("rule") == "identifies":
        return f"{r['prediction']:g} not {', '.join(f'{x:g}' for x in r['rivals'])}"
    rng = "" if r.get("range") is None else f"[{r['range'][0]:g}, {r['range'][1]:g}]"
    if r.get("rule") == "excludes":
        return f"not {r['excluded']:g}" + (f", in {rng}" if rng else "")
    return rng


def table(results: list[dict]) -> str:
    """The printed expectation table: verdict, what, estimate [95 % CI] (n trials, k seeds where the
    interval is over seeds), rule, claim, source."""
    if not results:
        return "no expectations in this scenario"
    rows = [("verdict", "model", "metric", "condition", "estimate [95 % CI] (n)", "rule", "range/claim", "source")]
    for r in results:
        verdict = r.get("verdict", "pass" if r.get("pass") else "fail")
        label = verdict.upper()
        if verdict in ("deviation", "calibration"):
            label += f" ({r.get('outcome', '?')})"
        cond = r["condition"] + (f"/{r['group']}" if r.get("group") else "")
        est = r.get("estimate", r.get("value"))
        ci = f" [{_num(r['ci_lo'])}, {_num(r['ci_hi'])}]" if r.get("ci_lo") is not None else ""
        k = r.get("n_seeds") or 0
        n = (f" (n={r['n_trials']}" + (f", {k} seeds" if k >= 2 else "") + ")") if r.get("n_trials") else ""
        rows.append((label, r["model"], r["metric"], cond, _num(est) + ci + n, r.get("rule", "inside"),
                     _claim(r), r["source"][:50]))
    widths = [max(len(str(row[i])) for row in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(str(c).ljust(w) for c, w in zip(row, widths)).rstrip() for row in rows]
    for r in results:
        if r.get("trials_needed"):
            lines.append(f"  inconclusive ({r['model']} {r['metric']} {r['condition']}): about "
                         f"{r['trials_needed']} trials would settle it (now {r['n_trials']})")
        if r.get("known_deviation"):
            lines.append(f"  known deviation ({r['model']} {r['metric']}): {r['known_deviation']}")
        if r.get("note"):
            lines.append(f"  note ({r['model']} {r['metric']}): {r['note']}")
    return "\n".join(lines)


def _seed_part(values: list[float], boots: list[Bootstrap] | None, n_trials: int) -> Bootstrap:
    """One seed's Bootstrap from its matching points: the mean of their values; with `boots` (one
    per point, drawn on the same trial resamples: the points of a seed share its trials), the
    replicate-wise mean of their replicates (no interval where their usable counts differ)."""
    est = float(np.mean(values))
    if not boots:
        return Bootstrap(est, np.zeros(0), n_trials, 0)
    sizes = {b.replicates.size for b in boots}
    reps = np.mean([b.replicates for b in boots], axis=0) if len(sizes) == 1 else np.zeros(0)
    return Bootstrap(est, reps, n_trials, boots[0].n_boot)


def evaluate_sweep(expect: list[dict], points: list[dict], run_dir: str, seed: int, matches) -> list[dict]:
    """Sweep expectations: the mean over the points `where:` selects (`matches(values, where)`):
    the points of each seed averaged, then the seeds; the interval resamples the seeds
    (`hierarchical`), or, with one seed, that seed's trials.

    points: [{"index", "values", "seed", "dir" (relative to run_dir), "models": {name: {"metrics"}}}];
    a point's trials and activity are read back from its results.h5 (one point in memory at a time)
    only where an expectation has a single seed: with two or more, the interval needs the seed
    estimates only. The trial resamples of one seed's points share their seed (derived from the
    scenario seed, the expectation and the sweep seed), so their replicates pair up.
    """
    import os

    from attnsim.store import read_results

    chosen = [[p for p in points if matches(p["values"], ex.get("where"))] for ex in expect]
    values: list[dict[int, list[float]]] = [{} for _ in expect]
    given: list[list[dict]] = [[] for _ in expect]      # the chosen points that gave a value
    trials: list[dict[int, int]] = [{} for _ in expect]
    boots: list[dict[int, list[Bootstrap]]] = [{} for _ in expect]
    notes: list[list[str]] = [[] for _ in expect]
    for i, ex in enumerate(expect):
        for p in chosen[i]:
            metrics = p["models"].get(ex["model"], {}).get("metrics", {})
            v, note = lookup(metrics, ex["metric"], ex["condition"], ex.get("group"))
            if v is None:
                notes[i].append(note)
            else:
                values[i].setdefault(p["seed"], []).append(v)
                given[i].append(p)
    single = {i for i in range(len(expect)) if len(values[i]) == 1 and int(expect[i].get("n_boot", 200)) > 0}
    for p in points:
        run = None
        for i in sorted(single):
            ex = expect[i]
            if p not in chosen[i] or p["seed"] not in values[i]:
                continue
            metrics = p["models"].get(ex["model"], {}).get("metrics", {})
            v, _ = lookup(metrics, ex["metric"], ex["condition"], ex.get("group"))
            if v is None:
                continue
            path = os.path.join(run_dir, p["dir"], "results.h5")
            if run is None and os.path.exists(path):
                run = read_results(path)
            if run is None or ex["model"] not in run.activities:
                boots[i].setdefault(p["seed"], []).append(Bootstrap(v, np.zeros(0), 0, 0))
                continue
            trials[i][p["seed"]] = run.trials.n_trials
            boots[i].setdefault(p["seed"], []).append(
                bootstrap_metric(run.trials, run.activities[ex["model"]], ex["metric"], ex["condition"],
                                 ex.get("group"), n_boot=int(ex.get("n_boot", 200)),
                                 seed=derive_seed(seed, "expect", i, "seed", p["seed"]), estimate=v))
    out = []
    for i, ex in enumerate(expect):
        if not values[i]:
            # the reason of a point where the metric was computed comes first (AT_LIMIT above all)
            ranked = sorted(notes[i], key=lambda n: (AT_LIMIT not in n, n.startswith("metric ")))
            out.append(verdict_entry(ex, None, ranked[0] if ranked else
                                     f"no sweep point matches where={ex.get('where')}"))
            continue
        parts = [_seed_part(vals, boots[i].get(s), trials[i].get(s) or _n_trials(run_dir, given[i], s))
                 for s, vals in values[i].items()]
        out.append(evaluate_seeds(ex, parts, i, seed, n_points=sum(len(v) for v in values[i].values())))
    return apply_gates(expect, out, lambda ex: evaluate_sweep([ex], points, run_dir, seed, matches)[0])


def _n_trials(run_dir: str, points: list[dict], seed: int) -> int:
    """The trial count of one seed: n_trials of the first of its points' summary.json, or the point's
    own "n_trials"; 0 where neither is there. `points`: the points whose value the expectation uses
    (a sweep over tasks has points of other tasks, and trial counts, that give it no value)."""
    import json
    import os
    for p in points:
        if p["seed"] != seed:
            continue
        if p.get("n_trials"):
            return int(p["n_trials"])
        path = os.path.join(run_dir, p["dir"], "summary.json")
        if os.path.exists(path):
            with open(path) as fh:
                n = json.load(fh).get("n_trials")
            if n:
                return int(n)
    return 0

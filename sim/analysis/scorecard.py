"""The attention scorecard: each model's signatures against the data, with intervals and verdicts.

For every model and every signature of `attnsim.reference_signatures` (docs/reference.md
rows 8-12), one entry (a dict, the data `sim.report` lays out and writes to scorecard.json):

    estimate, ci_lo, ci_hi  the value (`sim.analysis.signature_values`) and its 95 % interval
    interval                how the interval was made: "bootstrap" (stratified percentile
                            bootstrap over trials, `bootstrap.bootstrap_many`, n_boot resamples),
                            "jackknife" (row 11, `spike_field_change`), "seeds" (the mean over
                            realizations, `bootstrap.hierarchical`), or None
    n_trials, n_seeds       the trials (all seeds together) and realizations behind it;
    interval_over           "trials" (one realization) or "seeds"
    population              what the value was read from (the sensory view's source, or
                            "decision stage / readout" for row 10)
    rule                    the rule of `attnsim.analysis.rules` that judged it (`rule_of`)
    verdict, label          the outcome (pass / fail / inconclusive, or n/a) and what the
                            interval shows (`compare`; row 10: `capacity.capacity_verdict`)
    reason                  why there is no value (an n/a names what the model lacks)
    floor                   row 11 only: the trial-shuffled PPC floor, mean over groups and labels
    where                   the task (and sweep point) the value comes from

Sensory signatures are bootstrapped over the sensory view's trials only (for an ANN the
half that did not classify its units); capacity over all trials. In a sweep each signature
comes from the first grid point where it applies; with several seeds at that point, the
estimate is the mean over seeds and the interval resamples the seeds (`hierarchical`,
DESIGN.md "Measurements and their uncertainty"). One identification rule, `rules.identify`,
reached for row 10 through `capacity.capacity_verdict` (the capacity_cost verdict: it names
a capacity model only when the cue changes sensitivity).
"""
from __future__ import annotations

from attnsim.analysis import rules
from attnsim.analysis.dprime import is_dual_report
from attnsim.analysis.signature_values import (BEHAVIOUR_KEYS, SENSORY_KEYS, SPIKE_FIELD_KEYS, behaviour_values,
                                               sensory_values, spike_field_values, view)
from attnsim.reference_signatures import SIGNATURES

N_BOOT = 200            # resamples per model and realization
N_BOOT_SEEDS = 2000     # resamples of the seeds (means of k numbers: cheap)
N_JACKKNIFE = 5         # groups of row 11's jackknife (sim/analysis/spike_field_change.py)
CAPACITY_LABELS = {"unlimited": "unlimited capacity", "fixed": "fixed capacity", "serial": "serial"}


def rule_of(sig: dict) -> str:
    """The rule(s) of `attnsim.analysis.rules` that `compare` applies to this signature."""
    if sig.get("prediction") is not None:
        return "excludes 0 (d' benefit), then identifies"
    if sig.get("null") is None:
        return "consistent"
    if sig.get("span") is None:
        return "excludes"
    lo, hi = sig["span"]
    return "consistent" if lo <= sig["null"] <= hi else "excludes + consistent"


def compare(sig: dict, lo: float | None, hi: float | None, estimate: float | None,
            predictions: dict | None = None) -> tuple[str, str]:
    """(outcome, label) of one interval against one signature (sim/reference_signatures.py).

    The outcome is the shared vocabulary of `attnsim.analysis.rules` (pass, fail,
    inconclusive), or "n/a" where there is no value or the measure is not the row's;
    the label says what the interval shows. Every judgement is one of the shared
    rules on the interval: without an interval the outcome is inconclusive, never
    a reading of the point estimate."""
    if estimate is None:
        return "n/a", "n/a"
    if sig.get("not_compared"):
        return "n/a", "not compared: " + sig["not_compared"]
    ci = rules.interval_of((lo, hi))
    if ci is None:
        return rules.INCONCLUSIVE, "no interval"
    if sig.get("prediction") is not None:
        outcome, name, why = rules.identify(ci, predictions or sig["prediction"])
        if outcome == rules.PASS:
            return outcome, f"identifies {name}"
        return outcome, ("none of the predictions" if outcome == rules.FAIL else f"undecided ({why})")
    null, d, span = sig["null"], sig["direction"], sig["span"]
    if null is None:  # a magnitude without a direction (a latency): compare with the span only
        if span is None:
            return rules.INCONCLUSIVE, "no span in the data"
        outcome, why = rules.consistent(ci, span)
        if outcome == rules.FAIL:
            return outcome, "other magnitude (" + ("below" if ci[1] < span[0] else "above") + " the data)"
        return outcome, "match" if outcome == rules.PASS else f"undecided ({why})"
    inf = float("inf")
    side, _ = rules.excludes(ci, null, (null, inf) if d > 0 else (-inf, null))
    if span is None:
        return side, {rules.PASS: "match (direction; no magnitude in the data)", rules.FAIL: "opposite",
                      rules.INCONCLUSIVE: "no clear effect"}[side]
    mag, why = rules.consistent(ci, span)
    if span[0] <= null <= span[1]:      # no effect is among the data: the magnitude decides
        if mag == rules.FAIL:
            return mag, "opposite" if side == rules.FAIL else \
                "other magnitude (" + ("below" if ci[1] < span[0] else "above") + " the data)"
        return mag, "match" if mag == rules.PASS else f"undecided ({why})"
    if side == rules.FAIL:
        return side, "opposite"
    if side == rules.INCONCLUSIVE:
        return side, "no clear effect"
    if mag == rules.PASS:
        return mag, "match"
    return mag, "direction only" if mag == rules.FAIL else f"direction only; magnitude undecided ({why})"


def capacity_compare(ratio: dict, benefit: dict | None, p_single: float | None) -> tuple[str, str]:
    """(outcome, label) of row 10 by `capacity.capacity_verdict` (the capacity_cost verdict): ratio and
    benefit are entries {estimate, ci_lo, ci_hi}; no interval -> inconclusive."""
    from attnsim.analysis.capacity import NO_EFFECT, capacity_verdict
    if ratio.get("estimate") is None:
        return "n/a", "n/a"
    ci = rules.interval_of((ratio.get("ci_lo"), ratio.get("ci_hi")))
    if ci is None:
        return rules.INCONCLUSIVE, "no interval"
    b_ci = None if not benefit else (benefit.get("ci_lo"), benefit.get("ci_hi"))
    v = capacity_verdict(ci, p_single, b_ci)
    if v["verdict"] in CAPACITY_LABELS:
        return v["outcome"], "identifies " + CAPACITY_LABELS[v["verdict"]]
    if v["verdict"] == NO_EFFECT:
        return v["outcome"], f"{NO_EFFECT} ({v['verdict_reason']})"
    if v["verdict"] in ("ceiling", "floor"):
        return rules.INCONCLUSIVE, f"{v['verdict']} ({v['verdict_reason']})"
    return v["outcome"], ("none of the predictions" if v["outcome"] == rules.FAIL
                          else f"undecided ({v['verdict_reason']})")


def _part(est, lo, hi, n_trials, interval, population, reason="", **extra) -> dict:
    return {"estimate": est, "ci_lo": lo if est is not None else None, "ci_hi": hi if est is not None else None,
            "n_trials": n_trials, "n_seeds": 1 if est is not None else 0,
            "interval_over": "trials" if est is not None and lo is not None else None,
            "interval": interval if est is not None and lo is not None else None,
            "population": population, "reason": "" if est is not None else reason, **extra}


def realization(trials, activity, *, n_boot: int = N_BOOT, seed: int = 0, equal_stimuli: bool = True,
                n_jackknife: int = N_JACKKNIFE) -> dict[str, dict]:
    """{key: part} of one model on one realization (one run or sweep point): estimate, interval,
    n_trials, population, reason; the hidden behaviour keys (`_attention_benefit`, `_p_single`) too.

    Only what applies is computed. Rows 8, 9, 11 and 12 need cued selective trials: elsewhere (a
    dual_report point) their parts carry `skipped` and the reason, and nothing is computed. The
    sensory view is chosen once on all trials (an ANN: its hidden units classified on one half);
    the sensory signatures are bootstrapped over the view's trials only, so the trials that chose
    the units never enter the effect or its interval; row 8 by attention_gain's own bootstrap (one
    warm-started refit per resample, `signature_values.gain_values`), not by refitting with a fresh
    baseline choice inside every resample; row 11 by its jackknife over the same trials, and only
    where the sensory pair has spike trains; capacity over all trials, from the choices.
    n_boot = 0 and n_jackknife = 0 give the estimates alone (no interval): what a realization
    contributes where several seeds are pooled (`pool_seeds` uses the seeds' estimates only).
    """
    from attnsim.analysis.bootstrap import bootstrap_many
    from attnsim.analysis.signature_values import NOT_SELECTIVE, gain_values, selective_point
    _, b_why = behaviour_values(trials, activity)
    boots = bootstrap_many(trials, activity, lambda t, a: behaviour_values(t, a)[0], n_boot=n_boot, seed=seed)
    out = {k: _part(b.estimate, *b.interval, trials.n_trials, "bootstrap", "decision stage / readout", b_why.get(k, ""))
           for k, b in boots.items()}
    if not is_dual_report(trials):      # row 10 by design needs the dual-report task: another point's reason first
        for k in BEHAVIOUR_KEYS:
            if out[k]["estimate"] is None:
                out[k]["skipped"] = True
    if not selective_point(trials):
        for k in SENSORY_KEYS + tuple(SPIKE_FIELD_KEYS):
            out[k] = _part(None, None, None, trials.n_trials, None, "none", NOT_SELECTIVE, skipped=True)
        return out
    v, reason = view(trials, activity)
    if v is None:
        for k in SENSORY_KEYS + tuple(SPIKE_FIELD_KEYS):
            out[k] = _part(None, None, None, trials.n_trials, None, "none", reason)
        return out
    _, s_why = sensory_values(v.trials, v.activity, equal_stimuli, gain=False)
    boots = bootstrap_many(v.trials, v.activity, lambda t, a: sensory_values(t, a, equal_stimuli, gain=False)[0],
                           n_boot=n_boot, seed=seed)
    for k, b in boots.items():
        out[k] = _part(b.estimate, *b.interval, v.trials.n_trials, "bootstrap", v.source, s_why.get(k, ""))
    g_vals, g_why, g_ci = gain_values(v.trials, v.activity, n_boot=n_boot, seed=seed)
    for k, est in g_vals.items():
        out[k] = _part(est, *g_ci[k], v.trials.n_trials, "bootstrap", v.source, g_why[k])
    sf, sf_why = spike_field_values(v.trials, v.activity, n_groups=n_jackknife, seed=seed)
    for k, j in sf.items():
        out[k] = _part(None if j is None else j.estimate, None if j is None else j.ci_lo,
                       None if j is None else j.ci_hi, v.trials.n_trials, "jackknife", v.source, sf_why[k],
                       floor=None if j is None else j.floor)
    return out


def judge(parts: dict[str, dict]) -> dict[str, dict]:
    """{signature key: entry}: each shown signature's part with its rule, verdict and label."""
    out = {}
    for sig in SIGNATURES:
        key = sig["key"]
        e = dict(parts.get(key) or _part(None, None, None, 0, None, "none", "not measured"))
        if key == "capacity_ratio":
            p = parts.get("_p_single") or {}
            outcome, label = capacity_compare(e, parts.get("_attention_benefit"), p.get("estimate"))
        else:
            outcome, label = compare(sig, e["ci_lo"], e["ci_hi"], e["estimate"])
        e.update({"verdict": outcome, "label": label, "rule": rule_of(sig)})
        out[key] = e
    return out


def model_scorecard(trials, activity, *, n_boot: int = N_BOOT, seed: int = 0, equal_stimuli: bool = True,
                    n_jackknife: int = N_JACKKNIFE) -> dict[str, dict]:
    """{signature key: entry} (module docstring) for one model on one realization."""
    return judge(realization(trials, activity, n_boot=n_boot, seed=seed, equal_stimuli=equal_stimuli,
                             n_jackknife=n_jackknife))


def _partial_seeds(parts: list[dict], have: list[dict]) -> dict:
    """n/a where a signature is defined at some seeds of a point but fewer than rules.MIN_SEEDS: an
    estimate over those seeds would be a claim about the architecture from the seeds where it
    happened to be defined. The reason names the others' reason and the values where defined."""
    missing = next(p for p in parts if p["estimate"] is None)
    values = ", ".join(f"{p['estimate']:.3g}" for p in have)
    out = dict(missing)
    out.update({"n_seeds": 0, "n_trials": sum(p["n_trials"] for p in have),
                "reason": f"defined at {len(have)} of {len(parts)} seeds, {rules.MIN_SEEDS} needed "
                          f"(elsewhere: {missing.get('reason') or 'undefined'}); where defined: {values}"})
    return out


def pool_seeds(parts: list[dict], *, n_boot: int = N_BOOT_SEEDS, seed: int = 0) -> dict:
    """One part from the parts of several realizations (seeds) of one grid point: with >= 2 estimates
    the mean over seeds with `bootstrap.hierarchical`'s interval (seeds resampled, expanded for few
    seeds); with one, that part; with none, the first part (its reason). Where some seeds give an
    estimate and others do not, and fewer than rules.MIN_SEEDS do: n/a (`_partial_seeds`)."""
    import numpy as np

    from attnsim.analysis.bootstrap import Bootstrap, hierarchical
    have = [p for p in parts if p["estimate"] is not None]
    if len(parts) > 1 and 0 < len(have) < min(len(parts), rules.MIN_SEEDS):
        return _partial_seeds(parts, have)
    if len(have) <= 1:
        return dict(have[0] if have else parts[0])
    boot = hierarchical([Bootstrap(p["estimate"], np.zeros(0), p["n_trials"], 0) for p in have],
                        n_boot=n_boot, seed=seed)
    lo, hi = boot.interval
    out = dict(have[0])
    out.update({"estimate": boot.estimate, "ci_lo": lo, "ci_hi": hi, "n_trials": boot.n_trials,
                "n_seeds": boot.n_seeds, "interval_over": boot.over if lo is not None else None,
                "interval": "seeds" if lo is not None else None})
    if "floor" in out:
        floors = [p["floor"] for p in have if p.get("floor") is not None]
        out["floor"] = float(np.mean(floors)) if floors else None
    return out


class Scorecard:
    """The scorecard of a run or a sweep, built point by point from runs the caller holds.

    add() takes one realization (a run or sweep point) at a time, so a sweep's points can be
    read one after another and dropped; card() pools and judges.

    Intervals are computed only where they are used. Where a grid point has several seeds, the
    interval resamples the seeds' estimates (`pool_seeds`) and a seed's own trial bootstrap is never
    read: add() computes a realization's estimates only, and keeps the first seed of a grid point
    (its trials and activity) until it knows whether another seed of that point follows. If the
    next realization of that model is another seed of the same point, the kept one is dropped;
    otherwise (a different point, or card()) its trial bootstrap and jackknife are computed then,
    as before. With a sweep's seeds adjacent (sim/sweep.py orders the points grid-major), each
    model holds at most one realization in memory.
    """

    def __init__(self, models, *, seed: int = 0, n_boot: int = N_BOOT, n_jackknife: int = N_JACKKNIFE):
        self.models = list(models)
        self.seed, self.n_boot, self.n_jackknife = seed, n_boot, n_jackknife
        # {model: [(grid point key, where, {key: part})]} in point order
        self._parts: dict[str, list[tuple[str, str, dict]]] = {m: [] for m in self.models}
        # {model: (record index, trials, activity, seed, equal_stimuli)}: a first seed awaiting its interval
        self._held: dict[str, tuple] = {}

    def _first_estimating(self, name: str) -> dict[str, str]:
        first = {}
        for point, _, parts in self._parts[name]:
            for k, p in parts.items():
                if p["estimate"] is not None and k not in first:
                    first[k] = point
        return first

    def needs(self, name: str, point: str) -> bool:
        """Whether model `name` at grid point `point` can still add to the card: some signature has no
        value yet, or this grid point is where a signature's value comes from (another seed of it)."""
        first = self._first_estimating(name)
        keys = [s["key"] for s in SIGNATURES] + list(BEHAVIOUR_KEYS[1:])
        return any(k not in first for k in keys) or point in first.values()

    def _finish(self, name: str) -> None:
        """The trial intervals of the realization `name` holds (the only seed of its grid point)."""
        i, trials, activity, seed, eq = self._held.pop(name)
        point, where, _ = self._parts[name][i]
        self._parts[name][i] = (point, where, realization(trials, activity, n_boot=self.n_boot, seed=seed,
                                                          equal_stimuli=eq, n_jackknife=self.n_jackknife))

    def add(self, name: str, trials, activity, *, point: str = "", where: str = "", seed: int = 0,
            equal_stimuli: bool = True) -> None:
        """One model's realization at a grid point (`point`: its grid values, the same for every seed)."""
        held = self._held.get(name)
        if held is not None:
            if self._parts[name][held[0]][0] == point:
                del self._held[name]        # a second seed: the point's interval resamples seeds
            else:
                self._finish(name)
        records = self._parts[name]
        first_of_point = not any(pt == point for pt, _, _ in records)
        parts = realization(trials, activity, n_boot=0, seed=seed, equal_stimuli=equal_stimuli, n_jackknife=0)
        records.append((point, where, parts))
        if first_of_point:
            self._held[name] = (len(records) - 1, trials, activity, seed, equal_stimuli)

    def card(self) -> dict[str, dict[str, dict]]:
        """{model: {signature key: entry}} (module docstring)."""
        from attnsim.seeds import derive_seed
        for name in list(self._held):
            self._finish(name)
        out = {}
        for name in self.models:
            records = self._parts[name]
            if not records:
                out[name] = {}
                continue
            first = self._first_estimating(name)
            pooled = {}
            for key in {k for _, _, parts in records for k in parts}:
                if key in first:
                    chosen = [(w, parts[key]) for pt, w, parts in records if pt == first[key] and key in parts]
                    part = pool_seeds([p for _, p in chosen], seed=derive_seed(self.seed, "scorecard", name, key))
                    part["where"] = chosen[0][0]
                else:
                    # the reasons of the points where the signature applies (all points if none)
                    # (one reason per grid point: its seeds differ in numbers, not in kind)
                    have = [(pt, w, parts[key]) for pt, w, parts in records if key in parts]
                    applies = [h for h in have if not h[2].get("skipped")] or have
                    part = dict(applies[0][2])
                    part["where"] = applies[0][1]
                    seen = {applies[0][0]}
                    for pt, w, p in applies[1:]:
                        r = p.get("reason", "")
                        if pt not in seen and r and r not in part["reason"]:
                            part["reason"] += f"; {r}{w}"
                        seen.add(pt)
                part.pop("skipped", None)
                pooled[key] = part
            out[name] = needs_seeds(judge(pooled))
        return out


def needs_seeds(entries: dict[str, dict]) -> dict[str, dict]:
    """A run's card makes claims about each model, not about one network: a pass or fail over fewer
    than `rules.MIN_SEEDS` seeds reads inconclusive, with the rule's own reading kept in the label
    (`rules.realizations`, as expectations `over: seeds` do)."""
    for e in entries.values():
        few = rules.realizations(e.get("n_seeds"))
        if few is not None and e.get("verdict") in (rules.PASS, rules.FAIL) and e.get("estimate") is not None:
            e["label"] = f"{e['label']} on the rule alone; {few}"
            e["verdict"] = rules.INCONCLUSIVE
    return entries

"""report.md: the brain-versus-ANN comparison of a run (or of every point of a sweep).

It opens with the attention scorecard (`scorecard`): for every model, each
attention signature experiments measured (rate gain, contrast vs response gain,
Fano factor and noise-correlation change, gamma power, selection latency,
divided-attention capacity), its value with a 95 % stratified bootstrap
interval over trials (`sim.analysis.bootstrap`, SCORECARD_N_BOOT resamples),
the data's value and source (`sim.reference_signatures`, from
docs/reference.md rows 8-12) and the verdict of the shared rules
(`attnsim.analysis.rules`: pass / fail / inconclusive, or n/a) with a label
saying what the interval shows (match, direction only, opposite, ...).
Then, for each task run: a metrics table per model, the dual-task cost against the
capacity bounds (divided task), PCA trajectories side by side, the linear CKA
matrix between models, and the run's figures. Everything is computed from
the stored results, so a report can be rebuilt from a run directory.
"""
from __future__ import annotations

import json
import os

import numpy as np
from matplotlib.figure import Figure

from attnsim.expectations import table as expectation_table
from attnsim.plots.figures import save_figure
from attnsim.reference_signatures import SIGNATURES

COLUMNS = [  # (header, metric, condition, group-reducer)
    ("acc attended", "accuracy", "attended", None),
    ("acc neutral", "accuracy", "neutral", None),
    ("acc focused", "accuracy", "focused", None),
    ("acc divided", "accuracy", "divided", None),
    ("MI attended", "modulation_index", "attended", None),
    ("RT attended (ms)", "reaction_time_ms", "attended", None),
    ("selection latency (ms)", "selection_latency", "attended", None),
    ("Fano (mean)", "fano_factor", "all", "mean"),
    ("noise corr (mean)", "noise_correlation", "all", "mean"),
    ("gamma power (mean)", "gamma_power", "all", "mean"),
    ("persistence (ms)", "persistence_time", "attended", None),
    ("d' ratio dual/single", "capacity_cost", "all", "ratio"),
]


def _cell(metrics: dict, metric: str, condition: str, reducer):
    v = metrics.get(metric, {}).get(condition)
    if isinstance(v, dict):
        if reducer == "mean":
            vals = [x for x in v.values() if isinstance(x, (int, float))]
            v = float(np.mean(vals)) if vals else None
        else:
            v = v.get(reducer)
    if v is None or isinstance(v, dict):
        return None
    return float(v)


def _fmt(v) -> str:
    if v is None:
        return "–"
    return f"{v:.3g}" if abs(v) < 1000 else f"{v:.0f}"


def metrics_table(models: dict) -> str:
    cols = [c for c in COLUMNS if any(_cell(m["metrics"], c[1], c[2], c[3]) is not None for m in models.values())]
    lines = ["| model | family | " + " | ".join(c[0] for c in cols) + " |",
             "|---|---|" + "---|" * len(cols)]
    for name, m in models.items():
        row = [_fmt(_cell(m["metrics"], c[1], c[2], c[3])) for c in cols]
        lines.append(f"| {name} | {m['family']} ({m['kind']}) | " + " | ".join(row) + " |")
    return "\n".join(lines)


def _with_ci(c: dict, key: str) -> str:
    """'0.95 [0.81, 1.16]' with the 95 % bootstrap interval when capacity_cost computed one."""
    lo, hi = c.get(f"{key}_ci_lo"), c.get(f"{key}_ci_hi")
    return _fmt(c.get(key)) + (f" [{_fmt(lo)}, {_fmt(hi)}]" if lo is not None and hi is not None else "")


def capacity_table(models: dict) -> str | None:
    rows = []
    for name, m in models.items():
        c = m["metrics"].get("capacity_cost", {}).get("all")
        if not c:
            continue
        # the verdict is capacity_cost's, by rule `identifies` on the interval (sim/analysis/rules.py),
        # never a reading of the point ratio
        verdict = c.get("verdict") or "–"
        rows.append(f"| {name} | {_fmt(c.get('d_single'))} | {_fmt(c.get('d_dual'))} | {_with_ci(c, 'ratio')} | "
                    f"{_fmt(c.get('fixed_capacity_d_dual'))} | {_fmt(c.get('p_single'))} | {_fmt(c.get('p_dual'))} | "
                    f"{_fmt(c.get('serial_p_dual'))} | {verdict} | {_fmt(c.get('neuro_d_single'))} | "
                    f"{_fmt(c.get('neuro_d_dual'))} | {_with_ci(c, 'neuro_ratio')} |")
    if not rows:
        return None
    head = ("| model | d' single (focused) | d' dual (divided) | ratio [95 % CI] | fixed-capacity d' dual (d'/√2) | "
            "P single | P dual | serial P dual ((P+0.5)/2) | verdict | neurometric d' single | neurometric d' dual | "
            "neurometric ratio [95 % CI] |\n|---|---|---|---|---|---|---|---|---|---|---|---|")
    return head + "\n" + "\n".join(rows)


SCORECARD_N_BOOT = 200  # resamples per model; cost ~ 200 x (attention_effects + attention_gain + gamma_power
#                         + selection_latency + modulation_index + capacity_cost) on that model's trials


def _metric(name: str, trials, activity):
    """(result, reason): a registry metric called by name; reason says why it does not apply."""
    from attnsim.analysis.windows import NotApplicable
    from attnsim.jsonable import jsonable
    from attnsim.registries import METRICS
    fn = METRICS.get(name).obj
    # metrics with their own bootstrap run without it here: the scorecard's bootstrap resamples them
    opts = {"n_boot": 0} if name in ("capacity_cost", "attention_gain") else {}
    try:
        res = fn(trials, activity, **opts)
    except NotApplicable as e:  # a KeyError: its message is args[0], not str(e) (which quotes it)
        return None, str(e.args[0]) if e.args else f"{name} does not apply"
    except (ValueError, RuntimeError, FloatingPointError, ZeroDivisionError, np.linalg.LinAlgError) as e:
        return None, f"{name} failed: {e}"
    if not res:
        return None, f"{name} does not apply to this task or recording"
    return jsonable(res), ""


def _num(x):
    return float(x) if isinstance(x, (int, float)) and not isinstance(x, bool) and np.isfinite(x) else None


def _sub(res: dict | None, condition: str, key: str | None = None):
    v = (res or {}).get(condition)
    if key is not None:
        v = v.get(key) if isinstance(v, dict) else None
    return _num(v)


def _gamma_change(res: dict | None, activity) -> float | None:
    """mean_X gamma[attend_X][X] / mean_X gamma[attend_other][X] - 1 over the two sensory groups."""
    if not res:
        return None
    a, b = activity.sensory_pair()
    pairs = [(_sub(res, "attend_A", a), _sub(res, "attend_B", a)), (_sub(res, "attend_B", b), _sub(res, "attend_A", b))]
    if any(x is None for pair in pairs for x in pair):
        return None
    att, out = np.mean([p[0] for p in pairs]), np.mean([p[1] for p in pairs])
    return float(att / out - 1.0) if out > 0 else None


SENSORY_KEYS = ("rate_gain", "contrast_gain", "response_gain", "fano_change", "noise_corr_change", "gamma_change",
                "selection_latency")   # rows 8, 9, 11, 12: read from the sensory population only


def _lowest_epoch_rate(trials, activity) -> float:
    """The lowest stimulus-epoch mean of any unit of the sensory pair on any trial (0 without the epoch)."""
    from attnsim.analysis.windows import NotApplicable, epoch_steps
    try:
        win = epoch_steps(trials, activity, "stimulus")
    except NotApplicable:
        return 0.0
    if win.stop <= win.start:
        return 0.0
    return min(float(activity.rates[:, win, activity.groups[g]].mean(axis=1).min()) for g in activity.sensory_pair())


def _sensory_values(trials, activity, equal_stimuli: bool) -> tuple[dict, dict]:
    """The signatures of SENSORY_KEYS on an activity whose sensory pair is set (a `sensory_view`).

    Without spikes the rate gain comes from the modulation index of the view's selective
    groups (the sensory pair: `sensory_view` makes them so) on cued trials, where their rates
    are >= 0 (a ratio of signed activity, e.g. tanh hidden units, is no rate gain: n/a),
    rate_in/rate_out - 1 = 2 MI / (1 - MI) (MI = (in - out)/(in + out)), valid only with equal
    stimuli at A and B (`equal_stimuli`, the task's distractor_ratio 1).
    """
    vals, why = {}, {}
    eff, r_eff = _metric("attention_effects", trials, activity)
    for key, sub in (("rate_gain", "rate_change"), ("fano_change", "fano_ratio"),
                     ("noise_corr_change", "noise_corr_change")):
        vals[key] = _sub(eff, "all", sub)
        why[key] = r_eff if eff is None else (f"attention_effects gives no {sub}" if vals[key] is None else "")
    lowest = _lowest_epoch_rate(trials, activity)
    if vals["rate_gain"] is None and lowest < 0:
        why["rate_gain"] += (f"; rate gain from rates needs rates >= 0 (a ratio of rates), and these sensory "
                             f"units' activity is signed (min {lowest:.2g}: e.g. tanh hidden units)")
    elif vals["rate_gain"] is None:
        mi, r_mi = _metric("modulation_index", trials, activity)
        m = _sub(mi, "attended")
        if m is not None and equal_stimuli and m < 1:
            vals["rate_gain"], why["rate_gain"] = 2 * m / (1 - m), ""
        elif m is not None and not equal_stimuli:
            why["rate_gain"] += "; modulation index not used: unequal stimuli (distractor_ratio < 1)"
    gain, r_gain = _metric("attention_gain", trials, activity)
    for key, sub in (("contrast_gain", "c50_ratio"), ("response_gain", "rmax_ratio")):
        vals[key] = _sub(gain, "all", sub)
        why[key] = r_gain if gain is None else (f"no {sub} (fit undefined)" if vals[key] is None else "")
    gam, r_gam = _metric("gamma_power", trials, activity)
    vals["gamma_change"] = _gamma_change(gam, activity)
    why["gamma_change"] = r_gam if gam is None else ("needs attend_A and attend_B trials with gamma power > 0"
                                                     if vals["gamma_change"] is None else "")
    lat, r_lat = _metric("selection_latency", trials, activity)
    vals["selection_latency"] = _sub(lat, "attended")
    why["selection_latency"] = r_lat if lat is None else ("the attended representation never dominates"
                                                          if vals["selection_latency"] is None else "")
    return vals, why


def _behaviour_values(trials, activity) -> tuple[dict, dict]:
    """capacity_ratio (and the serial prediction) from the decision stage or readout."""
    vals, why = {}, {}
    cap, r_cap = _metric("capacity_cost", trials, activity)
    vals["capacity_ratio"] = _sub(cap, "all", "ratio")
    why["capacity_ratio"] = r_cap if cap is None else ("ratio undefined (ceiling or floor)"
                                                      if vals["capacity_ratio"] is None else "")
    if cap is not None:
        vals["_serial_prediction"] = _sub(cap, "all", "serial_prediction")
    return vals, why


def _view(trials, activity):
    """(sensory view, None) or (None, reason): `sim.analysis.sensory.sensory_view`."""
    from attnsim.analysis.sensory import sensory_view
    from attnsim.analysis.windows import NotApplicable
    try:
        return sensory_view(trials, activity), None
    except NotApplicable as e:
        return None, str(e.args[0]) if e.args else "n/a: no sensory population"


def signature_values(trials, activity, equal_stimuli: bool = True) -> tuple[dict, dict]:
    """({signature key: value or None}, {key: reason where None}) for one model on one run.

    The sensory signatures (SENSORY_KEYS, docs/reference.md rows 8, 9, 11, 12) are read from the
    model's sensory population (`sim.analysis.sensory.sensory_view`: its sensory pair, or an
    ANN's A- and B-preferring hidden units classified on held-out trials and measured on the
    others); a model without one gets None with the reason "n/a: no sensory population (...)",
    never a value from its decision pools or readout. capacity_ratio is behaviour (the choices
    or location reports). Each value comes from registry metrics called by name
    (attention_effects, attention_gain, gamma_power, selection_latency, modulation_index,
    capacity_cost).
    """
    view, reason = _view(trials, activity)
    if view is None:
        vals, why = dict.fromkeys(SENSORY_KEYS), dict.fromkeys(SENSORY_KEYS, reason)
    else:
        vals, why = _sensory_values(view.trials, view.activity, equal_stimuli)
    b_vals, b_why = _behaviour_values(trials, activity)
    return {**vals, **b_vals}, {**why, **b_why}


def compare(sig: dict, lo: float | None, hi: float | None, estimate: float | None,
            predictions: dict | None = None) -> tuple[str, str]:
    """(outcome, label) of one interval against one signature (sim/reference_signatures.py).

    The outcome is the shared vocabulary of `attnsim.analysis.rules` (pass, fail,
    inconclusive), or "n/a" where there is no value or the measure is not the row's;
    the label says what the interval shows. Every judgement is one of the shared
    rules on the interval: without an interval the outcome is inconclusive, never
    a reading of the point estimate."""
    from attnsim.analysis import rules
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


def model_scorecard(trials, activity, *, n_boot: int = SCORECARD_N_BOOT, seed: int = 0,
                    equal_stimuli: bool = True) -> dict[str, dict]:
    """{signature key: {estimate, ci_lo, ci_hi, n_trials, verdict, label, reason, population}} for one
    model on one run (verdict: pass / fail / inconclusive, or n/a; label: what the interval shows,
    `compare`; population: what the value was read from).

    The sensory view is chosen once on all trials (for an ANN: its hidden units classified on one
    half); the sensory signatures are bootstrapped over the view's trials only, so the trials
    that chose the units never enter the effect or its interval. capacity_ratio is bootstrapped
    over all trials, from the choices.
    """
    from attnsim.analysis.bootstrap import bootstrap_many
    view, reason = _view(trials, activity)
    full_extra = {}

    def behaviour(t, a):
        v, _ = _behaviour_values(t, a)
        if "_serial_prediction" in v and not full_extra:
            full_extra["serial"] = v["_serial_prediction"]
        return {k: x for k, x in v.items() if not k.startswith("_")}

    _, why = _behaviour_values(trials, activity)
    boots = bootstrap_many(trials, activity, behaviour, n_boot=n_boot, seed=seed)
    n_of = dict.fromkeys(boots, trials.n_trials)
    if view is None:
        why.update(dict.fromkeys(SENSORY_KEYS, reason))
    else:
        _, s_why = _sensory_values(view.trials, view.activity, equal_stimuli)
        why.update(s_why)
        boots.update(bootstrap_many(view.trials, view.activity,
                                    lambda t, a: _sensory_values(t, a, equal_stimuli)[0], n_boot=n_boot, seed=seed))
        n_of.update(dict.fromkeys(SENSORY_KEYS, view.trials.n_trials))
    out = {}
    for sig in SIGNATURES:
        b = boots.get(sig["key"])
        est = None if b is None else b.estimate
        lo, hi = (None, None) if b is None else b.interval
        preds = None
        if sig.get("prediction") is not None and "serial" in full_extra:
            preds = {**sig["prediction"], "serial": full_extra["serial"]}
        outcome, label = compare(sig, lo, hi, est, preds)
        sensory = sig["key"] in SENSORY_KEYS
        out[sig["key"]] = {"estimate": est, "ci_lo": lo, "ci_hi": hi,
                           "n_trials": n_of.get(sig["key"], trials.n_trials),
                           "verdict": outcome, "label": label,
                           "reason": why.get(sig["key"], "") if est is None else "",
                           "population": (view.source if view is not None else "none") if sensory
                           else "decision stage / readout"}
    return out


def _equal_stimuli(task: dict) -> bool:
    """True when cued and uncued stimuli are shown at equal levels (the selective task's contrast
    form with distractor_ratio 1, or its coherence form at coherence 0 only)."""
    if task.get("coherence") is not None:
        return all(float(c) == 0.0 for c in task["coherence"])
    return float(task.get("distractor_ratio", 1.0)) == 1.0


def _run_of(point_dir: str, runs: dict | None):
    """The RunData of a run (or sweep point) directory: from `runs` when the caller holds it in
    memory, else read from its results.h5 (None when there is none)."""
    from attnsim.store import read_results
    if runs and point_dir in runs:
        return runs[point_dir]
    path = os.path.join(point_dir, "results.h5")
    return read_results(path) if os.path.exists(path) else None


def scorecard(run_dir: str, resolved: dict, summary: dict, *, n_boot: int = SCORECARD_N_BOOT,
              runs: dict | None = None) -> dict:
    """{model: {signature: entry}}: each signature from the first run (or sweep point) where it applies."""
    from attnsim.seeds import derive_seed
    if "sweep" in summary:
        points = [(os.path.join(run_dir, p["dir"]), p["index"], p["values"]) for p in summary["sweep"]["points"]]
    else:
        points = [(run_dir, 0, {})]
    card: dict[str, dict] = {name: {} for name in summary["models"]}
    for point_dir, index, values in points:
        run = _run_of(point_dir, runs)   # the run in memory when the caller holds it
        if run is None:
            continue
        task = resolved.get("task", {})
        if "task" in values and isinstance(values["task"], dict):
            task = values["task"]
        task = {**task, **{k.split(".", 1)[1]: v for k, v in values.items() if k.startswith("task.")}}
        for name in card:
            done = len(card[name]) == len(SIGNATURES) and all(e["estimate"] is not None for e in card[name].values())
            if name not in run.activities or done:
                continue
            entries = model_scorecard(run.trials, run.activities[name], n_boot=n_boot,
                                      seed=derive_seed(summary["seed"], "scorecard", name, index),
                                      equal_stimuli=_equal_stimuli(task))
            where = f" ({task.get('kind', summary['task'])} task" + (f", point {index}" if points[1:] else "") + ")"
            for key, e in entries.items():
                have = card[name].get(key)
                if have is None or (have["estimate"] is None and e["estimate"] is not None):
                    card[name][key] = {**e, "where": where}
                elif have["estimate"] is None and e["reason"] and e["reason"] not in have["reason"]:
                    have["reason"] += f"; {e['reason']}{where}"
        del run
    return card


def _interval(e: dict) -> str:
    if e["estimate"] is None:
        return "–"
    ci = f" [{_fmt(e['ci_lo'])}, {_fmt(e['ci_hi'])}]" if e["ci_lo"] is not None else ""
    return _fmt(e["estimate"]) + ci


def scorecard_table(card: dict) -> str:
    """One markdown table: a row per model and signature (value [95 % CI], data, verdict)."""
    lines = ["| model | signature (row) | model value [95 % CI] (n trials) | data (source) | verdict |",
             "|---|---|---|---|---|"]
    for name, entries in card.items():
        for sig in SIGNATURES:
            e = entries.get(sig["key"])
            if e is None:
                continue
            if e["estimate"] is None:
                reason = e["reason"] or "not measured"
                verdict = (reason if reason.startswith("n/a") else "n/a: " + reason).replace("|", "/")
                value = "n/a"
            else:
                pop = e.get("population")
                on = f"; {pop}" if pop and sig["key"] in SENSORY_KEYS else ""
                value = f"{_interval(e)} (n={e['n_trials']}{on}){e.get('where', '')}"
                label = e.get("label", "")
                verdict = label if e["verdict"] == "n/a" else f"{e['verdict']}: {label}"
            lines.append(f"| {name} | {sig['name']} ({sig['row']}) | {value} | {sig['data']} | {verdict} |")
    return "\n".join(lines)


def _trajectory_figures(point_dir: str, order: list[str], runs: dict | None = None) -> tuple[list[str], str | None]:
    """PCA trajectories per model and the CKA matrix between models; returns (files, CKA table)."""
    from attnsim.analysis.cka import cka_between
    from attnsim.analysis.pca import pca_trajectories

    run = _run_of(point_dir, runs)
    if run is None:
        return [], None
    names = [n for n in order if n in run.activities]
    out_dir = os.path.join(point_dir, "figures")
    os.makedirs(out_dir, exist_ok=True)
    files = []
    # a grid of at most four columns, read at a glance; one legend for the figure
    ncols = min(4, max(1, len(names)))
    nrows = -(-len(names) // ncols)
    fig = Figure(figsize=(3.2 * ncols, 3.0 * nrows))
    axes = fig.subplots(nrows, ncols, squeeze=False)
    for ax in axes.flat[len(names):]:
        ax.set_visible(False)
    handles = {}
    for ax, name in zip(axes.flat, names):
        try:
            p = pca_trajectories(run.trials, run.activities[name], k=2)
        except Exception as e:  # a model with a single unit has no 2-D trajectory
            ax.set_title(f"{name}\n(no PCA: {type(e).__name__})", fontsize=8)
            continue
        for i, (label, tr) in enumerate(p["trajectories"].items()):
            handles[label], = ax.plot(tr[:, 0], tr[:, 1], color=f"C{i % 10}", lw=1, label=label)
            ax.plot(tr[-1, 0], tr[-1, 1], "o", color=f"C{i % 10}", ms=3)
        ev = p["explained_variance_ratio"]
        ax.set_title(f"{name}\nPC1 {ev[0]:.0%}, PC2 {ev[1]:.0%}", fontsize=8)
        ax.set_xticks([])
        ax.set_yticks([])
    fig.suptitle("condition-averaged trajectories, top two principal components (dot: end of trial)")
    fig.tight_layout(rect=(0, 0.06 if handles else 0, 1, 1))
    if handles:
        fig.legend(list(handles.values()), list(handles), loc="lower center", ncol=min(6, len(handles)),
                   fontsize=7, frameon=False)
    files += save_figure(fig, out_dir, "pca_trajectories")
    n = len(names)
    mat = np.full((n, n), np.nan)
    for i in range(n):
        for j in range(i, n):
            try:
                mat[i, j] = mat[j, i] = cka_between(run.trials, run.activities[names[i]], run.activities[names[j]])
            except Exception:
                pass
    fig = Figure(figsize=(1.0 + 0.55 * n, 0.8 + 0.5 * n))
    ax = fig.subplots()
    im = ax.imshow(mat, vmin=0, vmax=1, cmap="viridis")
    ax.set_xticks(range(n))
    ax.set_xticklabels(names, rotation=45, ha="right", fontsize=7)
    ax.set_yticks(range(n))
    ax.set_yticklabels(names, fontsize=7)
    for i in range(n):
        for j in range(n):
            if np.isfinite(mat[i, j]):
                ax.text(j, i, f"{mat[i, j]:.2f}", ha="center", va="center", fontsize=6,
                        color="w" if mat[i, j] < 0.6 else "k")
    fig.colorbar(im, ax=ax, fraction=0.046)
    ax.set_title("linear CKA, condition-averaged trajectories", fontsize=8)
    fig.tight_layout()
    files += save_figure(fig, out_dir, "cka")
    head = "| | " + " | ".join(names) + " |\n|---|" + "---|" * n
    rows = [f"| {names[i]} | " + " | ".join(_fmt(None if not np.isfinite(v) else float(v)) for v in mat[i]) + " |"
            for i in range(n)]
    with open(os.path.join(point_dir, "cka.json"), "w") as fh:
        json.dump({"models": names, "cka": [[None if not np.isfinite(v) else float(v) for v in r] for r in mat]},
                  fh, indent=1)
    return files, head + "\n" + "\n".join(rows)


def _section(title: str, point_dir: str, rel: str, point_summary: dict, runs: dict | None = None) -> list[str]:
    models = point_summary["models"]
    lines = [f"## {title}", "", metrics_table(models), ""]
    cap = capacity_table(models)
    if cap:
        lines += ["### Divided attention: dual-task cost against capacity bounds", "",
                  "Unlimited capacity predicts ratio 1 (no cost); fixed capacity predicts d'/√2 (ratio 0.707); "
                  "the all-or-none serial model predicts P dual = (P single + 0.5)/2 "
                  "(docs/reference.md row 10). The verdict names the prediction the interval identifies "
                  "(rule `identifies`, interval no wider than the gap to the nearest rival, 0.29 between unlimited and "
                  "fixed; sim/analysis/rules.py). Behavioural d' is of the A/B choice; "
                  "neurometric d' is criterion-free, "
                  "from the selective group's stimulus-epoch rate with the target vs the distractor at its location "
                  "(sim/analysis/capacity.py).", "", cap, ""]
    _, cka = _trajectory_figures(point_dir, list(models), runs)
    fig_dir = os.path.join(point_dir, "figures")
    figs = sorted(f for f in os.listdir(fig_dir) if f.endswith(".png")) if os.path.isdir(fig_dir) else []
    if cka:
        lines += ["### Representational similarity (linear CKA)", "", cka, ""]
    for f in figs:
        lines += [f"![{f[:-4]}]({os.path.join(rel, 'figures', f)})", ""]
    return lines


def write_report(run_dir: str, resolved: dict, summary: dict, runs: dict | None = None) -> str:
    """report.md (and scorecard.json, trajectory figures) of a run directory.

    runs: {directory: RunData} the caller already holds in memory (a run just finished);
    any other run or sweep point is read from its results.h5.
    """
    lines = [f"# {summary['scenario']}", ""]
    if resolved.get("description"):
        lines += [resolved["description"].strip(), ""]
    lines += [f"Seed {summary['seed']}. Models: " + ", ".join(
        f"{n} ({m['family']})" for n, m in summary["models"].items()) + ".", ""]
    card = scorecard(run_dir, resolved, summary, runs=runs)
    if any(card.values()):
        lines += ["## Attention scorecard", "",
                  f"Each model's value of the signatures measured in experiments, with its 95 % percentile "
                  f"bootstrap interval over trials ({SCORECARD_N_BOOT} resamples within condition x target "
                  "cells), against the data (docs/reference.md rows 8-12; sim/reference_signatures.py). "
                  "Verdicts are the shared rules (sim/analysis/rules.py): pass (match: the interval is on the "
                  "data's side of no effect and overlaps the published values), fail (direction only: right "
                  "side, other magnitude; opposite: wholly on the other side), inconclusive (no clear effect: "
                  "the interval holds no effect; or too wide to decide; or no interval), n/a (no value, or "
                  "not compared: the model's measure is not the row's). Row 10 gives model predictions, not "
                  "data: the verdict names the prediction the interval identifies. Rows 8, 9, 11 and 12 "
                  "are read from each model's sensory population only (its sensory groups, or an ANN's "
                  "hidden units classified as A- or B-preferring on held-out trials and measured on the "
                  "others; sim/analysis/sensory.py); a model without one reads \"n/a: no sensory "
                  "population\", never a value from its decision pools or outputs.", "",
                  scorecard_table(card), ""]
        with open(os.path.join(run_dir, "scorecard.json"), "w") as fh:
            json.dump(card, fh, indent=1)
    if "sweep" in summary:
        for p in summary["sweep"]["points"]:
            values = ", ".join(f"{k} = {v['kind'] if isinstance(v, dict) and 'kind' in v else v}"
                               for k, v in p["values"].items())
            lines += _section(f"{p['task']} task ({values}; seed {p['seed']})", os.path.join(run_dir, p["dir"]),
                              p["dir"], p)
    else:
        lines += _section(f"{summary['task']} task", run_dir, ".", summary, runs)
    lines += ["## Expectations", "", "```", expectation_table(summary["expectations"]), "```", ""]
    path = os.path.join(run_dir, "report.md")
    with open(path, "w") as fh:
        fh.write("\n".join(lines))
    return path

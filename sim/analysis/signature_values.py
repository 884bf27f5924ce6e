"""What each scorecard cell shows: one model's value of each attention signature, on which
population, or why it has none.

The signatures are those of `attnsim.reference_signatures` (docs/reference.md rows 8-12).
Rows 8, 9 and 12 (SENSORY_KEYS) describe sensory neurons (V4, MT, IT) before any decision:
they are read from the model's sensory population only (`sim.analysis.sensory.sensory_view`:
its sensory pair, or an ANN's A- and B-preferring hidden units classified on held-out trials
and measured on the others); a model without one gets None with the reason "n/a: no sensory
population (...)", never a value from its decision pools or readout. Row 11 (SPIKE_FIELD_KEYS)
is also of the sensory population, from spike trains (`sim.analysis.spike_field_change`, with
its own jackknife interval). Row 10 (capacity_ratio) is behaviour: the choices or location
reports (`sim.analysis.capacity`).

Every value comes from a registry metric called by name (attention_effects, attention_gain,
selection_latency, modulation_index, capacity_cost; spike_field_coherence through
spike_field_change), so a value here is the number the metric reports:

    rate_gain          attention_effects rate_change (rate_in / rate_out - 1); without it, on
                       rates >= 0 and equal stimuli at A and B, from the modulation index
                       MI = (in - out) / (in + out) of cued trials: 2 MI / (1 - MI)
    contrast_gain      attention_gain c50_ratio;  response_gain: rmax_ratio
    fano_change        attention_effects fano_ratio; noise_corr_change: noise_corr_change
    selection_latency  selection_latency "attended"
    sfc_gamma_change   spike_field_change "gamma"; sfc_low_change: "low"
    capacity_ratio     capacity_cost ratio d'_dual / d'_single, with the hidden keys
                       _attention_benefit (d'_single - d'_uncued) and _p_single that its verdict
                       needs (`attnsim.analysis.capacity.capacity_verdict`)
"""
from __future__ import annotations

import numpy as np

SENSORY_KEYS = ("rate_gain", "contrast_gain", "response_gain", "fano_change", "noise_corr_change",
                "selection_latency")    # rows 8, 9, 12: bootstrapped over the sensory view's trials
SPIKE_FIELD_KEYS = {"sfc_gamma_change": "gamma", "sfc_low_change": "low"}   # row 11: jackknife
BEHAVIOUR_KEYS = ("capacity_ratio", "_attention_benefit", "_p_single")       # row 10; "_": not shown
NO_SENSORY = "n/a: no sensory population"


def equal_stimuli(task: dict) -> bool:
    """True when a task (its resolved spec) shows cued and uncued stimuli at equal levels: the
    selective task's contrast form with distractor_ratio 1, or its coherence form at coherence 0
    only. The modulation index is a rate gain only then (`sensory_values`)."""
    if task.get("coherence") is not None:
        return all(float(c) == 0.0 for c in task["coherence"])
    return float(task.get("distractor_ratio", 1.0)) == 1.0


def metric(name: str, trials, activity, **options):
    """(result, reason): a registry metric called by name; reason says why it does not apply.

    Metrics with their own bootstrap (capacity_cost, attention_gain) run without it unless
    `options` ask for it (n_boot=...): the scorecard resamples them, or reads attention_gain's
    own interval (`gain_values`)."""
    from attnsim.analysis.windows import NotApplicable
    from attnsim.jsonable import jsonable
    from attnsim.registries import METRICS
    fn = METRICS.get(name).obj
    opts = {"n_boot": 0} if name in ("capacity_cost", "attention_gain") else {}
    opts.update(options)
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


GAIN_KEYS = {"contrast_gain": "c50_ratio", "response_gain": "rmax_ratio"}   # row 8, attention_gain
RATES_ONLY = "n/a: needs spike counts (this model's sensory population has rates only)"
NOT_SELECTIVE = ("n/a: needs cued selective trials (attend_A / attend_B, the cue naming one location); "
                 "this task has none")


def has_spikes(activity) -> bool:
    """Whether the sensory pair of a view has spike trains (a Fano factor and a spike-field coherence
    need them; an ANN's hidden units have rates only)."""
    spikes = activity.spikes or {}
    return all(g in spikes for g in activity.sensory_pair())


def selective_point(trials) -> bool:
    """Whether a task has cued selective trials (attend_A / attend_B): where rows 8, 9, 11 and 12 apply
    (a dual_report task cues locations for a report at each, not one attended stimulus)."""
    return bool(np.any(trials.attended_index() >= 0))


def gain_values(trials, activity, *, n_boot: int = 0, seed: int = 0) -> tuple[dict, dict, dict]:
    """({key: value or None}, {key: reason}, {key: (ci_lo, ci_hi)}) of row 8 (GAIN_KEYS) from
    attention_gain on a sensory view, with its own bootstrap when n_boot > 0 (one warm-started refit
    per resample, the baseline model chosen once on all trials: `sim.analysis.attention_gain`)."""
    gain, r_gain = metric("attention_gain", trials, activity, n_boot=n_boot, bootstrap_seed=seed)
    vals, why, ci = {}, {}, {}
    for key, sub in GAIN_KEYS.items():
        vals[key] = _sub(gain, "all", sub)
        why[key] = r_gain if gain is None else (f"no {sub} (fit undefined)" if vals[key] is None else "")
        ci[key] = (_sub(gain, "all", sub + "_ci_lo"), _sub(gain, "all", sub + "_ci_hi"))
    return vals, why, ci


def sensory_values(trials, activity, equal_stimuli: bool, *, gain: bool = True) -> tuple[dict, dict]:
    """({key: value or None}, {key: reason}) of SENSORY_KEYS on a sensory view's trials and activity
    (without row 8's keys when gain is False: `gain_values` gives them with their own interval).

    Without a rate_change from attention_effects the rate gain comes from the modulation index of
    the view's sensory pair on cued trials, where their rates are >= 0 (a ratio of signed activity
    is no rate gain: n/a), rate_in/rate_out - 1 = 2 MI / (1 - MI), valid only with equal stimuli at
    A and B (`equal_stimuli`, the task's distractor_ratio 1). The Fano factor needs spike counts:
    a population with rates only reads RATES_ONLY.
    """
    vals, why = {}, {}
    eff, r_eff = metric("attention_effects", trials, activity)
    for key, sub in (("rate_gain", "rate_change"), ("fano_change", "fano_ratio"),
                     ("noise_corr_change", "noise_corr_change")):
        vals[key] = _sub(eff, "all", sub)
        why[key] = r_eff if eff is None else (f"attention_effects gives no {sub}" if vals[key] is None else "")
    if vals["fano_change"] is None and not has_spikes(activity):
        why["fano_change"] = RATES_ONLY
    if eff is not None and vals["noise_corr_change"] is None:
        from attnsim.analysis.variability import MIN_TRIALS_CORR
        n_corr = _sub(eff, "all", "n_cells_corr")
        units = np.arange(activity.rates.shape[2])
        sizes = [units[activity.groups[g]].size for g in activity.sensory_pair()]
        if n_corr == 0:
            why["noise_corr_change"] = (f"n/a: too few trials: a noise correlation needs >= {MIN_TRIALS_CORR} trials "
                                        f"of one stimulus in each attention condition (no such cell here)")
        elif max(sizes) < 2:
            why["noise_corr_change"] = ("a noise correlation needs >= 2 units in a sensory group, and each location "
                                        "here has 1 (one pool's population rate)")
    if vals["rate_gain"] is None:
        lowest = _lowest_epoch_rate(trials, activity)
        if lowest < 0:
            why["rate_gain"] += (f"; rate gain from rates needs rates >= 0 (a ratio of rates), and these sensory "
                                 f"units' activity is signed (min {lowest:.2g}: e.g. tanh hidden units)")
        else:
            mi, _ = metric("modulation_index", trials, activity)
            m = _sub(mi, "attended")
            if m is not None and equal_stimuli and m < 1:
                vals["rate_gain"], why["rate_gain"] = 2 * m / (1 - m), ""
            elif m is not None and not equal_stimuli:
                why["rate_gain"] += "; modulation index not used: unequal stimuli (distractor_ratio < 1)"
    if gain:
        g_vals, g_why, _ = gain_values(trials, activity)
        vals.update(g_vals)
        why.update(g_why)
    lat, r_lat = metric("selection_latency", trials, activity)
    vals["selection_latency"] = _sub(lat, "attended")
    why["selection_latency"] = r_lat if lat is None else ("" if vals["selection_latency"] is not None else
                                                          _latency_reason(trials, activity))
    return vals, why


def _latency_reason(trials, activity) -> str:
    """Why selection_latency has no value: a cue-driven lead that the array onset does not reset
    (`timing.rising_lead`), else no divergence after onset."""
    from attnsim.analysis.timing import rising_lead
    from attnsim.analysis.windows import NotApplicable
    try:
        reason = rising_lead(trials, activity)
    except NotApplicable:
        reason = ""
    return reason or "the attended and unattended sensory responses never diverge after array onset"


def _undefined_ratio(p_single: float | None) -> str:
    """Why capacity_cost gave no d' ratio: performance at ceiling or floor (capacity.CEILING, FLOOR)."""
    from attnsim.analysis.capacity import CEILING, FLOOR
    if p_single is None:
        return "ratio undefined (no d' at the cued location)"
    where = "ceiling" if p_single > CEILING else "floor" if p_single < FLOOR else "d' single or dual <= 0"
    return f"ratio undefined: P single {p_single:.2f} ({where}; ceiling > {CEILING}, floor < {FLOOR})"


def behaviour_values(trials, activity) -> tuple[dict, dict]:
    """({key: value or None}, {key: reason}) of BEHAVIOUR_KEYS from the choices or location reports."""
    cap, r_cap = metric("capacity_cost", trials, activity)
    vals = {"capacity_ratio": _sub(cap, "all", "ratio"), "_attention_benefit": _sub(cap, "all", "benefit"),
            "_p_single": _sub(cap, "all", "p_single")}
    why = {"capacity_ratio": r_cap if cap is None else "" if vals["capacity_ratio"] is not None else
           _undefined_ratio(vals["_p_single"])}
    why["_attention_benefit"] = why["_p_single"] = why["capacity_ratio"]
    return vals, why


def view(trials, activity):
    """(sensory view, None) or (None, reason): `sim.analysis.sensory.sensory_view`."""
    from attnsim.analysis.sensory import sensory_view
    from attnsim.analysis.windows import NotApplicable
    try:
        return sensory_view(trials, activity), None
    except NotApplicable as e:
        return None, str(e.args[0]) if e.args else f"{NO_SENSORY}"


def spike_field_values(trials, activity, *, n_groups: int, seed: int = 0) -> tuple[dict, dict]:
    """({key: Jackknife or None}, {key: reason}) of SPIKE_FIELD_KEYS on a sensory view."""
    from attnsim.analysis.spike_field_change import spike_field_changes
    from attnsim.analysis.windows import NotApplicable
    if not has_spikes(activity):
        return dict.fromkeys(SPIKE_FIELD_KEYS), dict.fromkeys(
            SPIKE_FIELD_KEYS, "n/a: needs spike trains (this model's sensory population has rates only)")
    try:
        jk = spike_field_changes(trials, activity, n_groups=n_groups, seed=seed)
    except NotApplicable as e:
        reason = str(e.args[0]) if e.args else "spike_field_coherence does not apply"
        return dict.fromkeys(SPIKE_FIELD_KEYS), dict.fromkeys(SPIKE_FIELD_KEYS, reason)
    vals = {k: jk[band] for k, band in SPIKE_FIELD_KEYS.items()}
    why = {k: "" if v.estimate is not None else "needs attend_A and attend_B trials with spikes in both sensory "
           "groups" for k, v in vals.items()}
    return vals, why


def signature_values(trials, activity, equal_stimuli: bool = True) -> tuple[dict, dict]:
    """({signature key: value or None}, {key: reason where None}) for one model on one run, without
    intervals (the scorecard's point values; `sim.analysis.scorecard.model_scorecard` adds them).
    Row 11's values are the changes of `spike_field_change` (floats here)."""
    v, reason = view(trials, activity)
    if v is None or not selective_point(trials):
        keys = SENSORY_KEYS + tuple(SPIKE_FIELD_KEYS)
        vals, why = dict.fromkeys(keys), dict.fromkeys(keys, reason if v is None else NOT_SELECTIVE)
    else:
        vals, why = sensory_values(v.trials, v.activity, equal_stimuli)
        sf, sf_why = spike_field_values(v.trials, v.activity, n_groups=0)
        vals.update({k: None if j is None else j.estimate for k, j in sf.items()})
        why.update(sf_why)
    b_vals, b_why = behaviour_values(trials, activity)
    return {**vals, **b_vals}, {**why, **b_why}

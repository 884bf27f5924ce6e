"""The figures every model family gets, drawn from stored data only (RunData + summary.json).

Each is registered in FIGURES and is ``f(run, summary) -> [(stem, Figure)]``: it builds
`matplotlib.figure.Figure` objects (object-oriented matplotlib, no pyplot), so that importing
attnsim never selects or switches the user's backend and a returned Figure displays inline in
a notebook; `attnsim.plots.registry.draw` saves them (`save_figure`). A figure that does not
apply to the run returns []. Which models a figure draws is decided by their capabilities
("spiking", "trainable"), never by family names (`model_capabilities`).
"""
from __future__ import annotations

import os
import re

import numpy as np
from matplotlib.figure import Figure

from attnsim.analysis.conditions import condition_groups, stimulus_level
from attnsim.analysis.rates import attended_unattended
from attnsim.plots.intervals import index_interval, mean_interval, wilson_interval
from attnsim.registries import FIGURES, PluginError

COLORS = {"attend_A": "tab:blue", "attend_B": "tab:orange", "neutral": "tab:gray"}


def sensory_rates(trials, activity):
    """(trials, activity, None) of the model's sensory population, or (None, None, reason).

    The population is `attnsim.analysis.sensory.sensory_view`'s (a sensory pair, or an ANN's
    hidden units preferring A and B, classified on held-out trials and shown on the others),
    never decision pools or softmax outputs. Signed activity within [-1, 1] (tanh-range hidden
    units) is shown as its logistic rate (1 + h) / 2 >= 0, the rate a modulation index needs
    (`attnsim.analysis.attention_effects.logistic_rate`); other signed activity has none.
    """
    from dataclasses import replace

    from attnsim.analysis.attention_effects import logistic_rate
    from attnsim.analysis.sensory import sensory_view
    from attnsim.analysis.windows import NotApplicable
    try:
        view = sensory_view(trials, activity)
    except NotApplicable as e:
        return None, None, str(e.args[0]) if e.args else "n/a: no sensory population"
    act = view.activity
    pair = act.sensory_pair()
    units = np.concatenate([np.arange(act.rates.shape[2])[act.groups[g]] for g in pair])
    rate = logistic_rate(act.rates[:, :, units])
    if rate is None:
        return None, None, "n/a: signed activity outside [-1, 1] has no rate"
    if not np.array_equal(rate, act.rates[:, :, units]):
        rates = act.rates.copy()
        rates[:, :, units] = rate
        act = replace(act, rates=rates)
    return view.trials, act, None


def save_figure(fig, out_dir: str, stem: str) -> list[str]:
    """Write `stem`.png (110 dpi) and `stem`.svg into out_dir, return the paths.

    A figure made by pyplot is closed afterwards (freeing pyplot's reference); an
    object-oriented Figure has no pyplot manager and is simply dropped by the caller.
    """
    paths = []
    for ext in ("png", "svg"):
        p = os.path.join(out_dir, f"{stem}.{ext}")
        fig.savefig(p, dpi=110 if ext == "png" else None, bbox_inches="tight")
        paths.append(p)
    if getattr(fig.canvas, "manager", None) is not None:
        import matplotlib.pyplot as plt
        plt.close(fig)
    return paths


def _model_order(run, summary) -> list[str]:
    names = list(summary.get("models", {})) or list(run.activities)
    return [n for n in names if n in run.activities]


def model_capabilities(run, name: str) -> frozenset:
    """The capabilities of model `name` of the run: `run.capabilities[name]` when stored, else
    those its family class declares (`capabilities_of(run.model_class(name))`); a family that can
    no longer be loaded (an outside plugin not importable now) has none."""
    caps = (getattr(run, "capabilities", None) or {}).get(name)
    if caps is not None:
        return frozenset(caps)
    from attnsim.models.base import capabilities_of
    try:
        return capabilities_of(run.model_class(name))
    except (PluginError, KeyError):
        return frozenset()


def models_with(run, summary, capability: str) -> list[str]:
    """The run's models (summary order) that declare `capability`."""
    return [n for n in _model_order(run, summary) if capability in model_capabilities(run, n)]


def _shade_epochs(ax, trials):
    for name, (a, b) in ((k, trials.epoch_ms(k)) for k in trials.epochs):
        if name in ("cue", "stimulus", "delay"):
            ax.axvspan(a, b, color={"cue": "tab:green", "stimulus": "gold", "delay": "lavender"}[name],
                       alpha=0.12, lw=0)


_ORDER = ("attend_A", "attend_B", "divided", "neutral")


def _conditions(trials) -> list[str]:
    """Condition labels in a fixed reading order (cued first), then any others sorted."""
    present = set(trials.conditions["condition"].tolist())
    return [c for c in _ORDER if c in present] + sorted(present - set(_ORDER))


@FIGURES.register("raster", summary="spike raster per condition (first trial), spiking models")
def raster(run, summary) -> list[tuple[str, Figure]]:
    """One raster per "spiking" model with recorded spikes: the last trial of each condition,
    the first 200 neurons of each group; stem "raster_<model>"."""
    out = []
    trials = run.trials
    for name in models_with(run, summary, "spiking"):
        act = run.activities[name]
        if not act.spikes:
            continue
        conds = _conditions(trials)
        fig = Figure(figsize=(4.2 * len(conds), 4))
        axes = fig.subplots(1, len(conds), sharey=True, squeeze=False)
        for ax, cond in zip(axes[0], conds):
            i = int(np.flatnonzero(trials.conditions["condition"] == cond)[-1])
            offset = 0
            for k, (group, per_trial) in enumerate(act.spikes.items()):
                ids, ts = per_trial[i]
                n = act.group_sizes.get(group, int(ids.max()) + 1 if len(ids) else 1)
                # thin large groups so a raster stays legible and small
                keep = ids < 200
                ax.scatter(ts[keep], ids[keep] + offset, s=0.4, color=f"C{k}", label=group, rasterized=True)
                offset += min(n, 200) + 10
            _shade_epochs(ax, trials)
            label = cond + (f", contrast {trials.conditions['contrast'][i]:g}" if "contrast" in trials.conditions else "")
            ax.set_title(label, fontsize=9)
            ax.set_xlabel("time (ms)")
        axes[0][0].set_ylabel("neuron (first 200 per group)")
        axes[0][-1].legend(markerscale=12, fontsize=7, loc="upper right")
        fig.suptitle(f"{name}: spike raster (one trial per condition)")
        out.append((f"raster_{name}", fig))
    return out


@FIGURES.register("rates", summary="population rates over time per condition: the sensory population, else the decision stage")
def rates(run, summary) -> list[tuple[str, Figure]]:
    """Mean rate of the model's sensory pair over time (`sensory_rates`; a model without one: its
    selective, decision-stage pair, labelled so), one row per model, one column per condition,
    with a 95 % percentile-bootstrap band over trials; stem "rates"."""
    names = _model_order(run, summary)
    if not names:
        return []
    trials = run.trials
    conds = _conditions(trials)
    fig = Figure(figsize=(4 * len(conds), 2.6 * len(names)))
    axes = fig.subplots(len(names), len(conds), squeeze=False, sharex=True)
    for r, name in enumerate(names):
        tr, act, _ = sensory_rates(trials, run.activities[name])
        what = "sensory"
        if act is None:                 # no sensory population: the decision stage, named as such
            tr, act, what = trials, run.activities[name], "decision / readout"
        t = np.arange(act.rates.shape[1]) * act.dt_ms
        ga, gb = act.selective_groups
        for c, cond in enumerate(conds):
            ax = axes[r][c]
            idx = tr.conditions["condition"] == cond
            for g, style in ((ga, "-"), (gb, "--")):
                color = "tab:blue" if g == ga else "tab:orange"
                mean, lo, hi = mean_interval(act.group_rate(g)[idx], axis=0)
                ax.fill_between(t, lo, hi, color=color, alpha=0.2, lw=0)
                ax.plot(t, mean, style, color=color, lw=1.3, label=g)
            _shade_epochs(ax, trials)
            if r == 0:
                ax.set_title(f"{cond} (n = {int(idx.sum())})", fontsize=10)
            if c == 0:
                ax.set_ylabel(f"{name} ({what})\nrate ({act.rate_unit})")
            if r == len(names) - 1:
                ax.set_xlabel("time (ms)")
        axes[r][-1].legend(fontsize=7)
    fig.suptitle("sensory population where the model has one (ANNs: A-/B-preferring hidden units on held-out trials, "
                 "logistic rate), else its decision stage: mean over trials, band 95 % bootstrap (shaded: cue, stimulus)",
                 fontsize=9)
    fig.tight_layout()
    return [("rates", fig)]


def _level_name(trials) -> str:
    """The stimulus level the labels "<condition>@<level>" split by: "contrast" or "coherence"."""
    split = stimulus_level(trials)
    return "contrast" if split is None else split[0]


def _labels_by_contrast(trials, prefix: str) -> list[tuple[float, np.ndarray]]:
    """(level, trial indices) of the labels "<prefix>@<level>" (`_level_name`), by level; [] if none."""
    out = []
    for label, idx in condition_groups(trials).items():
        m = re.fullmatch(re.escape(prefix) + r"@([0-9.eE+-]+)", label)
        if m:
            out.append((float(m.group(1)), idx))
    return sorted(out, key=lambda p: p[0])


def _errorbar(ax, x, est, lo, hi, fmt, **kw):
    est, lo, hi = (np.asarray(v, dtype=float) for v in (est, lo, hi))
    ax.errorbar(x, est, yerr=[np.clip(est - lo, 0, None), np.clip(hi - est, 0, None)], fmt=fmt,
                capsize=2.5, **kw)


@FIGURES.register("modulation", summary="modulation index of the sensory population by contrast, every model with one")
def modulation(run, summary) -> list[tuple[str, Figure]]:
    """Modulation index (att - unatt)/(att + unatt) of the sensory population (`sensory_rates`) by
    contrast per model, 95 % bootstrap over cued trials; models without a sensory population are
    named in the title, never drawn from their decision pools; stem "modulation"; [] when no
    model has one."""
    fig = Figure(figsize=(5, 3.6))
    ax = fig.subplots()
    drawn, missing = False, []
    for k, name in enumerate(_model_order(run, summary)):
        trials, act, why = sensory_rates(run.trials, run.activities[name])
        pair = None if act is None else attended_unattended(trials, act)
        if pair is None or not np.isfinite(pair[0]).any():
            missing.append((name, "no sensory population" if why is None or "no sensory population" in why
                            else "signed activity, no rate" if "signed" in why else "no cued trials"))
            continue
        att, unatt = pair
        cells = _labels_by_contrast(trials, "attended") or [(np.nan, np.flatnonzero(np.isfinite(att)))]
        stats = [index_interval(att[idx][np.isfinite(att[idx])], unatt[idx][np.isfinite(att[idx])], seed=k)
                 for _, idx in cells]
        x = [c for c, _ in cells]
        est, lo, hi = zip(*stats)
        n = sum(int(np.isfinite(att[idx]).sum()) for _, idx in cells)
        if np.isnan(x[0]):
            ax.axhline(est[0], color=f"C{k}", ls=":", label=f"{name} (all contrasts, n = {n})")
            ax.axhspan(lo[0], hi[0], color=f"C{k}", alpha=0.15, lw=0)
        else:
            _errorbar(ax, x, est, lo, hi, "o-", color=f"C{k}", label=f"{name} (n = {n})")
        drawn = True
    if not drawn:
        return []
    ax.axhline(0, color="k", lw=0.6)
    ax.set_xlabel(_level_name(run.trials))
    ax.set_ylabel("modulation index of the sensory population\n(att - unatt)/(att + unatt)")
    by_reason: dict[str, list[str]] = {}
    for name, why in missing:
        by_reason.setdefault(why, []).append(name)
    note = "".join(f"\n{why}: {', '.join(names)}" for why, names in by_reason.items())
    ax.set_title(f"attentional modulation by {_level_name(run.trials)}\n(error bars: 95 % bootstrap over cued trials; "
                 f"ANNs: held-out trials){note}", fontsize=8)
    ax.legend(fontsize=8)
    fig.tight_layout()
    return [("modulation", fig)]


def _weibull(c, alpha, beta):
    return 1 - 0.5 * np.exp(-(c / alpha) ** beta)


@FIGURES.register("psychometric", summary="accuracy and reaction time by condition (P(choice A) and decision "
                                           "time vs coherence for the discrimination task)")
def psychometric(run, summary) -> list[tuple[str, Figure]]:
    """Accuracy (95 % Wilson) and RT of correct trials (95 % bootstrap) by contrast and condition; with a
    "coherence" condition, P(choice A) and decision time vs coherence; stem "psychometric"."""
    trials = run.trials
    names = _model_order(run, summary)
    if "coherence" in trials.conditions and stimulus_level(trials) is None:   # one coherence per condition
        fig = Figure(figsize=(9, 3.6))
        a1, a2 = fig.subplots(1, 2)
        coh = trials.conditions["coherence"]
        levels = np.unique(coh)
        for k, name in enumerate(names):
            act = run.activities[name]
            chose_a = [act.choice[coh == c] == 0 for c in levels]
            p = [ch.mean() for ch in chose_a]
            ci = [wilson_interval(int(ch.sum()), ch.size) for ch in chose_a]
            rt = [mean_interval(np.where(act.choice[coh == c] == 0, act.reaction_time_ms[coh == c], np.nan))
                  for c in levels]
            x = np.where(levels > 0, levels, levels[levels > 0].min() / 2 if np.any(levels > 0) else 1)
            n = int(np.min([ch.size for ch in chose_a]))
            _errorbar(a1, x, p, [c[0] for c in ci], [c[1] for c in ci], "o-", color=f"C{k}",
                      label=f"{name} (n >= {n}/coherence)")
            _errorbar(a2, x, [r[0] for r in rt], [r[1] for r in rt], [r[2] for r in rt], "o-",
                      color=f"C{k}", label=name)
            a1.set_xscale("log")
            a2.set_xscale("log")
        a1.set_xlabel("coherence (%)  [0 % drawn at left]")
        a1.set_ylabel("P(choice A)")
        a1.set_ylim(0.3, 1.02)
        a2.set_xlabel("coherence (%)")
        a2.set_ylabel("decision time, choice A (ms)")
        a1.legend(fontsize=8)
        fig.suptitle("psychometric (95 % Wilson) and chronometric (95 % bootstrap) curves")
        fig.tight_layout()
        return [("psychometric", fig)]
    conds = _conditions(trials)
    fig = Figure(figsize=(9, 3.6))
    a1, a2 = fig.subplots(1, 2)
    target = np.asarray(trials.target)
    drawn = False
    for k, name in enumerate(names):
        act = run.activities[name]
        if act.choice.shape != target.shape:
            continue  # a per-location design: accuracy of one choice is not defined
        correct = act.choice == target
        rt = np.where(correct, act.reaction_time_ms, np.nan)
        for cond in conds:
            cells = _labels_by_contrast(trials, cond)
            if not cells:
                continue
            x = [c for c, _ in cells]
            acc = [wilson_interval(int(correct[idx].sum()), idx.size) for _, idx in cells]
            p = [correct[idx].mean() for _, idx in cells]
            style = dict(color=f"C{k}", alpha=1.0 if cond != "neutral" else 0.6)
            fmt = "o-" if cond != "neutral" else "s--"
            _errorbar(a1, x, p, [a for a, _ in acc], [b for _, b in acc], fmt,
                      label=f"{name} {cond} (n = {cells[0][1].size}/{_level_name(trials)})", **style)
            m = [mean_interval(rt[idx]) for _, idx in cells]
            _errorbar(a2, x, [v[0] for v in m], [v[1] for v in m], [v[2] for v in m], fmt, **style)
            drawn = True
    if not drawn:       # no model makes one choice per trial (e.g. dual_report: a report per location)
        return []
    a1.axhline(0.5, color="k", lw=0.6, ls=":")
    a1.set_xlabel(_level_name(trials))
    a1.set_ylabel("accuracy")
    a1.set_ylim(0, 1.05)
    a2.set_xlabel(_level_name(trials))
    a2.set_ylabel("reaction time (ms)")
    a1.legend(fontsize=6, ncol=2)
    fig.suptitle("accuracy (95 % Wilson) and reaction time of correct trials (95 % bootstrap) by condition")
    fig.tight_layout()
    return [("psychometric", fig)]


@FIGURES.register("comparison", summary="models side by side: accuracy, sensory modulation index, reaction time")
def comparison(run, summary) -> list[tuple[str, Figure]]:
    """Bars per model and condition (all contrasts pooled) of accuracy (95 % Wilson), modulation
    index of the sensory population (`sensory_rates`; none without one; 95 % bootstrap) and RT
    (95 % bootstrap); stem "comparison"."""
    names = _model_order(run, summary)
    conds = [c for c in _conditions(run.trials)]
    trials = run.trials
    groups = condition_groups(trials)
    target = np.asarray(trials.target)

    def stat(metric, act, idx):
        if metric == "accuracy":
            if act.choice.shape != target.shape:
                return (np.nan,) * 3
            k = int((act.choice[idx] == target[idx]).sum())
            return (k / idx.size, *wilson_interval(k, idx.size))
        if metric == "reaction_time_ms":
            ok = act.choice[idx] == target[idx] if act.choice.shape == target.shape else np.zeros(idx.size, bool)
            return mean_interval(np.where(ok, act.reaction_time_ms[idx], np.nan))
        s_trials, s_act, _ = sensory_rates(trials, act)
        pair = None if s_act is None else attended_unattended(s_trials, s_act)
        if pair is None:
            return (np.nan,) * 3
        cond = trials.conditions["condition"][idx[0]] if idx.size else None
        rows = np.flatnonzero(s_trials.conditions["condition"] == cond)
        sel = rows[np.isfinite(pair[0][rows])]
        return index_interval(pair[0][sel], pair[1][sel]) if sel.size else (np.nan,) * 3

    panels = [("accuracy", "accuracy"), ("modulation_index", "modulation index\n(sensory population)"),
              ("reaction_time_ms", "RT (ms)")]
    fig = Figure(figsize=(12, 3.6))
    axes = fig.subplots(1, 3)
    width = 0.8 / max(1, len(conds))
    for ax, (metric, label) in zip(axes, panels):
        for j, cond in enumerate(conds):
            vals = np.array([stat(metric, run.activities[name], groups[cond]) for name in names], float)
            vals = vals.reshape(len(names), 3)
            err = np.vstack([np.clip(vals[:, 0] - vals[:, 1], 0, None), np.clip(vals[:, 2] - vals[:, 0], 0, None)])
            err = np.nan_to_num(err)
            ax.bar(np.arange(len(names)) + j * width, vals[:, 0], width, yerr=err, capsize=2,
                   label=f"{cond} (n = {groups[cond].size})", color=COLORS.get(cond, f"C{j}"))
        ax.set_xticks(np.arange(len(names)) + width * (len(conds) - 1) / 2)
        ax.set_xticklabels(names, rotation=30, ha="right", fontsize=8)
        ax.set_ylabel(label)
    axes[0].legend(fontsize=7)
    fig.suptitle("models side by side (all contrasts pooled; error bars 95 %: Wilson, bootstrap, bootstrap)")
    fig.tight_layout()
    return [("comparison", fig)]


@FIGURES.register("training", summary="training curves (loss, accuracy) of artificial models")
def training(run, summary) -> list[tuple[str, Figure]]:
    """Loss (log axis) and batch accuracy per training step of every "trainable" model with
    curves in `run.training` (the curves the runner also writes to weights/<model>.curves.json);
    stem "training"; [] when none has curves."""
    stored = getattr(run, "training", None) or {}
    curves = {name: stored[name] for name in models_with(run, summary, "trainable") if stored.get(name)}
    if not curves:
        return []
    fig = Figure(figsize=(9, 3.4))
    a1, a2 = fig.subplots(1, 2)
    for k, (name, c) in enumerate(curves.items()):
        if c.get("loss"):
            a1.plot(c["loss"], color=f"C{k}", label=name)
        if c.get("accuracy"):
            a2.plot(c["accuracy"], color=f"C{k}", label=name)
    a1.set_yscale("log")
    a1.set_xlabel("training step")
    a1.set_ylabel("loss")
    a2.set_xlabel("training step")
    a2.set_ylabel("batch accuracy")
    a2.legend(fontsize=8)
    fig.suptitle("training curves")
    fig.tight_layout()
    return [("training", fig)]

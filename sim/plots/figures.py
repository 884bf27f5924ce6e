"""The figures a run draws, from stored data only (RunData + summary.json)."""
from __future__ import annotations

import json
import os
import re

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

COLORS = {"attend_A": "tab:blue", "attend_B": "tab:orange", "neutral": "tab:gray"}


def save_figure(fig, out_dir: str, stem: str) -> list[str]:
    """Write PNG and SVG, close the figure, return the paths."""
    paths = []
    for ext in ("png", "svg"):
        p = os.path.join(out_dir, f"{stem}.{ext}")
        fig.savefig(p, dpi=110 if ext == "png" else None, bbox_inches="tight")
        paths.append(p)
    plt.close(fig)
    return paths


def _model_order(run, summary) -> list[str]:
    names = list(summary.get("models", {})) or list(run.activities)
    return [n for n in names if n in run.activities]


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


def draw_raster(run, summary, out_dir, run_dir) -> list[str]:
    files = []
    trials = run.trials
    for name in _model_order(run, summary):
        act = run.activities[name]
        if not act.spikes:
            continue
        conds = _conditions(trials)
        fig, axes = plt.subplots(1, len(conds), figsize=(4.2 * len(conds), 4), sharey=True, squeeze=False)
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
        files += save_figure(fig, out_dir, f"raster_{name}")
    return files


def draw_rates(run, summary, out_dir, run_dir) -> list[str]:
    names = _model_order(run, summary)
    if not names:
        return []
    trials = run.trials
    conds = _conditions(trials)
    fig, axes = plt.subplots(len(names), len(conds), figsize=(4 * len(conds), 2.6 * len(names)),
                             squeeze=False, sharex=True)
    for r, name in enumerate(names):
        act = run.activities[name]
        t = np.arange(act.rates.shape[1]) * act.dt_ms
        ga, gb = act.selective_groups
        for c, cond in enumerate(conds):
            ax = axes[r][c]
            idx = trials.conditions["condition"] == cond
            for g, style in ((ga, "-"), (gb, "--")):
                mean = act.group_rate(g)[idx].mean(axis=0)
                ax.plot(t, mean, style, color="tab:blue" if g == ga else "tab:orange", lw=1.3, label=g)
            _shade_epochs(ax, trials)
            if r == 0:
                ax.set_title(cond, fontsize=10)
            if c == 0:
                ax.set_ylabel(f"{name}\nrate ({act.rate_unit})")
            if r == len(names) - 1:
                ax.set_xlabel("time (ms)")
        axes[r][-1].legend(fontsize=7)
    fig.suptitle("selective populations: mean over trials of each condition (shaded: cue, stimulus)")
    fig.tight_layout()
    return save_figure(fig, out_dir, "rates")


def _by_contrast(per_cond: dict, prefix: str):
    xs, ys = [], []
    for k, v in per_cond.items():
        m = re.fullmatch(re.escape(prefix) + r"@([0-9.eE+-]+)", k)
        if m and v is not None and not isinstance(v, dict):
            xs.append(float(m.group(1)))
            ys.append(v)
    order = np.argsort(xs)
    return np.array(xs)[order], np.array(ys)[order]


def draw_modulation(run, summary, out_dir, run_dir) -> list[str]:
    fig, ax = plt.subplots(figsize=(5, 3.6))
    drawn = False
    for k, name in enumerate(_model_order(run, summary)):
        mi = summary["models"][name]["metrics"].get("modulation_index", {})
        x, y = _by_contrast(mi, "attended")
        if len(x):
            ax.plot(x, y, "o-", color=f"C{k}", label=name)
            drawn = True
        elif mi.get("attended") is not None:
            ax.axhline(mi["attended"], color=f"C{k}", ls=":", label=f"{name} (all contrasts)")
            drawn = True
    if not drawn:
        plt.close(fig)
        return []
    ax.axhline(0, color="k", lw=0.6)
    ax.set_xlabel("contrast")
    ax.set_ylabel("modulation index\n(att - unatt)/(att + unatt)")
    ax.set_title("attentional modulation by contrast")
    ax.legend(fontsize=8)
    fig.tight_layout()
    return save_figure(fig, out_dir, "modulation")


def _weibull(c, alpha, beta):
    return 1 - 0.5 * np.exp(-(c / alpha) ** beta)


def draw_psychometric(run, summary, out_dir, run_dir) -> list[str]:
    trials = run.trials
    names = _model_order(run, summary)
    if "coherence" in trials.conditions:
        fig, (a1, a2) = plt.subplots(1, 2, figsize=(9, 3.6))
        coh = trials.conditions["coherence"]
        levels = np.unique(coh)
        for k, name in enumerate(names):
            act = run.activities[name]
            p = [np.mean(act.choice[coh == c] == 0) for c in levels]
            rt = [np.nanmean(np.where(act.choice[coh == c] == 0, act.reaction_time_ms[coh == c], np.nan))
                  if np.any(act.choice[coh == c] == 0) else np.nan for c in levels]
            x = np.where(levels > 0, levels, levels[levels > 0].min() / 2 if np.any(levels > 0) else 1)
            a1.semilogx(x, p, "o-", color=f"C{k}", label=name)
            a2.semilogx(x, rt, "o-", color=f"C{k}", label=name)
        a1.set_xlabel("coherence (%)  [0 % drawn at left]")
        a1.set_ylabel("P(choice A)")
        a1.set_ylim(0.3, 1.02)
        a2.set_xlabel("coherence (%)")
        a2.set_ylabel("decision time, choice A (ms)")
        a1.legend(fontsize=8)
        fig.suptitle("psychometric and chronometric curves")
        fig.tight_layout()
        return save_figure(fig, out_dir, "psychometric")
    conds = _conditions(trials)
    fig, (a1, a2) = plt.subplots(1, 2, figsize=(9, 3.6))
    for k, name in enumerate(names):
        met = summary["models"][name]["metrics"]
        for cond in conds:
            x, y = _by_contrast(met.get("accuracy", {}), cond)
            if len(x):
                a1.plot(x, y, "o-" if cond != "neutral" else "s--", color=f"C{k}",
                        alpha=1.0 if cond != "neutral" else 0.6, label=f"{name} {cond}")
            x, y = _by_contrast(met.get("reaction_time_ms", {}), cond)
            if len(x):
                a2.plot(x, y, "o-" if cond != "neutral" else "s--", color=f"C{k}",
                        alpha=1.0 if cond != "neutral" else 0.6)
    a1.axhline(0.5, color="k", lw=0.6, ls=":")
    a1.set_xlabel("contrast")
    a1.set_ylabel("accuracy")
    a1.set_ylim(0, 1.05)
    a2.set_xlabel("contrast")
    a2.set_ylabel("reaction time (ms)")
    a1.legend(fontsize=6, ncol=2)
    fig.suptitle("accuracy and reaction time by condition")
    fig.tight_layout()
    return save_figure(fig, out_dir, "psychometric")


def draw_comparison(run, summary, out_dir, run_dir) -> list[str]:
    names = _model_order(run, summary)
    conds = [c for c in _conditions(run.trials)]
    panels = [("accuracy", "accuracy"), ("modulation_index", "modulation index"), ("reaction_time_ms", "RT (ms)")]
    fig, axes = plt.subplots(1, 3, figsize=(12, 3.6))
    width = 0.8 / max(1, len(conds))
    for ax, (metric, label) in zip(axes, panels):
        for j, cond in enumerate(conds):
            vals = []
            for name in names:
                v = summary["models"][name]["metrics"].get(metric, {}).get(cond)
                vals.append(np.nan if v is None or isinstance(v, dict) else v)
            ax.bar(np.arange(len(names)) + j * width, vals, width, label=cond, color=COLORS.get(cond, f"C{j}"))
        ax.set_xticks(np.arange(len(names)) + width * (len(conds) - 1) / 2)
        ax.set_xticklabels(names, rotation=30, ha="right", fontsize=8)
        ax.set_ylabel(label)
    axes[0].legend(fontsize=7)
    fig.suptitle("models side by side (all contrasts pooled)")
    fig.tight_layout()
    return save_figure(fig, out_dir, "comparison")


def draw_training(run, summary, out_dir, run_dir) -> list[str]:
    curves = {}
    wdir = os.path.join(run_dir, "weights")
    for name in _model_order(run, summary):
        p = os.path.join(wdir, f"{name}.curves.json")
        if os.path.exists(p):
            with open(p) as fh:
                curves[name] = json.load(fh)
    if not curves:
        return []
    fig, (a1, a2) = plt.subplots(1, 2, figsize=(9, 3.4))
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
    return save_figure(fig, out_dir, "training")

"""Figures for layered (PD14 microcircuit) models: rates per population against the published
reference, and the attention effect per layer. Drawn from summary.json and the stored group
sizes only, like every figure, so `attnsim figures RUN_DIR` redraws them."""
from __future__ import annotations

import numpy as np

from attnsim.models.microcircuit import pd14_params as P
from attnsim.plots.figures import _model_order, plt, save_figure


def _layered_models(run, summary) -> list[str]:
    return [n for n in _model_order(run, summary) if run.families.get(n) == "microcircuit"]


def n_scaling_of(activity) -> float:
    """N_scaling from the stored size of column A's L2/3E (the scale is not in summary.json)."""
    return activity.group_sizes.get("A_L23E", 0) / P.N_FULL[0]


def _baseline_rates(metrics: dict) -> tuple[dict, str] | tuple[None, None]:
    """Per-group rates of the unattended state: spontaneous ("all") or neutral trials."""
    for metric in ("mean_rate_hz", "rate_hz"):
        per_cond = metrics.get(metric) or {}
        for cond in ("neutral", "all"):
            if cond in per_cond:
                return per_cond[cond], f"{metric}, {cond}"
    return None, None


def draw_layer_rates(run, summary, out_dir, run_dir) -> list[str]:
    files = []
    for name in _layered_models(run, summary):
        rates, source = _baseline_rates(summary["models"][name].get("metrics", {}))
        if not rates:
            continue
        scale = n_scaling_of(run.activities[name])
        x = np.arange(len(P.POPULATIONS))
        model = np.array([rates.get(f"A_{p}", np.nan) or np.nan for p in P.POPULATIONS], float)
        fig, ax = plt.subplots(figsize=(7, 3.6))
        ax.bar(x, model, color=["tab:red" if e else "tab:blue" for e in P.IS_EXCITATORY], alpha=0.8,
               label=f"{name} (column A, {source})")
        ax.plot(x, P.FULL_MEAN_RATES_HZ, "k_", ms=22, mew=2, label="PD14 full scale (published)")
        if abs(scale - 0.1) < 0.005:
            ax.plot(x, P.REF_RATES_01_HZ, "_", color="tab:green", ms=22, mew=2, label="NEST 0.1 scale")
        ax.set_xticks(x, [p.replace("L23", "L2/3") for p in P.POPULATIONS])
        ax.set_ylabel("rate (Hz)")
        ax.set_title(f"{name}: rate per population at N_scaling {scale:.3g}")
        ax.legend(fontsize=7, loc="upper left")
        files += save_figure(fig, out_dir, f"layer_rates_{name}")
    return files


def layer_changes(metrics: dict) -> dict[str, dict[str, float]] | None:
    """{"attended column": {pop: change}, "other column": {...}} from rate_change_vs_neutral,
    averaging attend_A (column A attended) and attend_B (column B attended)."""
    ch = metrics.get("rate_change_vs_neutral")
    if not ch:
        return None
    out = {"attended column": {}, "other column": {}}
    for pop in P.POPULATIONS:
        att, other = [], []
        for cond, mine, theirs in (("attend_A", "A", "B"), ("attend_B", "B", "A")):
            if cond in ch:
                att.append(ch[cond].get(f"{mine}_{pop}"))
                other.append(ch[cond].get(f"{theirs}_{pop}"))
        att = [v for v in att if v is not None]
        other = [v for v in other if v is not None]
        out["attended column"][pop] = float(np.mean(att)) if att else np.nan
        out["other column"][pop] = float(np.mean(other)) if other else np.nan
    return out


def draw_layer_modulation(run, summary, out_dir, run_dir) -> list[str]:
    files = []
    for name in _layered_models(run, summary):
        changes = layer_changes(summary["models"][name].get("metrics", {}))
        if not changes:
            continue
        x = np.arange(len(P.POPULATIONS))
        fig, ax = plt.subplots(figsize=(7, 3.6))
        for k, (label, vals) in enumerate(changes.items()):
            ax.bar(x + (k - 0.5) * 0.4, [100 * vals[p] for p in P.POPULATIONS], width=0.4, label=label,
                   color=("tab:purple", "tab:gray")[k])
        ax.axhline(0, color="k", lw=0.8)
        ax.set_xticks(x, [p.replace("L23", "L2/3") for p in P.POPULATIONS])
        ax.set_ylabel("rate change vs neutral (%)")
        ax.set_title(f"{name}: top-down attention per layer (Wagatsuma et al. 2011: L2/3, L5 up; L4 down)",
                     fontsize=9)
        ax.legend(fontsize=8)
        files += save_figure(fig, out_dir, f"layer_modulation_{name}")
    return files

"""Figures for layered models: rate per population against published reference rates, and the
attention effect per layer. Drawn from summary.json and the stored group sizes only, like
every figure, so `attnsim figures RUN_DIR` redraws them.

A model gets them when it declares the capability "layered"; everything they need (the
populations, their labels and types, the columns, how group names are made, the reference
rates and the model's scale) comes from its family's `layer_layout`
(`attnsim.models.layer_layout.LayerLayout`), never from a family name.
"""
from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from attnsim.models.layer_layout import LayerLayout
from attnsim.plots.figures import models_with
from attnsim.registries import FIGURES


def layered_models(run, summary) -> list[tuple[str, LayerLayout]]:
    """(name, layout) of every "layered" model whose family declares a `layer_layout`."""
    out = []
    for name in models_with(run, summary, "layered"):
        layout = getattr(run.model_class(name), "layer_layout", None)
        if isinstance(layout, LayerLayout):
            out.append((name, layout))
    return out


def _baseline_rates(metrics: dict) -> tuple[dict, str] | tuple[None, None]:
    """Per-group rates of the unattended state: spontaneous ("all") or neutral trials."""
    for metric in ("mean_rate_hz", "rate_hz"):
        per_cond = metrics.get(metric) or {}
        for cond in ("neutral", "all"):
            if cond in per_cond:
                return per_cond[cond], f"{metric}, {cond}"
    return None, None


@FIGURES.register("layer_rates", summary="layered models: rate per population of the first column against "
                                          "the published reference rates of its layout")
def layer_rates(run, summary) -> list[tuple[str, Figure]]:
    """Bars: the baseline rate (mean_rate_hz or rate_hz, neutral or all trials) of each population
    of the first column; marks: the layout's reference rates, and its scale-specific reference
    when the model runs at that scale; stem "layer_rates_<model>"."""
    out = []
    for name, layout in layered_models(run, summary):
        rates, source = _baseline_rates(summary["models"][name].get("metrics", {}))
        if not rates:
            continue
        scale = layout.scale(run.activities[name].group_sizes)
        first = layout.columns[0]
        x = np.arange(len(layout.populations))
        model = np.array([rates.get(layout.group(first, p), np.nan) or np.nan for p in layout.populations], float)
        fig = Figure(figsize=(7, 3.6))
        ax = fig.subplots()
        ax.bar(x, model, color=["tab:red" if e else "tab:blue" for e in layout.is_excitatory], alpha=0.8,
               label=f"{name} (column {first}, {source})")
        if layout.reference_rates_hz is not None:
            ax.plot(x, layout.reference_rates_hz, "k_", ms=22, mew=2, label=layout.reference_label)
        if layout.scaled_reference_applies(scale):
            ax.plot(x, layout.scaled_reference_rates_hz, "_", color="tab:green", ms=22, mew=2,
                    label=layout.scaled_reference_label)
        ax.set_xticks(x, layout.labels)
        ax.set_ylabel("rate (Hz)")
        at = f" at {layout.scale_name} {scale:.3g}" if scale is not None else ""
        ax.set_title(f"{name}: rate per population{at}")
        ax.legend(fontsize=7, loc="upper left")
        out.append((f"layer_rates_{name}", fig))
    return out


def layer_changes(metrics: dict, layout: LayerLayout) -> dict[str, dict[str, float]] | None:
    """{"attended column": {pop: change}, "other column": {...}} from rate_change_vs_neutral,
    averaging over the conditions "attend_<column>" of the layout's columns (the attended column
    is that one, the other columns are the rest)."""
    ch = metrics.get("rate_change_vs_neutral")
    if not ch:
        return None
    out = {"attended column": {}, "other column": {}}
    for pop in layout.populations:
        att, other = [], []
        for mine in layout.columns:
            cond = f"attend_{mine}"
            if cond in ch:
                att.append(ch[cond].get(layout.group(mine, pop)))
                other += [ch[cond].get(layout.group(theirs, pop)) for theirs in layout.columns if theirs != mine]
        att = [v for v in att if v is not None]
        other = [v for v in other if v is not None]
        out["attended column"][pop] = float(np.mean(att)) if att else np.nan
        out["other column"][pop] = float(np.mean(other)) if other else np.nan
    return out


@FIGURES.register("layer_modulation", summary="layered models: rate change vs neutral per population, "
                                               "attended and other column")
def layer_modulation(run, summary) -> list[tuple[str, Figure]]:
    """Bars per population: rate change vs neutral (%) of the attended and of the other column
    (`layer_changes`); stem "layer_modulation_<model>"."""
    out = []
    for name, layout in layered_models(run, summary):
        changes = layer_changes(summary["models"][name].get("metrics", {}), layout)
        if not changes:
            continue
        x = np.arange(len(layout.populations))
        fig = Figure(figsize=(7, 3.6))
        ax = fig.subplots()
        for k, (label, vals) in enumerate(changes.items()):
            ax.bar(x + (k - 0.5) * 0.4, [100 * vals[p] for p in layout.populations], width=0.4, label=label,
                   color=("tab:purple", "tab:gray")[k])
        ax.axhline(0, color="k", lw=0.8)
        ax.set_xticks(x, layout.labels)
        ax.set_ylabel("rate change vs neutral (%)")
        note = f" ({layout.modulation_note})" if layout.modulation_note else ""
        ax.set_title(f"{name}: top-down attention per layer{note}", fontsize=9)
        ax.legend(fontsize=8)
        out.append((f"layer_modulation_{name}", fig))
    return out

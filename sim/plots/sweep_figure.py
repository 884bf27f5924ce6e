"""Figure of a sweep: each requested metric against the first numeric grid axis,
one line per model (and per value of any other axis), mean +- s.d. over seeds. Built as a matplotlib Figure (no pyplot), saved by save_figure."""
from __future__ import annotations

import json

import numpy as np
from matplotlib.figure import Figure

from attnsim.expectations import lookup
from attnsim.plots.figures import save_figure


def _short(key: str) -> str:
    return key.split(".")[-1]


def draw_sweep(summary: dict, out_dir: str, plots: list[dict]) -> list[str]:
    points = summary["sweep"]["points"]
    grid = summary["sweep"]["grid"]
    numeric = [k for k, vs in grid.items() if all(isinstance(v, (int, float)) for v in vs)]
    if not points or not numeric:
        return []
    x_key = numeric[0]
    others = [k for k in grid if k != x_key]
    models = list(summary["models"])
    files = []
    for spec in plots:
        fig = Figure(figsize=(5.5, 3.8))
        ax = fig.subplots()
        for mi, model in enumerate(models):
            combos = sorted({json.dumps([p["values"][k] for k in others]) for p in points})
            for ci, combo in enumerate(combos):
                xs, means, sds = [], [], []
                for x in grid[x_key]:
                    vals = []
                    for p in points:
                        if p["values"][x_key] != x or json.dumps([p["values"][k] for k in others]) != combo:
                            continue
                        metrics = p["models"].get(model, {}).get("metrics", {})
                        v, _ = lookup(metrics, spec["metric"], spec.get("condition", "all"), spec.get("group"))
                        if v is not None:
                            vals.append(v)
                    if vals:
                        xs.append(x)
                        means.append(np.mean(vals))
                        sds.append(np.std(vals))
                if not xs:
                    continue
                label = model + ("" if not others else " " + ", ".join(
                    f"{_short(k)}={v}" for k, v in zip(others, json.loads(combo))))
                ax.errorbar(xs, means, yerr=sds, marker="o", capsize=3, color=f"C{(mi * len(combos) + ci) % 10}",
                            label=label)
        ax.set_xlabel(_short(x_key))
        cond = spec.get("condition", "all")
        ax.set_ylabel(f"{spec['metric']} ({cond}{'/' + spec['group'] if spec.get('group') else ''})")
        ax.set_title(f"sweep over {x_key}")
        ax.legend(fontsize=7)
        fig.tight_layout()
        stem = f"sweep_{spec['metric']}" + (f"_{spec['group']}" if spec.get("group") else "")
        files += save_figure(fig, out_dir, stem)
    return files

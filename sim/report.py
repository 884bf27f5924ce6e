"""report.md: the brain-versus-ANN comparison of a run (or of every point of a sweep).

For each task run: a metrics table per model, the dual-task cost against the
capacity bounds (divided task), PCA trajectories side by side, the linear CKA
matrix between models, and the run's figures. Everything is computed from
the stored results, so a report can be rebuilt from a run directory.
"""
from __future__ import annotations

import json
import os

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from sim.expectations import table as expectation_table  # noqa: E402
from sim.plots.figures import save_figure  # noqa: E402

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
        within = c.get("within_capacity_bounds")
        at_ceiling = min(c.get("p_single") or 0, c.get("p_dual") or 0) >= 0.99
        verdict = "at ceiling (d' capped)" if at_ceiling else "–" if within is None else ("within" if within else
                                              ("above unlimited" if (c.get("d_dual") or 0) > (c.get("d_single") or 0)
                                               else "below fixed"))
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


def _trajectory_figures(point_dir: str, order: list[str]) -> tuple[list[str], str | None]:
    """PCA trajectories per model and the CKA matrix between models; returns (files, CKA table)."""
    from sim.analysis.cka import cka_between
    from sim.analysis.pca import pca_trajectories
    from sim.store import read_results

    path = os.path.join(point_dir, "results.h5")
    if not os.path.exists(path):
        return [], None
    run = read_results(path)
    names = [n for n in order if n in run.activities]
    out_dir = os.path.join(point_dir, "figures")
    os.makedirs(out_dir, exist_ok=True)
    files = []
    # a grid of at most four columns, read at a glance; one legend for the figure
    ncols = min(4, max(1, len(names)))
    nrows = -(-len(names) // ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(3.2 * ncols, 3.0 * nrows), squeeze=False)
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
    fig, ax = plt.subplots(figsize=(1.0 + 0.55 * n, 0.8 + 0.5 * n))
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


def _section(title: str, point_dir: str, rel: str, point_summary: dict) -> list[str]:
    models = point_summary["models"]
    lines = [f"## {title}", "", metrics_table(models), ""]
    cap = capacity_table(models)
    if cap:
        lines += ["### Divided attention: dual-task cost against capacity bounds", "",
                  "Unlimited capacity predicts ratio 1 (no cost); fixed capacity predicts d'/√2 (ratio 0.707); "
                  "the all-or-none serial model predicts P dual = (P single + 0.5)/2 "
                  "(validation_targets.md row 10). Behavioural d' is of the A/B choice; neurometric d' is criterion-free, "
                  "from the selective group's stimulus-epoch rate with the target vs the distractor at its location "
                  "(sim/analysis/capacity.py).", "", cap, ""]
    _, cka = _trajectory_figures(point_dir, list(models))
    fig_dir = os.path.join(point_dir, "figures")
    figs = sorted(f for f in os.listdir(fig_dir) if f.endswith(".png")) if os.path.isdir(fig_dir) else []
    if cka:
        lines += ["### Representational similarity (linear CKA)", "", cka, ""]
    for f in figs:
        lines += [f"![{f[:-4]}]({os.path.join(rel, 'figures', f)})", ""]
    return lines


def write_report(run_dir: str, resolved: dict, summary: dict) -> str:
    lines = [f"# {summary['scenario']}", ""]
    if resolved.get("description"):
        lines += [resolved["description"].strip(), ""]
    lines += [f"Seed {summary['seed']}. Models: " + ", ".join(
        f"{n} ({m['family']})" for n, m in summary["models"].items()) + ".", ""]
    if "sweep" in summary:
        for p in summary["sweep"]["points"]:
            values = ", ".join(f"{k} = {v['kind'] if isinstance(v, dict) and 'kind' in v else v}"
                               for k, v in p["values"].items())
            lines += _section(f"{p['task']} task ({values}; seed {p['seed']})", os.path.join(run_dir, p["dir"]),
                              p["dir"], p)
    else:
        lines += _section(f"{summary['task']} task", run_dir, ".", summary)
    lines += ["## Expectations", "", "```", expectation_table(summary["expectations"]), "```", ""]
    path = os.path.join(run_dir, "report.md")
    with open(path, "w") as fh:
        fh.write("\n".join(lines))
    return path

"""report.md: the brain-versus-ANN comparison of a run (or of every point of a sweep).

The report lays out data the analysis layer computes; it holds no science of its own.
It opens with the attention scorecard (`sim.analysis.scorecard`: for every model, each
attention signature experiments measured, docs/reference.md rows 8-12, its value with a
95 % interval, n trials and n seeds, the population it was read from, the rule and the
verdict, or why it is n/a). Then, for each task run: a metrics table per model, the
dual-task cost against the capacity bounds (`capacity_cost`), PCA trajectories side by
side, the linear CKA between models with its shuffle baseline (`sim.analysis.cka.cka_matrix`),
and the run's figures. A run the caller holds in memory is used as it is; any other run or
sweep point is read from its results.h5 once, so a report can be rebuilt from a run directory.
"""
from __future__ import annotations

import json
import os

import numpy as np
from matplotlib.figure import Figure

from attnsim.analysis.scorecard import N_BOOT as SCORECARD_BOOT
from attnsim.analysis.scorecard import N_JACKKNIFE
from attnsim.analysis.scorecard import Scorecard, compare, model_scorecard  # noqa: F401  (the science, re-exported)
from attnsim.analysis.signature_values import equal_stimuli, signature_values  # noqa: F401
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
        # the verdict is capacity_cost's (`capacity_verdict`: rule `excludes` on the d' benefit, then
        # `identifies` on the ratio's interval; sim/analysis/rules.py), never a reading of the point ratio
        verdict = c.get("verdict") or "–"
        rows.append(f"| {name} | {_fmt(c.get('d_single'))} | {_fmt(c.get('d_uncued'))} | {_with_ci(c, 'benefit')} | "
                    f"{_fmt(c.get('d_dual'))} | {_with_ci(c, 'ratio')} | "
                    f"{_fmt(c.get('fixed_capacity_d_dual'))} | {_fmt(c.get('p_single'))} | {_fmt(c.get('p_dual'))} | "
                    f"{_fmt(c.get('serial_p_dual'))} | {verdict} | {_fmt(c.get('neuro_d_single'))} | "
                    f"{_fmt(c.get('neuro_d_dual'))} | {_with_ci(c, 'neuro_ratio')} |")
    if not rows:
        return None
    head = ("| model | d' single (focused) | d' uncued | d' benefit single - uncued [95 % CI] | d' dual (divided) | "
            "ratio [95 % CI] | fixed-capacity d' dual (d'/√2) | "
            "P single | P dual | serial P dual ((P+0.5)/2) | verdict | neurometric d' single | neurometric d' dual | "
            "neurometric ratio [95 % CI] |\n|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    return head + "\n" + "\n".join(rows)


SCORECARD_N_BOOT = SCORECARD_BOOT   # resamples per model and realization (sim/analysis/scorecard.py)
SCORECARD_N_JACKKNIFE = N_JACKKNIFE  # groups of row 11's jackknife (sim/analysis/spike_field_change.py)


def _interval(e: dict) -> str:
    if e["estimate"] is None:
        return "–"
    ci = f" [{_fmt(e['ci_lo'])}, {_fmt(e['ci_hi'])}]" if e["ci_lo"] is not None else ""
    return _fmt(e["estimate"]) + ci


def _basis(e: dict, sensory: bool) -> str:
    """'(n=60, 1 seed; population)' of a scorecard entry: what its interval stands on."""
    k = e.get("n_seeds") or 1
    seeds = f"{k} seeds" if k >= 2 else "1 seed"
    how = {"jackknife": ", jackknife", "seeds": ", over seeds"}.get(e.get("interval"), "")
    floor = f"; floor {_fmt(e['floor'])}" if e.get("floor") is not None else ""
    pop = e.get("population")
    on = f"; {pop}" if pop and sensory else ""
    return f"(n={e['n_trials']}, {seeds}{how}{floor}{on})"


def scorecard_table(card: dict) -> str:
    """One markdown table: a row per model and signature (value [95 % CI], data, rule, verdict), laid out
    from `sim.analysis.scorecard` entries."""
    lines = ["| model | signature (row) | model value [95 % CI] (n trials, seeds; population) | data (source) | "
             "rule | verdict |", "|---|---|---|---|---|---|"]
    for name, entries in card.items():
        for sig in SIGNATURES:
            e = entries.get(sig["key"])
            if e is None:
                continue
            if e["estimate"] is None:
                reason = e["reason"] or "not measured"
                verdict = (reason if reason.startswith("n/a") else "n/a: " + reason).replace("|", "/")
                value, rule = "n/a", "–"
            else:
                value = f"{_interval(e)} {_basis(e, sig['key'] not in ('capacity_ratio',))}{e.get('where', '')}"
                label = e.get("label", "")
                verdict = (label if e["verdict"] == "n/a" else f"{e['verdict']}: {label}").replace("|", "/")
                rule = e.get("rule") or "–"
            lines.append(f"| {name} | {sig['name']} ({sig['row']}) | {value} | {sig['data']} | {rule} | {verdict} |")
    return "\n".join(lines)


def _points(run_dir: str, resolved: dict, summary: dict) -> list[dict]:
    """The run's realizations, in order: {dir, rel, index, grid (its grid values without the seed),
    task (resolved task of the point), summary (the point's summary), title}."""
    if "sweep" not in summary:
        return [{"dir": run_dir, "rel": ".", "index": 0, "grid": "", "task": resolved.get("task", {}),
                 "summary": summary, "title": f"{summary['task']} task"}]
    out = []
    for p in summary["sweep"]["points"]:
        values = p["values"]
        task = resolved.get("task", {})
        if "task" in values and isinstance(values["task"], dict):
            task = values["task"]
        task = {**task, **{k.split(".", 1)[1]: v for k, v in values.items() if k.startswith("task.")}}
        shown = ", ".join(f"{k} = {v['kind'] if isinstance(v, dict) and 'kind' in v else v}" for k, v in values.items())
        out.append({"dir": os.path.join(run_dir, p["dir"]), "rel": p["dir"], "index": p["index"],
                    "grid": json.dumps(values, sort_keys=True, default=str), "task": task, "summary": p,
                    "title": f"{p['task']} task ({shown}; seed {p['seed']})"})
    return out


def _run_of(point_dir: str, runs: dict | None):
    """The run data of a run (or sweep point) directory: from `runs` when the caller holds it in
    memory (never read again), else read from its results.h5 (None when there is none)."""
    if runs and point_dir in runs:
        return runs[point_dir]
    from attnsim.store import read_results
    path = os.path.join(point_dir, "results.h5")
    return read_results(path) if os.path.exists(path) else None


def _add_to_card(card: Scorecard, run, point: dict, summary: dict, n_points: int) -> None:
    from attnsim.seeds import derive_seed
    where = f" ({point['task'].get('kind', summary['task'])} task" + \
        (f", point {point['index']}" if n_points > 1 else "") + ")"
    for name in card.models:
        if name in run.activities and card.needs(name, point["grid"]):
            card.add(name, run.trials, run.activities[name], point=point["grid"], where=where,
                     seed=derive_seed(summary["seed"], "scorecard", name, point["index"]),
                     equal_stimuli=equal_stimuli(point["task"]))


def scorecard(run_dir: str, resolved: dict, summary: dict, *, n_boot: int = SCORECARD_N_BOOT,
              n_jackknife: int = SCORECARD_N_JACKKNIFE, runs: dict | None = None) -> dict:
    """{model: {signature: entry}} of `sim.analysis.scorecard.Scorecard` over the run's points (each
    read once: from `runs` when held in memory, else from its results.h5)."""
    points = _points(run_dir, resolved, summary)
    card = Scorecard(summary["models"], seed=summary["seed"], n_boot=n_boot, n_jackknife=n_jackknife)
    for p in points:
        run = _run_of(p["dir"], runs)
        if run is not None:
            _add_to_card(card, run, p, summary, len(points))
        del run
    return card.card()


def cka_table(cka: dict) -> str:
    """Markdown table of `sim.analysis.cka.cka_matrix`: each cell 'CKA (shuffle mean / 95th pct)'."""
    names = cka["models"]

    def cell(i, j):
        v = cka["cka"][i][j]
        if v is None:
            return "–"
        sm, sq = cka["shuffle_mean"][i][j], cka["shuffle_q95"][i][j]
        return _fmt(v) + (f" ({_fmt(sm)} / {_fmt(sq)})" if sm is not None and sq is not None else "")
    head = "| | " + " | ".join(names) + " |\n|---|" + "---|" * len(names)
    rows = [f"| {names[i]} | " + " | ".join(cell(i, j) for j in range(len(names))) + " |" for i in range(len(names))]
    return head + "\n" + "\n".join(rows)


def _cka_text(cka: dict) -> str:
    n_c, n_t = cka.get("n_conditions"), cka.get("n_times")
    size = f" ({n_c} conditions x {n_t} time bins)" if n_c else ""
    return ("Linear CKA (Kornblith et al. 2019) between models, on samples = conditions x time" + size +
            f": each model's condition-averaged rates in the {cka.get('epoch')} epoch on a common time grid, "
            "the condition-independent mean (the mean over conditions at each time) subtracted, so a time "
            "course every condition shares does not make two models alike. In brackets the shuffle baseline: "
            f"the mean and 95th percentile of the CKA with the column model's condition labels permuted "
            f"({cka.get('n_shuffle')} permutations), what two models with unrelated condition codes read; a CKA "
            "is informative only above it (sim/analysis/cka.py).")


def _figures(run, point_dir: str, order: list[str]) -> tuple[list[str], dict | None]:
    """PCA trajectories per model and the CKA matrix between models of one run in memory;
    returns (files, `cka_matrix` result)."""
    from attnsim.analysis.cka import cka_matrix
    from attnsim.analysis.pca import pca_trajectories

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
    cka = cka_matrix(run.trials, {n: run.activities[n] for n in names})
    n = len(names)
    mat = np.array([[np.nan if v is None else v for v in row] for row in cka["cka"]], float).reshape(n, n)
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
    ax.set_title("linear CKA, conditions x time, condition-independent mean removed", fontsize=8)
    fig.tight_layout()
    files += save_figure(fig, out_dir, "cka")
    with open(os.path.join(point_dir, "cka.json"), "w") as fh:
        json.dump(cka, fh, indent=1)
    return files, cka


def _section(point: dict, cka: dict | None) -> list[str]:
    models = point["summary"]["models"]
    lines = [f"## {point['title']}", "", metrics_table(models), ""]
    cap = capacity_table(models)
    if cap:
        lines += ["### Divided attention: dual-task cost against capacity bounds", "",
                  "Unlimited capacity predicts ratio 1 (no cost); fixed capacity predicts d'/√2 (ratio 0.707); "
                  "the all-or-none serial model predicts P dual = (P single + 0.5)/2 "
                  "(docs/reference.md row 10). A capacity model is named only where attention changes "
                  "sensitivity: the interval of d' focused - d' uncued (the uncued location of focused trials) "
                  "must exclude 0 (rule `excludes`), else the verdict reads \"no attention effect on "
                  "sensitivity\". Then the verdict names the prediction the interval identifies "
                  "(rule `identifies`, interval no wider than the gap to the nearest rival, 0.29 between unlimited and "
                  "fixed; sim/analysis/rules.py). Behavioural d' is of the yes/no reports; "
                  "neurometric d' is criterion-free, "
                  "from the selective group's stimulus-epoch rate with the target vs the distractor at its location "
                  "(sim/analysis/capacity.py).", "", cap, ""]
    fig_dir = os.path.join(point["dir"], "figures")
    figs = sorted(f for f in os.listdir(fig_dir) if f.endswith(".png")) if os.path.isdir(fig_dir) else []
    if cka:
        lines += ["### Representational similarity (linear CKA)", "", _cka_text(cka), "", cka_table(cka), ""]
    for f in figs:
        lines += [f"![{f[:-4]}]({os.path.join(point['rel'], 'figures', f)})", ""]
    return lines


SCORECARD_TEXT = (
    "Each model's value of the signatures measured in experiments, with its 95 % interval, against the data "
    "(docs/reference.md rows 8-12; sim/reference_signatures.py); computed by sim/analysis/scorecard.py. "
    "Intervals: percentile bootstrap over trials ({n_boot} resamples within condition x target cells); row 11 "
    "a delete-a-group jackknife over trials (a bootstrap repeats trials, which spike-field locking reads as "
    "locking); where a sweep point has several seeds, the mean over seeds with an interval that resamples "
    "the seeds. Each value says on how many trials and seeds it stands: an interval over the trials of one "
    "seed is about that realization (one network, one trained network), not the architecture. "
    "Verdicts are the shared rules (sim/analysis/rules.py; the rule column names them): pass (match: the "
    "interval is on the data's side of no effect and overlaps the published values), fail (direction only: "
    "right side, other magnitude; opposite: wholly on the other side), inconclusive (no clear effect: "
    "the interval holds no effect; or too wide to decide; or no interval; or fewer than 5 seeds: a "
    "signature is a claim about the model, so one network's pass or fail is shown as the rule's reading "
    "and counted inconclusive), n/a (no value, or "
    "not compared: row 12 gives no checked magnitude). Row 10 gives model predictions, not "
    "data: capacity_cost's verdict (sim/analysis/capacity.py), which names the prediction the interval "
    "identifies only where the cue changes d'. Rows 8, 9, 11 and 12 "
    "are read from each model's sensory population only (its sensory groups, or an ANN's "
    "hidden units classified as A- or B-preferring on held-out trials and measured on the "
    "others; sim/analysis/sensory.py); a model without one reads \"n/a: no sensory "
    "population\", never a value from its decision pools or outputs. Row 11 is spike-field locking "
    "(pairwise phase consistency with the field of the other cells, evoked response removed) above its "
    "trial-shuffled floor, shown beside it (sim/analysis/spike_field_change.py).")


def write_report(run_dir: str, resolved: dict, summary: dict, runs: dict | None = None) -> str:
    """report.md (and scorecard.json, cka.json, trajectory figures) of a run directory.

    runs: {directory: run data} the caller already holds in memory (a run just finished), never
    read again; any other run or sweep point is read from its results.h5, once: its scorecard
    entries and figures are computed from that one read.
    """
    lines = [f"# {summary['scenario']}", ""]
    if resolved.get("description"):
        lines += [resolved["description"].strip(), ""]
    lines += [f"Seed {summary['seed']}. Models: " + ", ".join(
        f"{n} ({m['family']})" for n, m in summary["models"].items()) + ".", ""]
    points = _points(run_dir, resolved, summary)
    from attnsim.dynamics.words import ReportSection
    dynamics = ReportSection(summary)
    builder = Scorecard(summary["models"], seed=summary["seed"], n_boot=SCORECARD_N_BOOT,
                        n_jackknife=SCORECARD_N_JACKKNIFE)
    sections = []
    for p in points:
        run = _run_of(p["dir"], runs)
        cka = None
        if run is not None:
            _add_to_card(builder, run, p, summary, len(points))
            _, cka = _figures(run, p["dir"], list(p["summary"]["models"]))
            dynamics.add(p, run)        # "How the models compute" (attnsim.dynamics.words)
        del run
        sections += _section(p, cka)
    card = builder.card()
    if any(card.values()):
        lines += ["## Attention scorecard", "", SCORECARD_TEXT.format(n_boot=SCORECARD_N_BOOT), "",
                  scorecard_table(card), ""]
        with open(os.path.join(run_dir, "scorecard.json"), "w") as fh:
            json.dump(card, fh, indent=1)
    lines += sections
    lines += dynamics.lines()
    lines += ["## Expectations", "", "```", expectation_table(summary["expectations"]), "```", ""]
    path = os.path.join(run_dir, "report.md")
    with open(path, "w") as fh:
        fh.write("\n".join(lines))
    return path

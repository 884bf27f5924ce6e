"""Figures of the attention circuit on the feature task (issue 21; docs/reference.md rows 13, 15).

Drawn from the stored run only (trials and each model's activity), like every figure:

- `tuning`: the tuning curves of the tuned sensory units, attend-preferred versus neutral, over
  |stimulus - preferred| (`attnsim.analysis.feature_gain`), with 95 % bootstrap intervals and the
  fit attended = g x neutral + b; one panel per model;
- `feature_gain`: the attentional modulation against |attended - preferred| direction, with
  intervals (the feature-similarity gain of row 15); one panel per model;
- `persistence`: the cued working-memory signal through the cue and the delay
  (`attnsim.analysis.persistence`: the cued pool's rate above its pre-cue baseline, or the cue's
  decodability from an ANN's hidden units), mean and 95 % bootstrap band over trials, one panel
  per model. A model whose scenario entry sets w+ (`params.w_plus`) is labelled with it. Given a
  sweep (a Result whose summary holds a sweep, with its run directory), one line per swept w+
  value (the grid key ending in "w_plus"), the mean over the seeds of each value, the band over
  seeds (over trials with one seed); `attnsim.plots.registry.figures("persistence", sweep, summary)`.

A model without the population a figure reads gets a panel that says why ("n/a: no sensory
population (...)"), not a crash; a run whose task is not the feature task gets no figure ([]).
"""
from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from attnsim.analysis.feature_gain import feature_gain_result
from attnsim.analysis.persistence import cued_pool_traces
from attnsim.analysis.ring_units import STIM_DIR
from attnsim.analysis.windows import NotApplicable
from attnsim.plots.figures import _model_order, _shade_epochs
from attnsim.plots.intervals import mean_interval
from attnsim.registries import FIGURES

N_BOOT = 200
BIN_MS = 10.0
W_PLUS = "w_plus"


def _is_feature(trials) -> bool:
    return trials is not None and STIM_DIR in trials.conditions


def _panels(n: int, width: float = 4.2, height: float = 3.4):
    fig = Figure(figsize=(width * n, height))
    return fig, list(fig.subplots(1, n, squeeze=False)[0])


def not_applicable(ax, name: str, reason: str) -> None:
    """A panel that says why the model has no value here."""
    ax.text(0.5, 0.5, reason if reason.startswith("n/a") else f"n/a: {reason}", ha="center", va="center",
            wrap=True, fontsize=8, transform=ax.transAxes)
    ax.set_title(name, fontsize=9)
    ax.set_xticks([])
    ax.set_yticks([])


def _reason(e: Exception) -> str:
    return str(e.args[0]) if e.args else type(e).__name__


def _curve(res: dict, prefix: str):
    """(x, est, lo, hi) of the keys <prefix><x> in a feature_gain result, by x."""
    xs = sorted(float(k[len(prefix):]) for k in res if k.startswith(prefix) and not k.endswith(("_lo", "_hi")))
    get = lambda x, s="": res.get(f"{prefix}{x:g}{s}", np.nan)   # noqa: E731
    est, lo, hi = (np.array([get(x, s) for x in xs], float) for s in ("", "_ci_lo", "_ci_hi"))
    return np.array(xs), est, lo, hi


def _errorbars(ax, x, est, lo, hi, **kw):
    ok = np.isfinite(est)
    lo = np.where(np.isfinite(lo), lo, est)
    hi = np.where(np.isfinite(hi), hi, est)
    ax.errorbar(x[ok], est[ok], yerr=[np.clip(est - lo, 0, None)[ok], np.clip(hi - est, 0, None)[ok]],
                capsize=2.5, **kw)


def _gain_results(run, summary):
    """[(model, feature_gain result or the n/a reason)] of every model of a feature-task run."""
    out = []
    for name in _model_order(run, summary):
        try:
            out.append((name, feature_gain_result(run.trials, run.activities[name], n_boot=N_BOOT)))
        except NotApplicable as e:
            out.append((name, _reason(e)))
    return out


def _fmt(res: dict, key: str) -> str:
    v, lo, hi = (res.get(key + s, np.nan) for s in ("", "_ci_lo", "_ci_hi"))
    if not np.isfinite(v):
        return "n/a"
    return f"{v:.2f} [{lo:.2f}, {hi:.2f}]" if np.isfinite(lo) and np.isfinite(hi) else f"{v:.2f}"


@FIGURES.register("tuning", summary="feature task: tuning curves of the tuned sensory units, attend-preferred vs "
                                    "neutral, over |stimulus - preferred| with 95 % bootstrap intervals and the "
                                    "fit attended = g x neutral + b, one panel per model")
def tuning(run, summary) -> list[tuple[str, Figure]]:
    """Stem "tuning"; [] unless the run's task is the feature task (module docstring)."""
    if not _is_feature(getattr(run, "trials", None)):
        return []
    results = _gain_results(run, summary)
    if not results:
        return []
    fig, axes = _panels(len(results))
    for ax, (name, res) in zip(axes, results):
        if isinstance(res, str):
            not_applicable(ax, name, res)
            continue
        for prefix, label, style in (("tuning_neu_x", "neutral", dict(fmt="s--", color="tab:gray")),
                                     ("tuning_att_x", "attend preferred", dict(fmt="o-", color="tab:red"))):
            _errorbars(ax, *_curve(res, prefix), label=label, **style)
        ax.set_xlabel("|stimulus - preferred| direction (deg)")
        ax.set_ylabel("response / mean neutral response")
        ax.set_title(f"{name}: g = {_fmt(res, 'gain')}, b = {_fmt(res, 'offset')}\n"
                     f"width ratio {_fmt(res, 'width_ratio')}; {res['scaling_verdict']}", fontsize=8)
        ax.legend(fontsize=7)
    fig.suptitle("sensory tuning, attended vs neutral (error bars: 95 % bootstrap over trials)", fontsize=9)
    fig.tight_layout()
    return [("tuning", fig)]


@FIGURES.register("feature_gain", summary="feature task: attentional modulation of the tuned sensory units against "
                                          "|attended - preferred| direction, 95 % bootstrap intervals, one panel "
                                          "per model (row 15)")
def feature_gain_figure(run, summary) -> list[tuple[str, Figure]]:
    """Stem "feature_gain"; [] unless the run's task is the feature task (module docstring)."""
    if not _is_feature(getattr(run, "trials", None)):
        return []
    results = _gain_results(run, summary)
    if not results:
        return []
    fig, axes = _panels(len(results))
    for ax, (name, res) in zip(axes, results):
        if isinstance(res, str):
            not_applicable(ax, name, res)
            continue
        _errorbars(ax, *_curve(res, "mod_d"), fmt="o-", color="tab:purple")
        ax.axhline(0, color="k", lw=0.6)
        ax.set_xlabel("|attended - preferred| direction (deg)")
        ax.set_ylabel("modulation (attended - neutral)\n/ mean neutral response")
        ax.set_title(f"{name}: mod(0) - mod(180) = {_fmt(res, 'similarity_effect')}\n{res['verdict']}", fontsize=8)
    fig.suptitle("feature-similarity gain (error bars: 95 % bootstrap over trials)", fontsize=9)
    fig.tight_layout()
    return [("feature_gain", fig)]


def _binned(t_ms: np.ndarray, S: np.ndarray, dt_ms: float) -> tuple[np.ndarray, np.ndarray]:
    """Average S (n, steps) in BIN_MS bins; the bin centres in ms."""
    k = max(1, int(round(BIN_MS / dt_ms)))
    n = S.shape[1] // k
    if n == 0:
        return t_ms, S
    return t_ms[:n * k].reshape(n, k).mean(axis=1), S[:, :n * k].reshape(S.shape[0], n, k).mean(axis=2)


def _w_plus_of(run, name: str):
    for m in (getattr(run, "scenario", None) or {}).get("models", []) or []:
        if isinstance(m, dict) and m.get("name") == name:
            return (m.get("params") or {}).get(W_PLUS)
    return None


def _sweep_key(grid: dict) -> str | None:
    keys = [k for k in grid if k.split(".")[-1] == W_PLUS] or [k for k in grid if W_PLUS in k]
    return keys[0] if keys else None


def _trace_panel(ax, trials, lines, ylabel: str):
    """lines: [(label, t_ms, mean, lo, hi)]."""
    for k, (label, t, mean, lo, hi) in enumerate(lines):
        ax.fill_between(t, lo, hi, color=f"C{k % 10}", alpha=0.2, lw=0)
        ax.plot(t, mean, color=f"C{k % 10}", lw=1.3, label=label)
    _shade_epochs(ax, trials)
    ax.axhline(0, color="k", lw=0.6)
    ax.set_xlabel("time (ms)")
    ax.set_ylabel(ylabel)
    ax.legend(fontsize=7)


def _persistence_sweep(run, summary) -> list[tuple[str, Figure]]:
    """One line per swept w+ value (module docstring)."""
    sweep = summary.get("sweep", {})
    key = _sweep_key(sweep.get("grid", {}))
    points = sweep.get("points", [])
    if key is None or not points:
        return []
    models = list(summary.get("models", {})) or list(points[0].get("models", {}))
    # model -> w+ -> [(t, mean trace of one seed)], plus the trials and measure to draw with
    traces: dict[str, dict] = {m: {} for m in models}
    reasons: dict[str, str] = {}
    trials_of, measure_of = {}, {}
    for i, p in enumerate(points):
        try:
            pr = run.point(i)
        except (ValueError, OSError):       # a sweep kept in memory has no points' activity to draw
            return []
        if not _is_feature(pr.trials):
            return []
        for m in models:
            if m not in pr.activities:
                continue
            try:
                t, S, measure = cued_pool_traces(pr.trials, pr.activities[m])
            except NotApplicable as e:
                reasons[m] = _reason(e)
                continue
            tb, Sb = _binned(t, S, pr.activities[m].dt_ms)
            traces[m].setdefault(p["values"][key], []).append((tb, Sb))
            trials_of[m], measure_of[m] = pr.trials, measure
    fig, axes = _panels(len(models), width=5.0)
    for ax, m in zip(axes, models):
        if not traces[m]:
            not_applicable(ax, m, reasons.get(m, "no sweep point has this model"))
            continue
        lines = []
        for w, per_seed in sorted(traces[m].items()):
            if len(per_seed) >= 2:
                means = np.stack([S.mean(axis=0) for _, S in per_seed])
                mean, lo, hi = mean_interval(means, axis=0, n_boot=N_BOOT)
                what = f"{len(per_seed)} seeds"
            else:
                mean, lo, hi = mean_interval(per_seed[0][1], axis=0, n_boot=N_BOOT)
                what = "1 seed"
            lines.append((f"w+ = {w:g} ({what})", per_seed[0][0], mean, lo, hi))
        _trace_panel(ax, trials_of[m], lines, f"{m}: {measure_of[m]}\nabove the pre-cue baseline")
    fig.suptitle(f"cued working-memory signal by {key} (band: 95 % bootstrap over seeds, or trials with one)",
                 fontsize=9)
    fig.tight_layout()
    return [("persistence", fig)]


@FIGURES.register("persistence", summary="feature task with a delay: the cued working-memory signal (cued wm_f "
                                         "pool above baseline, or ANN cue decoding) through cue and delay, 95 % "
                                         "bootstrap band; a sweep over w_plus: one line per value (row 13)")
def persistence(run, summary) -> list[tuple[str, Figure]]:
    """Stem "persistence"; [] unless the task is the feature task with a delay (module docstring)."""
    if "sweep" in (summary or {}) and getattr(run, "trials", None) is None:
        return _persistence_sweep(run, summary)
    trials = getattr(run, "trials", None)
    if not _is_feature(trials) or "delay" not in trials.epochs:
        return []
    names = _model_order(run, summary)
    if not names:
        return []
    fig, axes = _panels(len(names), width=5.0)
    for ax, name in zip(axes, names):
        act = run.activities[name]
        try:
            t, S, measure = cued_pool_traces(trials, act)
        except NotApplicable as e:
            not_applicable(ax, name, _reason(e))
            continue
        tb, Sb = _binned(t, S, act.dt_ms)
        mean, lo, hi = mean_interval(Sb, axis=0, n_boot=N_BOOT)
        w = _w_plus_of(run, name)
        label = f"{name}" + (f" (w+ = {w:g})" if w is not None else "") + f", {S.shape[0]} cued trials"
        _trace_panel(ax, trials, [(label, tb, mean, lo, hi)], f"{measure}\nabove the pre-cue baseline")
        ax.set_title(name, fontsize=9)
    fig.suptitle("cued working-memory signal through cue and delay (band: 95 % bootstrap over trials)", fontsize=9)
    fig.tight_layout()
    return [("persistence", fig)]

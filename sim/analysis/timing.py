"""When attention acts: selection latency and persistence of the cued representation.

Both work on condition-averaged traces of the selective groups over the cued
trials of a label (averaging across trials tames single-trial noise).
"""
from __future__ import annotations

import math

import numpy as np

from attnsim.models.activity import Activity
from attnsim.analysis.conditions import condition_groups
from attnsim.analysis.windows import epoch_steps
from attnsim.tasks.trials import Trials
from attnsim.registries import METRICS


def _att_unatt(trials: Trials, activity: Activity) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(n_trials, n_steps) attended and unattended selective-group rates, and the cued mask."""
    ga, gb = activity.selective_groups
    ra, rb = activity.group_rate(ga), activity.group_rate(gb)
    att_idx = trials.attended_index()
    a_first = (att_idx == 0)[:, None]
    return np.where(a_first, ra, rb), np.where(a_first, rb, ra), att_idx >= 0


def first_sustained(mask: np.ndarray, n_min: int) -> int:
    """First index from which `mask` holds for n_min steps (or to the end if fewer remain); -1 if none."""
    n = mask.size
    n_min = max(1, n_min)
    c = np.concatenate([[0], np.cumsum(mask, dtype=np.int64)])
    start = np.arange(n)
    end = np.minimum(start + n_min, n)
    ok = np.flatnonzero(mask & (c[end] - c[start] == end - start))
    return int(ok[0]) if ok.size else -1


@METRICS.register('selection_latency', summary='ms after stimulus onset until attended exceeds unattended')
def selection_latency(trials: Trials, activity: Activity, *, epoch: str = "stimulus",
                      criterion: float | None = None, criterion_frac: float = 0.1,
                      min_duration_ms: float = 20.0) -> dict[str, float]:
    """ms after epoch onset at which attended - unattended first exceeds a criterion for min_duration_ms.

    The criterion is `criterion` in rate units if given, else `criterion_frac`
    times the peak of the attended trace in the epoch (scale-free, so it works
    for Hz and arbitrary units). NaN when the difference never qualifies.
    """
    win = epoch_steps(trials, activity, epoch)
    if win.stop <= win.start:
        return {}
    att, unatt, cued = _att_unatt(trials, activity)
    n_min = int(math.ceil(min_duration_ms / activity.dt_ms))
    out = {}
    for label, idx in condition_groups(trials).items():
        sel = idx[cued[idx]]
        if not sel.size:
            continue
        a, u = att[sel, win].mean(axis=0), unatt[sel, win].mean(axis=0)
        crit = criterion if criterion is not None else criterion_frac * float(np.max(np.abs(a)))
        i = first_sustained((a - u) > crit, n_min) if crit > 0 or criterion is not None else -1
        out[label] = i * activity.dt_ms if i >= 0 else float("nan")
    return out


@METRICS.register('persistence_time', summary='ms after cue offset that the cued group stays elevated')
def persistence_time(trials: Trials, activity: Activity, *, cue_epoch: str = "cue", after_epoch: str = "delay",
                     baseline_epoch: str = "fixation", threshold_frac: float = 0.5,
                     min_duration_ms: float = 20.0) -> dict[str, float]:
    """ms after cue offset during which the cued group keeps its cue-evoked lead over the uncued one.

    On the condition-averaged traces, the lead is (cued - uncued) minus its
    baseline-epoch value; persistence ends when the lead falls below
    `threshold_frac` of its mean over the cue epoch (for min_duration_ms).
    Measuring against the uncued group, not the cued group's own baseline,
    keeps slow network-wide drifts (start-up transients, rising background
    rates) from passing for memory. The search runs to the end of `after_epoch`;
    a lead that never falls gets the full epoch length (a lower bound). NaN
    when the cue opens no lead. Not applicable ({}) without these epochs.
    """
    if not all(e in trials.epochs for e in (cue_epoch, after_epoch, baseline_epoch)):
        return {}
    cue_w, after_w = epoch_steps(trials, activity, cue_epoch), epoch_steps(trials, activity, after_epoch)
    base_w = epoch_steps(trials, activity, baseline_epoch)
    if min(cue_w.stop - cue_w.start, after_w.stop - after_w.start, base_w.stop - base_w.start) <= 0:
        return {}
    att, unatt, cued = _att_unatt(trials, activity)
    n_min = int(math.ceil(min_duration_ms / activity.dt_ms))
    t_cue_off = trials.epoch_ms(cue_epoch)[1]
    search = slice(cue_w.stop, after_w.stop)
    out = {}
    for label, idx in condition_groups(trials).items():
        sel = idx[cued[idx]]
        if not sel.size:
            continue
        trace = att[sel].mean(axis=0) - unatt[sel].mean(axis=0)
        base, level = trace[base_w].mean(), trace[cue_w].mean()
        if level <= base:
            out[label] = float("nan")
            continue
        thr = base + threshold_frac * (level - base)
        i = first_sustained(trace[search] < thr, n_min)
        n_search = search.stop - search.start
        i = n_search if i < 0 else i
        # from the cue offset in ms (the activity grid may not align with it exactly)
        out[label] = max(0.0, (search.start + i) * activity.dt_ms - t_cue_off)
    return out

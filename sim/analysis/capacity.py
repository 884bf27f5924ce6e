"""Dual-task cost of divided attention against capacity bounds (validation_targets row 10).

Single-task sensitivity is d' in the focused conditions (the cue on one
location, targets there on valid trials and at the other location on invalid
ones, so hits and false alarms exist); dual-task sensitivity is d' in the
divided condition (the cue split). Bounds: unlimited capacity predicts no
cost (ratio 1), fixed capacity d'_single / sqrt(2) (ratio 0.707); the
all-or-none serial model predicts P_dual = (P_single + 0.5) / 2 where
P_single is accuracy on valid focused trials.
"""
from __future__ import annotations

import math

import numpy as np

from models.activity import Activity
from sim.analysis.dprime import capacity_bounds, dprime_from_counts, serial_p_dual
from sim.analysis.windows import NotApplicable
from sim.tasks.trials import Trials


def _dprime_on(idx, choice, target) -> float:
    """d' for 'choose A' (location A as signal) on the trials idx."""
    sig, noise = idx[target[idx] == 0], idx[target[idx] == 1]
    return dprime_from_counts(int((choice[sig] == 0).sum()), sig.size, int((choice[noise] == 0).sum()), noise.size)


def _capacity(idx_f: dict, idx_d, choice, target, valid) -> dict[str, float]:
    d_focused = [_dprime_on(i, choice, target) for i in idx_f.values() if i.size]
    d_single = float(np.nanmean(d_focused)) if d_focused else float("nan")
    d_dual = _dprime_on(idx_d, choice, target)
    valid_f = np.concatenate([i[valid[i]] for i in idx_f.values()]) if idx_f else np.array([], int)
    p_single = float(np.mean(choice[valid_f] == target[valid_f])) if valid_f.size else float("nan")
    p_dual = float(np.mean(choice[idx_d] == target[idx_d])) if idx_d.size else float("nan")
    bounds = capacity_bounds(d_single)
    ratio = d_dual / d_single if d_single and math.isfinite(d_single) and d_single > 0 else float("nan")
    return {"d_single": d_single, "d_dual": d_dual, "ratio": ratio,
            "fixed_capacity_d_dual": bounds["fixed"], "unlimited_capacity_d_dual": bounds["unlimited"],
            "within_capacity_bounds": float(bounds["fixed"] <= d_dual <= bounds["unlimited"])
            if math.isfinite(d_dual) and math.isfinite(d_single) else float("nan"),
            "p_single": p_single, "p_dual": p_dual, "serial_p_dual": serial_p_dual(p_single)}


def capacity_cost(trials: Trials, activity: Activity) -> dict[str, dict[str, float]]:
    """Per contrast ("all" and "@<contrast>"): d'_single, d'_dual, their ratio and the bounds."""
    cond = np.asarray(trials.conditions["condition"]).astype(str)
    if "divided" not in cond or not np.isin(cond, ("focused_A", "focused_B")).any():
        raise NotApplicable("capacity_cost needs a divided task with focused and divided conditions")
    choice, target = np.asarray(activity.choice), np.asarray(trials.target)
    valid = np.asarray(trials.conditions.get("valid", np.ones(trials.n_trials, bool)), dtype=bool)
    contrast = np.asarray(trials.conditions.get("contrast", np.zeros(trials.n_trials)), float)
    out = {}
    levels = sorted(set(contrast.tolist()))
    for label, mask in [("all", np.ones(trials.n_trials, bool))] + (
            [(f"@{k:g}", contrast == k) for k in levels] if len(levels) > 1 else []):
        idx_f = {c: np.flatnonzero(mask & (cond == c)) for c in ("focused_A", "focused_B")}
        out[label] = _capacity(idx_f, np.flatnonzero(mask & (cond == "divided")), choice, target, valid)
    return out

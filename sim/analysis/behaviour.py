"""Behaviour read off the decision: accuracy, choice probability, reaction time."""
from __future__ import annotations

import numpy as np

from models.activity import Activity
from sim.analysis.conditions import condition_groups
from sim.tasks.trials import Trials


def accuracy(trials: Trials, activity: Activity) -> dict[str, float]:
    """Fraction of trials with choice == target; trials without a choice (-1) count as wrong."""
    correct = np.asarray(activity.choice) == np.asarray(trials.target)
    return {label: float(correct[idx].mean()) for label, idx in condition_groups(trials).items()}


def p_choice_A(trials: Trials, activity: Activity) -> dict[str, float]:
    """Fraction of all trials (undecided ones included in the denominator) that chose A."""
    chose_a = np.asarray(activity.choice) == 0
    return {label: float(chose_a[idx].mean()) for label, idx in condition_groups(trials).items()}


def reaction_time_ms(trials: Trials, activity: Activity) -> dict[str, float]:
    """Mean reaction time (ms from stimulus onset) over correct trials with a defined RT."""
    rt = np.asarray(activity.reaction_time_ms, dtype=float)
    ok = (np.asarray(activity.choice) == np.asarray(trials.target)) & np.isfinite(rt)
    out = {}
    for label, idx in condition_groups(trials).items():
        sel = idx[ok[idx]]
        out[label] = float(rt[sel].mean()) if sel.size else float("nan")
    return out

"""Behaviour read off the decision: accuracy, choice probability, reaction time."""
from __future__ import annotations

import numpy as np

from attnsim.models.activity import Activity
from attnsim.analysis.conditions import condition_groups
from attnsim.analysis.windows import NotApplicable
from attnsim.tasks.trials import Trials
from attnsim.registries import METRICS


def _single_choice(trials: Trials, metric: str) -> None:
    if np.ndim(trials.target) != 1:
        raise NotApplicable(f"{metric} needs one choice per trial; this task asks a judgment per location "
                            "(see accuracy, dprime, capacity_cost)")


@METRICS.register('accuracy', summary='fraction correct (no choice counts as wrong)')
def accuracy(trials: Trials, activity: Activity) -> dict[str, float]:
    """Fraction correct. One choice per trial: choice == target, no choice (-1) counts as wrong.

    Dual-report tasks (target (n_trials, 2), presence per location): the fraction of
    correct yes/no reports over both locations of the label's trials; a missing
    report (-1) counts as wrong. Not applicable without location reports.
    """
    target = np.asarray(trials.target)
    if target.ndim == 2:
        if activity.location_reports is None:
            raise NotApplicable("accuracy on a dual-report task needs per-location reports")
        correct = (np.asarray(activity.location_reports) == target).mean(axis=1)
    else:
        correct = np.asarray(activity.choice) == target
    return {label: float(correct[idx].mean()) for label, idx in condition_groups(trials).items()}


@METRICS.register('p_choice_A', summary='fraction of trials choosing A')
def p_choice_A(trials: Trials, activity: Activity) -> dict[str, float]:
    """Fraction of all trials (undecided ones included in the denominator) that chose A."""
    _single_choice(trials, "p_choice_A")
    chose_a = np.asarray(activity.choice) == 0
    return {label: float(chose_a[idx].mean()) for label, idx in condition_groups(trials).items()}


@METRICS.register('reaction_time_ms', summary='mean RT from stimulus onset over correct trials with an RT')
def reaction_time_ms(trials: Trials, activity: Activity) -> dict[str, float]:
    """Mean reaction time (ms from stimulus onset) over correct trials with a defined RT."""
    _single_choice(trials, "reaction_time_ms")
    rt = np.asarray(activity.reaction_time_ms, dtype=float)
    ok = (np.asarray(activity.choice) == np.asarray(trials.target)) & np.isfinite(rt)
    out = {}
    for label, idx in condition_groups(trials).items():
        sel = idx[ok[idx]]
        out[label] = float(rt[sel].mean()) if sel.size else float("nan")
    return out

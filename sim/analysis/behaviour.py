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
    """Mean reaction time (ms from stimulus onset) over correct trials with a defined RT.

    Undecided trials (choice -1, no RT) are not in the mean; `undecided_fraction` counts them.
    Its 95 % interval is the runner's percentile bootstrap over trials (attnsim.analysis.bootstrap),
    which stays inside the RTs' range; figures use the same kind (attnsim.plots.intervals).
    """
    _single_choice(trials, "reaction_time_ms")
    rt = np.asarray(activity.reaction_time_ms, dtype=float)
    ok = (np.asarray(activity.choice) == np.asarray(trials.target)) & np.isfinite(rt)
    out = {}
    for label, idx in condition_groups(trials).items():
        sel = idx[ok[idx]]
        out[label] = float(rt[sel].mean()) if sel.size else float("nan")
    return out


@METRICS.register('undecided_fraction', summary='fraction of trials without a choice (choice -1): counted apart from RT')
def undecided_fraction(trials: Trials, activity: Activity) -> dict[str, float]:
    """Fraction of the label's trials on which the model made no choice (choice == -1).

    RT is defined only where a decision was reached; reporting these trials apart (instead of
    dropping them silently, or giving them the trial's end as RT) keeps a model that decides
    late from looking fast.
    """
    _single_choice(trials, "undecided_fraction")
    none = np.asarray(activity.choice) == -1
    return {label: float(none[idx].mean()) for label, idx in condition_groups(trials).items()}

"""Firing rates in the stimulus epoch and the attentional modulation index."""
from __future__ import annotations

import numpy as np

from attnsim.models.activity import Activity
from attnsim.analysis.conditions import condition_groups, stimulus_level
from attnsim.analysis.windows import NotApplicable, epoch_steps
from attnsim.tasks.trials import Trials
from attnsim.registries import METRICS


def _epoch_group_means(trials: Trials, activity: Activity, epoch: str) -> dict[str, np.ndarray]:
    """Group -> (n_trials,) mean rate over the epoch and the group's units."""
    win = epoch_steps(trials, activity, epoch)
    if win.stop <= win.start:
        return {}
    return {g: activity.rates[:, win, s].mean(axis=(1, 2)) for g, s in activity.groups.items()}


@METRICS.register('rate_hz', summary='mean rate per group in the stimulus epoch')
def rate_hz(trials: Trials, activity: Activity, *, epoch: str = "stimulus") -> dict[str, dict[str, float]]:
    """Mean rate of each group in the epoch (Hz for brain models, activity.rate_unit otherwise)."""
    per_trial = _epoch_group_means(trials, activity, epoch)
    if not per_trial:
        return {}
    return {label: {g: float(r[idx].mean()) for g, r in per_trial.items()}
            for label, idx in condition_groups(trials).items()}


def attended_unattended(trials: Trials, activity: Activity, *, epoch: str = "stimulus"):
    """(att, unatt): (n_trials,) epoch-mean rate of the attended and the other selective group.

    On an attend_A trial group A (selective_groups[0]) is the attended one; trials
    without a single cued location are NaN in both. None when the epoch is empty.
    """
    per_trial = _epoch_group_means(trials, activity, epoch)
    if not per_trial:
        return None
    att_idx = trials.attended_index()
    ga, gb = activity.selective_groups
    both = np.stack([per_trial[ga], per_trial[gb]], axis=1)   # (n_trials, 2)
    rows = np.arange(trials.n_trials)
    cued = att_idx >= 0
    att = np.where(cued, both[rows, np.clip(att_idx, 0, 1)], np.nan)
    unatt = np.where(cued, both[rows, 1 - np.clip(att_idx, 0, 1)], np.nan)
    return att, unatt


@METRICS.register('modulation_index', summary='(att - unatt) / (att + unatt) of the selective groups, cued trials')
def modulation_index(trials: Trials, activity: Activity, *, epoch: str = "stimulus") -> dict[str, float]:
    """(att - unatt) / (att + unatt) of the selective groups' mean epoch rate, on cued trials.

    Reads `Activity.selective_groups`, the readout's pair: for a decision circuit its decision
    pools, for an ANN its softmax outputs. So on its own it is a measure of the readout, not a
    sensory signature (docs/reference.md row 9); the scorecard's rate gain uses it only on the
    sensory view (`attnsim.analysis.sensory.sensory_view`, whose selective groups are the
    sensory pair). Defined on rates.

    On an attend_A trial group A is the attended one. Means are taken over the
    cued trials of a label before the ratio (ratio of means: robust when single
    trials are near zero). Labels without cued trials (neutral) are left out.
    """
    pair = attended_unattended(trials, activity, epoch=epoch)
    if pair is None:
        return {}
    att, unatt = pair
    cued = np.isfinite(att)
    out = {}
    for label, idx in condition_groups(trials).items():
        sel = idx[cued[idx]]
        if not sel.size:
            continue
        a, u = att[sel].mean(), unatt[sel].mean()
        out[label] = float((a - u) / (a + u)) if (a + u) != 0 else float("nan")
    return out


@METRICS.register('rate_change_vs_neutral', summary='(rate - neutral rate) / neutral rate per group, at equal contrast (stimulus epoch)')
def rate_change_vs_neutral(trials: Trials, activity: Activity, *, epoch: str = "stimulus",
                           baseline: str = "neutral") -> dict[str, dict[str, float]]:
    """Relative rate change of every group against the baseline condition (default "neutral").

    For each condition label, (r_label - r_base) / r_base per group, with r the mean epoch rate.
    Conditions are compared at equal contrast (the baseline's trials of the same contrast), and
    the per-contrast changes are averaged weighted by the label's trial count, so a contrast mix
    that differs between conditions cannot masquerade as an attention effect. Layer-specific
    effects of ~10 % (Wagatsuma et al. 2011) need this: absolute ranges move with the seed.
    Groups whose baseline rate is 0 give NaN.
    """
    cond = np.asarray(trials.conditions["condition"]).astype(str)
    if baseline not in cond:
        raise NotApplicable(f"rate_change_vs_neutral needs {baseline!r} trials")
    per_trial = _epoch_group_means(trials, activity, epoch)
    if not per_trial:
        return {}
    split = stimulus_level(trials)
    contrast = np.zeros(trials.n_trials) if split is None else split[1]
    out: dict[str, dict[str, float]] = {}
    for label, idx in condition_groups(trials).items():
        if label == baseline or label.startswith(baseline + "@") or label == "all":
            continue
        changes, weights = {g: [] for g in per_trial}, []
        for k in np.unique(contrast[idx]):
            here = idx[contrast[idx] == k]
            base = np.flatnonzero((cond == baseline) & (contrast == k))
            if not base.size:
                continue
            weights.append(here.size)
            for g, r in per_trial.items():
                b = r[base].mean()
                changes[g].append((r[here].mean() - b) / b if b > 0 else np.nan)
        if weights:
            w = np.asarray(weights, float)
            out[label] = {g: float(np.dot(w, v) / w.sum()) for g, v in changes.items()}
    return out

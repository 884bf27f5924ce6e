"""Cueing (validity) effect on focused trials of the divided task (Posner 1980).

On focused trials the whole cue is on one location and the target is there on
valid trials, at the other location on invalid ones. Reported per contrast
("all" and "@<contrast>" when there are several):

- acc_valid, acc_invalid: fraction correct (no choice counts as wrong);
- validity_effect = acc_valid - acc_invalid (human cueing costs and benefits
  are a few to ~20 % of accuracy, never the whole of it);
- cue_capture = P(choose the cued location | invalid): 1 means the cue decides
  the choice whatever the stimulus, 0 that it never overrides the target.
  A cue that captures the choice makes focused-trial d' a measure of the cue,
  not of sensitivity. Capacity (d'_dual / d'_single) needs the dual-report
  design (sim/analysis/capacity.py); on this single-choice task the cueing
  numbers are what is measured.
"""
from __future__ import annotations

import numpy as np

from attnsim.models.activity import Activity
from attnsim.analysis.windows import NotApplicable
from attnsim.tasks.trials import Trials
from attnsim.registries import METRICS

FOCUSED = {"focused_A": 0, "focused_B": 1}


def _effects(valid_idx, invalid_idx, choice, target, cued) -> dict[str, float]:
    def frac(mask_idx, hit):
        return float(hit[mask_idx].mean()) if mask_idx.size else float("nan")
    correct = choice == target
    chose_cued = choice == cued
    acc_v, acc_i = frac(valid_idx, correct), frac(invalid_idx, correct)
    return {"acc_valid": acc_v, "acc_invalid": acc_i, "validity_effect": acc_v - acc_i,
            "cue_capture": frac(invalid_idx, chose_cued), "n_valid": float(valid_idx.size),
            "n_invalid": float(invalid_idx.size)}


@METRICS.register('cueing_effect', summary='divided task, focused trials: acc_valid, acc_invalid, validity_effect, cue_capture = P(choose cued | invalid)')
def cueing_effect(trials: Trials, activity: Activity) -> dict[str, dict[str, float]]:
    cond = np.asarray(trials.conditions["condition"]).astype(str)
    if "valid" not in trials.conditions or not np.isin(cond, list(FOCUSED)).any():
        raise NotApplicable("cueing_effect needs focused_A/focused_B trials with a 'valid' flag (divided task)")
    valid = np.asarray(trials.conditions["valid"], dtype=bool)
    choice, target = np.asarray(activity.choice), np.asarray(trials.target)
    cued = np.array([FOCUSED.get(c, -1) for c in cond])
    focused = cued >= 0
    contrast = np.asarray(trials.conditions.get("contrast", np.zeros(trials.n_trials)), float)
    levels = sorted(set(contrast[focused].tolist()))
    out = {}
    for label, mask in [("all", focused)] + (
            [(f"@{k:g}", focused & (contrast == k)) for k in levels] if len(levels) > 1 else []):
        out[label] = _effects(np.flatnonzero(mask & valid), np.flatnonzero(mask & ~valid), choice, target, cued)
    return out

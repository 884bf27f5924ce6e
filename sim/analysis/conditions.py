"""Condition labels: which trials each summary number is computed over.

Labels are keys of summary.json, so they are stable and built the same way
for every task: "all"; each value of conditions["condition"]; "attended"
(attend_A and attend_B pooled) when any trial is cued; and, where the task
uses more than one contrast, "<condition>@<contrast:g>" and
"attended@<contrast:g>".
"""
from __future__ import annotations

import numpy as np

from sim.tasks.trials import Trials

CUED = ("attend_A", "attend_B")
FOCUSED = ("focused_A", "focused_B")


def condition_groups(trials: Trials) -> dict[str, np.ndarray]:
    """Label -> trial indices (int arrays, never empty)."""
    cond = np.asarray(trials.conditions["condition"]).astype(str)
    groups: dict[str, np.ndarray] = {"all": np.arange(trials.n_trials)}
    values = list(dict.fromkeys(cond.tolist()))  # first-seen order, deterministic for a given task
    for c in values:
        groups[c] = np.flatnonzero(cond == c)
    cued = np.isin(cond, CUED)
    if cued.any():
        groups["attended"] = np.flatnonzero(cued)
    focused = np.isin(cond, FOCUSED)
    if focused.any():
        groups["focused"] = np.flatnonzero(focused)
    contrast = trials.conditions.get("contrast")
    if contrast is not None:
        contrast = np.asarray(contrast, dtype=float)
        levels = sorted(set(contrast.tolist()))
        if len(levels) > 1:
            for c in values:
                for k in levels:
                    idx = np.flatnonzero((cond == c) & (contrast == k))
                    if idx.size:
                        groups[f"{c}@{k:g}"] = idx
            for k in levels:
                for name, mask in (("attended", cued), ("focused", focused)):
                    idx = np.flatnonzero(mask & (contrast == k))
                    if idx.size:
                        groups[f"{name}@{k:g}"] = idx
    return groups


def stimulus_cells(trials: Trials) -> np.ndarray:
    """(n_trials,) integer id of each trial's (condition, contrast) cell.

    Trials in one cell share the stimulus, so variability within a cell is
    noise, not signal (used to z-score counts before noise correlations).
    """
    keys = [str(c) for c in trials.conditions["condition"]]
    if "contrast" in trials.conditions:
        keys = [f"{c}@{k:g}" for c, k in zip(keys, np.asarray(trials.conditions["contrast"], float))]
    _, ids = np.unique(np.asarray(keys), return_inverse=True)
    return ids

"""Condition labels: which trials each summary number is computed over.

Labels are keys of summary.json, so they are stable and built the same way
for every task: "all"; each value of conditions["condition"]; "attended"
(attend_A and attend_B pooled) when any trial is cued; and, where the task
uses more than one stimulus level (`stimulus_level`: the contrast, or the
coherence of the selective task's coherence form), "<condition>@<level:g>" and
"attended@<level:g>".
"""
from __future__ import annotations

import hashlib

import numpy as np

from attnsim.tasks.trials import Trials

CUED = ("attend_A", "attend_B")
FOCUSED = ("focused_A", "focused_B")


def stimulus_level(trials: Trials) -> tuple[str, np.ndarray] | None:
    """The label key that splits a task's conditions by stimulus level, and its (n_trials,) values.

    The contrast where the task gives one; else the coherence where one condition spans more
    than one coherence (the selective task's coherence form). A task whose conditions each
    hold one coherence (discrimination: "coherence_3.2") needs no split: None.
    """
    if "contrast" in trials.conditions:
        return "contrast", np.asarray(trials.conditions["contrast"], dtype=float)
    if "coherence" in trials.conditions:
        level = np.asarray(trials.conditions["coherence"], dtype=float)
        cond = np.asarray(trials.conditions["condition"]).astype(str)
        if any(len(set(level[cond == c].tolist())) > 1 for c in set(cond.tolist())):
            return "coherence", level
    return None


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
    split = stimulus_level(trials)
    if split is not None:
        contrast = split[1]
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
    """(n_trials,) integer id of each trial's stimulus cell: the trials given identical inputs.

    Two trials share a cell when their whole input arrays ``inputs[i]``
    (n_steps, n_channels: the stimulus channels stim_A, stim_B and the cue
    channels cue_A, cue_B over every time step) are equal element by element
    (compared through a 128-bit BLAKE2b digest of the float64 values) and their
    "condition" and stimulus-level (`stimulus_level`) labels are equal. The inputs are the
    ground truth of what a model was shown, so the cells separate everything a
    task varies: condition and contrast, which location holds the target (or,
    on neutral trials, the stronger stimulus) and cue validity (an invalid
    trial puts the target away from the cue). Across-trial variability within
    a cell is therefore noise, not stimulus (signal) variance, as Fano factors
    and noise correlations require (Cohen & Maunsell 2009, Nat Neurosci 12:1594,
    counts taken over repeats of one stimulus and attention condition).
    Adding the labels to the key makes every label of `condition_groups` a union
    of whole cells, so statistics computed once per cell serve every label.

    Returns shape (n_trials,), int64 ids 0..n_cells-1, the same for the same trials.
    """
    n = trials.n_trials
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    inputs = np.asarray(trials.inputs)
    if inputs.ndim != 3 or inputs.shape[0] != n:
        raise ValueError(f"trials.inputs must be (n_trials, n_steps, n_channels), got shape {inputs.shape}")
    keys = [str(c) for c in np.asarray(trials.conditions["condition"]).astype(str)]
    split = stimulus_level(trials)
    if split is not None:
        keys = [f"{c}@{k!r}" for c, k in zip(keys, split[1].tolist())]
    # one digest per trial's input array (exact bytes; + 0.0 turns -0.0 into 0.0): equal inputs, equal
    # digest, at a cost linear in the input size (bootstrap resamples call this once per resample)
    keys = [f"{k}|{_digest(inputs[i])}" for i, k in enumerate(keys)]
    _, ids = np.unique(np.asarray(keys), return_inverse=True)
    return np.asarray(ids, dtype=np.int64).reshape(n)


def _digest(x: np.ndarray) -> str:
    """BLAKE2b-128 of an array's float64 values in C order."""
    return hashlib.blake2b(np.ascontiguousarray(x, dtype=np.float64) + 0.0, digest_size=16).hexdigest()

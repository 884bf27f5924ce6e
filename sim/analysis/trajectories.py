"""Condition-averaged population trajectories and resampling to a common time grid."""
from __future__ import annotations

import numpy as np

from attnsim.analysis.conditions import stimulus_level
from attnsim.models.activity import Activity
from attnsim.tasks.trials import Trials


def basic_labels(trials: Trials) -> dict[str, np.ndarray]:
    """The finest stimulus cells: each condition, split by stimulus level when there are several."""
    cond = np.asarray(trials.conditions["condition"]).astype(str)
    split = stimulus_level(trials)
    keys = cond.tolist()
    if split is not None and len(set(split[1].tolist())) > 1:
        keys = [f"{c}@{k:g}" for c, k in zip(keys, split[1])]
    keys = np.asarray(keys)
    return {k: np.flatnonzero(keys == k) for k in dict.fromkeys(keys.tolist())}


def condition_average(trials: Trials, activity: Activity, *, labels: dict[str, np.ndarray] | None = None,
                      units: slice | None = None) -> dict[str, np.ndarray]:
    """Label -> (n_steps, n_units) trial-averaged rates (all units, or a slice of them)."""
    labels = basic_labels(trials) if labels is None else labels
    rates = activity.rates if units is None else activity.rates[:, :, units]
    return {k: rates[idx].mean(axis=0) for k, idx in labels.items() if len(idx)}


def resample(traj: np.ndarray, dt_ms: float, t_ms: np.ndarray) -> np.ndarray:
    """Linear interpolation of (n_steps, n_units) samples at times i*dt_ms onto times t_ms."""
    x = np.asarray(t_ms, dtype=float) / dt_ms
    i0 = np.clip(np.floor(x).astype(int), 0, traj.shape[0] - 1)
    i1 = np.clip(i0 + 1, 0, traj.shape[0] - 1)
    w = (x - i0)[:, None]
    return (1.0 - w) * traj[i0] + w * traj[i1]

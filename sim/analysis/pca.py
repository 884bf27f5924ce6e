"""Condition-averaged trajectories in the space of their top principal components.

The samples are (condition, time) pairs of the condition-averaged rates in the stimulus
epoch, with the condition-independent mean (the mean over conditions at each time)
subtracted first, as in demixed PCA's marginalization (Kobak et al. 2016, eLife
5:e10989): otherwise the time course all conditions share (onset transient, ramps) takes
the top components and the condition code hides below it.
"""
from __future__ import annotations

import numpy as np

from attnsim.models.activity import Activity
from attnsim.analysis.cka import condition_tensor
from attnsim.analysis.trajectories import basic_labels
from attnsim.analysis.windows import epoch_ms
from attnsim.tasks.trials import Trials


def pca(x: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Top-k PCA of (n_samples, n_features) via SVD of the centred data.

    Returns (scores (n, k), components (k, features), explained-variance ratio (k,), mean (features,)).
    """
    x = np.asarray(x, dtype=float)
    mean = x.mean(axis=0)
    xc = x - mean
    _, s, vt = np.linalg.svd(xc, full_matrices=False)
    var = s ** 2
    total = var.sum()
    k = min(k, vt.shape[0])
    ratio = var[:k] / total if total > 0 else np.zeros(k)
    return xc @ vt[:k].T, vt[:k], ratio, mean


def pca_trajectories(trials: Trials, activity: Activity, *, k: int = 3, group: str | None = None,
                     labels: dict[str, np.ndarray] | None = None, epoch: str | None = "stimulus",
                     subtract_condition_mean: bool = True) -> dict:
    """Project each label's condition-averaged trajectory on the top-k PCs of all of them together.

    Samples: (condition, time) pairs in `epoch` (None: the whole trial), the mean over
    conditions at each time removed (module docstring; `subtract_condition_mean=False` keeps it).
    Returns {"trajectories": {label: (n_times, k)}, "explained_variance_ratio": (k,),
    "components": (k, n_units), "time_ms": (n_times,), "condition_independent": (n_times, n_units)
    (the removed mean; zeros when kept), "samples": "conditions x time", "epoch"}.
    """
    units = activity.groups[group] if group is not None else None
    labels = basic_labels(trials) if labels is None else labels
    n_steps = activity.rates.shape[1]
    if epoch is None:
        i0, i1 = 0, n_steps
    else:
        t0, t1 = epoch_ms(trials, epoch)
        i0 = min(n_steps, int(round(t0 / activity.dt_ms)))
        i1 = min(n_steps, max(i0, int(round(t1 / activity.dt_ms))))
    t = np.arange(i0, i1) * activity.dt_ms
    raw = condition_tensor(trials, activity, t, labels=labels, units=units, subtract_condition_mean=False)
    mean = raw.mean(axis=0) if subtract_condition_mean else np.zeros_like(raw[0])
    names = [n for n in labels if len(labels[n])]
    scores, comps, ratio, _ = pca((raw - mean).reshape(-1, raw.shape[2]), k)
    n_t = t.size
    traj = {n: scores[i * n_t:(i + 1) * n_t] for i, n in enumerate(names)}
    return {"trajectories": traj, "explained_variance_ratio": ratio, "components": comps, "time_ms": t,
            "condition_independent": mean, "samples": "conditions x time", "epoch": epoch or "whole trial"}

"""Condition-averaged trajectories in the space of their top principal components."""
from __future__ import annotations

import numpy as np

from attnsim.models.activity import Activity
from attnsim.analysis.trajectories import condition_average
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
                     labels: dict[str, np.ndarray] | None = None) -> dict:
    """Project each label's condition-averaged trajectory on the top-k PCs of all of them together.

    Returns {"trajectories": {label: (n_steps, k)}, "explained_variance_ratio": (k,),
    "components": (k, n_units), "time_ms": (n_steps,)}.
    """
    units = activity.groups[group] if group is not None else None
    avg = condition_average(trials, activity, labels=labels, units=units)
    names = list(avg)
    stacked = np.concatenate([avg[n] for n in names], axis=0)
    scores, comps, ratio, _ = pca(stacked, k)
    n_steps = activity.rates.shape[1]
    traj = {n: scores[i * n_steps:(i + 1) * n_steps] for i, n in enumerate(names)}
    return {"trajectories": traj, "explained_variance_ratio": ratio, "components": comps,
            "time_ms": np.arange(n_steps) * activity.dt_ms}

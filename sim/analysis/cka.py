"""Linear centred kernel alignment (Kornblith et al. 2019): do two models represent the task alike?"""
from __future__ import annotations

import numpy as np

from attnsim.models.activity import Activity
from attnsim.analysis.trajectories import basic_labels, condition_average, resample
from attnsim.tasks.trials import Trials


def linear_cka(x: np.ndarray, y: np.ndarray) -> float:
    """||Yc^T Xc||_F^2 / (||Xc^T Xc||_F ||Yc^T Yc||_F) for (n_samples, features) matrices.

    Invariant to orthogonal transforms and isotropic scaling of either side;
    the feature counts may differ.
    """
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    if x.shape[0] != y.shape[0]:
        raise ValueError(f"linear_cka: sample counts differ ({x.shape[0]} vs {y.shape[0]})")
    x = x - x.mean(axis=0)
    y = y - y.mean(axis=0)
    cross = np.linalg.norm(y.T @ x) ** 2
    norm = np.linalg.norm(x.T @ x) * np.linalg.norm(y.T @ y)
    return float(cross / norm) if norm > 0 else float("nan")


def cka_between(trials: Trials, act1: Activity, act2: Activity, *, dt_ms: float | None = None,
                group1: str | None = None, group2: str | None = None) -> float:
    """Linear CKA of two models' condition-averaged trajectories on the same trials.

    Samples are (stimulus cell, time) pairs: each model's trajectories are
    resampled onto a common grid (step `dt_ms`, default the coarser of the two)
    over the time both recorded, then stacked.
    """
    step = dt_ms if dt_ms is not None else max(act1.dt_ms, act2.dt_ms)
    t_end = min((act1.rates.shape[1] - 1) * act1.dt_ms, (act2.rates.shape[1] - 1) * act2.dt_ms)
    t = np.arange(0.0, t_end + 1e-9, step)
    labels = basic_labels(trials)
    mats = []
    for act, g in ((act1, group1), (act2, group2)):
        avg = condition_average(trials, act, labels=labels, units=act.groups[g] if g else None)
        mats.append(np.concatenate([resample(avg[k], act.dt_ms, t) for k in labels], axis=0))
    return linear_cka(mats[0], mats[1])

"""Time windows and spike counts shared by the metrics.

Trials and Activity may use different time steps (a model can record at a
coarser dt than the task), so epochs are converted by time in ms.
"""
from __future__ import annotations

import numpy as np

from attnsim.errors import NotApplicable
from attnsim.models.activity import Activity
from attnsim.tasks.trials import Trials


def epoch_ms(trials: Trials, name: str) -> tuple[float, float]:
    # spontaneous protocols have no stimulus: their analysis window is "measure"
    if name == "stimulus" and name not in trials.epochs and "measure" in trials.epochs:
        name = "measure"
    if name not in trials.epochs:
        raise NotApplicable(f"epoch {name!r} not in the task; epochs are {list(trials.epochs)}")
    return trials.epoch_ms(name)


def epoch_steps(trials: Trials, activity: Activity, name: str) -> slice:
    """The epoch as a slice of Activity steps (sample i is at time i * activity.dt_ms)."""
    t0, t1 = epoch_ms(trials, name)
    n = activity.rates.shape[1]
    start = min(n, max(0, int(round(t0 / activity.dt_ms))))
    stop = min(n, max(start, int(round(t1 / activity.dt_ms))))
    return slice(start, stop)


def group_names(activity: Activity) -> list[str]:
    return list(activity.groups)


def group_size(activity: Activity, group: str) -> int:
    """Number of neurons of a spiking group (group_sizes, else the highest id seen + 1)."""
    if group in activity.group_sizes:
        return int(activity.group_sizes[group])
    top = -1
    for ids, _ in activity.spikes[group]:
        if len(ids):
            top = max(top, int(np.max(ids)))
    return top + 1


def spike_counts(activity: Activity, group: str, t0_ms: float, t1_ms: float) -> np.ndarray:
    """(n_trials, n_neurons) spike counts in [t0_ms, t1_ms) for one spiking group."""
    n = group_size(activity, group)
    trains = activity.spikes[group]
    out = np.zeros((len(trains), n), dtype=np.int64)
    for i, (ids, times) in enumerate(trains):
        ids = np.asarray(ids, dtype=np.int64)
        times = np.asarray(times, dtype=float)
        keep = (times >= t0_ms) & (times < t1_ms)
        out[i] = np.bincount(ids[keep], minlength=n)[:n]
    return out


def has_spikes(activity: Activity) -> bool:
    return bool(activity.spikes)

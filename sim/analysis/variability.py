"""Trial-to-trial variability of spike counts: Fano factor and noise correlation.

Both need spikes; for rate and artificial models they return {} (not applicable).
"""
from __future__ import annotations

import numpy as np

from models.activity import Activity
from sim.analysis.conditions import condition_groups, stimulus_cells
from sim.analysis.windows import epoch_ms, has_spikes, spike_counts
from sim.tasks.trials import Trials


def _counts_by_group(trials, activity, epoch):
    t0, t1 = epoch_ms(trials, epoch)
    return {g: spike_counts(activity, g, t0, t1) for g in activity.spikes}


def fano_from_counts(counts: np.ndarray) -> float:
    """Mean over neurons (with mean count > 0) of var/mean across trials; counts (n_trials, n_neurons).

    The unbiased (ddof=1) variance makes a Poisson process give 1 at any trial count.
    """
    counts = np.asarray(counts, dtype=float)
    if counts.shape[0] < 2:
        return float("nan")
    mean = counts.mean(axis=0)
    live = mean > 0
    if not live.any():
        return float("nan")
    var = counts[:, live].var(axis=0, ddof=1)
    return float(np.mean(var / mean[live]))


def fano_factor(trials: Trials, activity: Activity, *, epoch: str = "stimulus") -> dict[str, dict[str, float]]:
    """Fano factor of each spiking group's stimulus-epoch spike counts, per condition label.

    Counts are pooled over all trials of a label; labels mixing stimuli (e.g.
    "all" with several contrasts) therefore include stimulus-driven variance.
    """
    if not has_spikes(activity):
        return {}
    counts = _counts_by_group(trials, activity, epoch)
    return {label: {g: fano_from_counts(c[idx]) for g, c in counts.items()}
            for label, idx in condition_groups(trials).items() if idx.size >= 2}


def _zscore_within(counts: np.ndarray, cells: np.ndarray) -> np.ndarray:
    """Z-score each neuron's counts within each stimulus cell (removes signal correlation)."""
    z = np.zeros_like(counts, dtype=float)
    for c in np.unique(cells):
        rows = cells == c
        block = counts[rows].astype(float)
        sd = block.std(axis=0)
        with np.errstate(invalid="ignore", divide="ignore"):
            z[rows] = np.where(sd > 0, (block - block.mean(axis=0)) / sd, 0.0)
    return z


def noise_correlation_from_counts(counts: np.ndarray, cells: np.ndarray | None = None,
                                  max_neurons: int = 400) -> float:
    """Mean Pearson correlation over neuron pairs of (n_trials, n_neurons) counts.

    With `cells`, counts are z-scored within each stimulus cell first and then
    pooled (Cohen & Maunsell 2009). Neurons with no variance are left out; at
    most `max_neurons` evenly spaced neurons are used to bound the cost.
    """
    counts = np.asarray(counts, dtype=float)
    if cells is not None:
        counts = _zscore_within(counts, np.asarray(cells))
    if counts.shape[0] < 3:
        return float("nan")
    live = np.flatnonzero(counts.std(axis=0) > 0)
    if live.size > max_neurons:
        live = live[np.linspace(0, live.size - 1, max_neurons).astype(int)]
    if live.size < 2:
        return float("nan")
    r = np.corrcoef(counts[:, live], rowvar=False)
    iu = np.triu_indices(live.size, k=1)
    return float(np.nanmean(r[iu]))


def noise_correlation(trials: Trials, activity: Activity, *, epoch: str = "stimulus",
                      max_neurons: int = 400) -> dict[str, dict[str, float]]:
    """Mean pairwise spike-count correlation within each spiking group, per condition label.

    Counts are z-scored within each (condition, contrast) cell before pooling,
    so a label spanning several stimuli measures noise, not signal, correlation.
    """
    if not has_spikes(activity):
        return {}
    cells = stimulus_cells(trials)
    # every label is a union of whole cells, so z-scoring once per group serves all labels
    z = {g: _zscore_within(c, cells) for g, c in _counts_by_group(trials, activity, epoch).items()}
    return {label: {g: noise_correlation_from_counts(c[idx], None, max_neurons) for g, c in z.items()}
            for label, idx in condition_groups(trials).items() if idx.size >= 3}

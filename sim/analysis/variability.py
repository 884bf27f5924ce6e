"""Trial-to-trial variability of spike counts: Fano factor and noise correlation.

Both describe the variability of the response to one repeated stimulus, so
both are computed within stimulus cells (`sim.analysis.conditions.stimulus_cells`:
trials with identical inputs, i.e. the same condition, contrast, target or
stronger-stimulus location and cue validity) and then combined over the cells
of a condition label. Stimulus-driven (signal) variance, and the choice
variance that comes with it, never enters as noise. Counts are taken per
neuron in the stimulus epoch ("measure" on spontaneous tasks), [t0, t1).

Fano factor (Dayan & Abbott 2001, Theoretical Neuroscience, sec. 1.4; taken per
stimulus and attention condition as in McAdams & Maunsell 1999 and Cohen &
Maunsell 2009, Nat Neurosci 12:1594). For cell c with n_c trials and neuron i
with mean count m_ci > 0::

    F_ci = s2_ci / m_ci,          s2_ci = sum_t (x_ti - m_ci)^2 / (n_c - 1)   (ddof 1)
    F_c  = mean over active neurons i of F_ci
    F    = sum_c n_c F_c / sum_c n_c                over cells with n_c >= 2

The unbiased variance makes a Poisson process give E[F_ci] = 1 at any n_c.
Elephant's `statistics.fanofactor` uses ddof 0: F_ci = elephant * n_c / (n_c - 1).

Noise correlation (spike-count correlation r_SC; Cohen & Maunsell 2009; review
Cohen & Kohn 2011, Nat Neurosci 14:811). Counts are z-scored per neuron within
each cell with n_c >= 3 (ddof 0; a neuron constant in a cell gets z = 0 there),
the z-scores of the label's cells are pooled, and the result is the mean over
neuron pairs i < j of the Pearson correlation of the pooled z_i, z_j. When every
neuron varies in every cell this equals the trial-weighted mean of the
within-cell correlations, sum_c n_c r_c,ij / sum_c n_c.

Output, {label: {group: value}} for each condition label with at least one
cell entering, plus three entries keyed like labels that say what entered::

    "n_trials":        {label: trials in the cells used}
    "n_cells":         {label: cells used}
    "n_cells_dropped": {label: cells left out for too few trials (< 2 Fano, < 3 correlation)}

so result[label][group] is a group's value and result["n_trials"][label] a count.
Rate and artificial models have no spikes: both return {} (not applicable).

Defined on spike counts, for EVERY spiking group, whatever its role (Activity.roles): a
description of a population's variability, decision pools included, not row 9's attention
signature. Row 9 (attend-in versus attend-out on the sensory population only) is
`attnsim.analysis.attention_effects`, which the scorecard reads.
"""
from __future__ import annotations

import numpy as np

from attnsim.models.activity import Activity
from attnsim.analysis.conditions import condition_groups, stimulus_cells
from attnsim.analysis.windows import epoch_ms, has_spikes, spike_counts
from attnsim.tasks.trials import Trials
from attnsim.registries import METRICS

MIN_TRIALS_FANO = 2   # a ddof-1 variance needs two trials
MIN_TRIALS_CORR = 3   # with two trials every within-cell correlation is +-1
COUNT_KEYS = ("n_trials", "n_cells", "n_cells_dropped")


def _counts_by_group(trials, activity, epoch):
    t0, t1 = epoch_ms(trials, epoch)
    return {g: spike_counts(activity, g, t0, t1) for g in activity.spikes}


def _check_cells(counts: np.ndarray, cells) -> np.ndarray:
    cells = np.asarray(cells)
    if cells.shape != (counts.shape[0],):
        raise ValueError(f"cells must have shape ({counts.shape[0]},) (one id per trial of counts), got {cells.shape}")
    return cells


def entering(cells: np.ndarray, min_trials: int) -> np.ndarray:
    """(n_trials,) bool: the trial's cell has at least `min_trials` trials."""
    _, inverse, sizes = np.unique(np.asarray(cells), return_inverse=True, return_counts=True)
    return sizes[np.asarray(inverse).reshape(-1)] >= min_trials


def cell_counts(cells: np.ndarray, min_trials: int) -> dict[str, int]:
    """{"n_trials", "n_cells", "n_cells_dropped"} of the trials `cells` for a minimum cell size."""
    _, sizes = np.unique(np.asarray(cells), return_counts=True)
    ok = sizes >= min_trials
    return {"n_trials": int(sizes[ok].sum()), "n_cells": int(ok.sum()), "n_cells_dropped": int((~ok).sum())}


def fano_from_counts(counts: np.ndarray) -> float:
    """Fano factor of one cell: mean over neurons with mean count > 0 of var (ddof 1) / mean.

    counts: (n_trials, n_neurons) counts of repeats of one stimulus. NaN with
    fewer than 2 trials or no active neuron.
    """
    counts = np.asarray(counts, dtype=float)
    if counts.ndim != 2:
        raise ValueError(f"counts must be (n_trials, n_neurons), got shape {counts.shape}")
    if counts.shape[0] < 2:
        return float("nan")
    mean = counts.mean(axis=0)
    live = mean > 0
    if not live.any():
        return float("nan")
    var = counts[:, live].var(axis=0, ddof=1)
    return float(np.mean(var / mean[live]))


def within_cells(counts: np.ndarray, cells: np.ndarray, fn, min_trials: int = MIN_TRIALS_FANO) -> float:
    """Trial-weighted mean, sum_c n_c fn(block_c) / sum_c n_c, over cells with >= min_trials trials.

    counts (n_trials, n_neurons), cells (n_trials,) ids; cells where fn is NaN are left out.
    """
    counts = np.asarray(counts)
    cells = _check_cells(counts, cells)
    vals, weights = [], []
    for c in np.unique(cells):
        block = counts[cells == c]
        if block.shape[0] >= min_trials:
            v = fn(block)
            if np.isfinite(v):
                vals.append(v)
                weights.append(block.shape[0])
    return float(np.average(vals, weights=weights)) if vals else float("nan")


def fano_within_cells(counts: np.ndarray, cells: np.ndarray) -> float:
    """F = sum_c n_c F_c / sum_c n_c over cells with >= 2 trials (module docstring)."""
    return within_cells(counts, cells, fano_from_counts, MIN_TRIALS_FANO)


@METRICS.register('fano_factor', summary='var (ddof 1) / mean of stimulus-epoch spike counts per neuron within cells of identical stimulus, trial-weighted over cells of >= 2 trials; n_trials/n_cells/n_cells_dropped per label (spiking only)')
def fano_factor(trials: Trials, activity: Activity, *, epoch: str = "stimulus") -> dict[str, dict[str, float]]:
    """Fano factor of each spiking group's spike counts within stimulus cells, per condition label.

    Returns {label: {group: F}} and the "n_trials" / "n_cells" / "n_cells_dropped"
    entries (module docstring); {} without spikes.
    """
    if not has_spikes(activity):
        return {}
    cells = stimulus_cells(trials)
    counts = _counts_by_group(trials, activity, epoch)
    out: dict[str, dict] = {}
    n: dict[str, dict[str, int]] = {k: {} for k in COUNT_KEYS}
    for label, idx in condition_groups(trials).items():
        for k, v in cell_counts(cells[idx], MIN_TRIALS_FANO).items():
            n[k][label] = v
        if n["n_cells"][label]:
            out[label] = {g: fano_within_cells(c[idx], cells[idx]) for g, c in counts.items()}
    return {**out, **n}


def _zscore_within(counts: np.ndarray, cells: np.ndarray) -> np.ndarray:
    """Each neuron's counts z-scored (ddof 0) within each cell; 0 where a neuron is constant in a cell."""
    z = np.zeros_like(counts, dtype=float)
    for c in np.unique(cells):
        rows = cells == c
        block = counts[rows].astype(float)
        sd = block.std(axis=0)
        with np.errstate(invalid="ignore", divide="ignore"):
            z[rows] = np.where(sd > 0, (block - block.mean(axis=0)) / sd, 0.0)
    return z


def _mean_pairwise_r(x: np.ndarray, max_neurons: int) -> float:
    """Mean over pairs i < j of the Pearson r of the columns of x (constant columns left out)."""
    if x.shape[0] < 3:
        return float("nan")
    live = np.flatnonzero(x.std(axis=0) > 0)
    if live.size > max_neurons:
        live = live[np.linspace(0, live.size - 1, max_neurons).astype(int)]
    if live.size < 2:
        return float("nan")
    r = np.corrcoef(x[:, live], rowvar=False)
    iu = np.triu_indices(live.size, k=1)
    return float(np.nanmean(r[iu]))


def noise_correlation_from_counts(counts: np.ndarray, cells: np.ndarray | None = None,
                                  max_neurons: int = 400) -> float:
    """Mean pairwise Pearson correlation of (n_trials, n_neurons) counts.

    With `cells` ((n_trials,) stimulus-cell ids), trials of cells with < 3
    trials are dropped, counts are z-scored per neuron within each remaining
    cell and pooled (module docstring); without, the counts are taken as one
    cell. Neurons with no variance are left out; at most `max_neurons` evenly
    spaced neurons are used to bound the cost. NaN with < 3 trials or < 2 neurons.
    """
    counts = np.asarray(counts, dtype=float)
    if counts.ndim != 2:
        raise ValueError(f"counts must be (n_trials, n_neurons), got shape {counts.shape}")
    if cells is not None:
        cells = _check_cells(counts, cells)
        keep = entering(cells, MIN_TRIALS_CORR)
        counts = _zscore_within(counts[keep], cells[keep])
    return _mean_pairwise_r(counts, max_neurons)


@METRICS.register('noise_correlation', summary='mean pairwise r of spike counts z-scored within cells of identical stimulus (>= 3 trials) and pooled; n_trials/n_cells/n_cells_dropped per label (spiking only)')
def noise_correlation(trials: Trials, activity: Activity, *, epoch: str = "stimulus",
                      max_neurons: int = 400) -> dict[str, dict[str, float]]:
    """Mean pairwise spike-count correlation within each spiking group, per condition label.

    Counts are z-scored within stimulus cells of >= 3 trials and pooled over
    the label's cells (module docstring). Returns {label: {group: r}} and the
    "n_trials" / "n_cells" / "n_cells_dropped" entries; {} without spikes.
    """
    if not has_spikes(activity):
        return {}
    cells = stimulus_cells(trials)
    keep = entering(cells, MIN_TRIALS_CORR)
    # every label is a union of whole cells, so z-scoring once per group serves all labels
    z = {g: _zscore_within(c, cells) for g, c in _counts_by_group(trials, activity, epoch).items()}
    out: dict[str, dict] = {}
    n: dict[str, dict[str, int]] = {k: {} for k in COUNT_KEYS}
    for label, idx in condition_groups(trials).items():
        for k, v in cell_counts(cells[idx], MIN_TRIALS_CORR).items():
            n[k][label] = v
        rows = idx[keep[idx]]
        if n["n_cells"][label]:
            out[label] = {g: _mean_pairwise_r(c[rows], max_neurons) for g, c in z.items()}
    return {**out, **n}

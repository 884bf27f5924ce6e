"""Spike-train statistics shared by the models' own validations and by sim's metrics.

Arrays in, arrays out (the lower layer: no import of sim). One ISI CV estimator for the
whole project, so that the `isi_cv` metric (sim/analysis/spiking_stats.py) and the PD14
spontaneous validation (models/microcircuit/spontaneous.py) report the same number for
the same spikes.
"""
from __future__ import annotations

import numpy as np


def isi_cv_per_neuron(ids, times, n_neurons: int | None = None, min_spikes: int = 3) -> np.ndarray:
    """Coefficient of variation of the inter-spike intervals of every neuron.

    For neuron n with spike times t_1 < ... < t_k (k >= min_spikes) and intervals
    I_j = t_{j+1} - t_j (j = 1..k-1):

        CV_n = sqrt(mean_j (I_j - mean(I))^2) / mean(I)          (ddof 0)

    i.e. the population standard deviation over the mean, the convention of
    ``elephant.statistics.cv`` (= ``scipy.stats.variation``) applied to
    ``elephant.statistics.isi`` (Holt et al. 1996; Softky & Koch 1993 use the same ratio).
    ddof 0 rather than the unbiased variance: it is the field's library convention, so a
    reference computed with Elephant compares directly. Both are biased low on short trains
    (long intervals are cut off by the window); measure over >= ~20 mean ISIs.

    Args:
        ids: (n_spikes,) int neuron index of each spike, in [0, n_neurons).
        times: (n_spikes,) spike times (any unit; the CV is dimensionless). Need not be sorted.
        n_neurons: length of the result; default max(ids) + 1.
        min_spikes: neurons with fewer spikes (fewer than min_spikes - 1 intervals) get NaN.
            At least 2 (one interval, CV 0).

    Returns:
        (n_neurons,) float: CV_n, NaN where neuron n has fewer than min_spikes spikes or a
        zero mean interval.
    """
    ids = np.asarray(ids, dtype=np.int64).ravel()
    times = np.asarray(times, dtype=float).ravel()
    if ids.shape != times.shape:
        raise ValueError(f"ids and times must have the same length, got {ids.size} and {times.size}")
    if min_spikes < 2:
        raise ValueError(f"min_spikes must be >= 2 (one interval), got {min_spikes}")
    if ids.size and ids.min() < 0:
        raise ValueError("neuron ids must be >= 0")
    n = int(ids.max()) + 1 if n_neurons is None and ids.size else int(n_neurons or 0)
    out = np.full(n, np.nan)
    if ids.size == 0 or n == 0:
        return out
    keep = ids < n
    ids, times = ids[keep], times[keep]
    order = np.lexsort((times, ids))
    ids, times = ids[order], times[order]
    same = ids[1:] == ids[:-1]
    isi = np.diff(times)[same]
    owner = ids[1:][same]
    n_spk = np.bincount(ids, minlength=n)
    n_isi = np.bincount(owner, minlength=n).astype(float)
    ok = n_spk >= min_spikes
    mean = np.bincount(owner, weights=isi, minlength=n) / np.maximum(n_isi, 1)
    # two passes (deviations from the mean): no cancellation, a regular train reads exactly 0
    dev2 = np.bincount(owner, weights=(isi - mean[owner]) ** 2, minlength=n) / np.maximum(n_isi, 1)
    ok &= mean > 0
    out[ok] = np.sqrt(dev2[ok]) / mean[ok]
    return out

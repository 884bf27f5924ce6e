"""Relative gamma power of a group's population signal (Welch PSD): NOT synchronization.

This is the share of a population signal's power in 30-80 Hz, not the measure of
docs/reference.md row 11 (spike-field coherence, Fries et al. 2001: see
`attnsim.analysis.spike_field`). On spike counts it is dominated by shot noise: a Poisson
population with no oscillation has a flat spectrum and reads the band's share of the
frequency bins, about 0.5 at any rate and size (13 of the 25 bins of 250 ms Welch
windows: 0.52), and a change of rate alone moves an oscillation's share of the power. Use it as
a description of a signal's spectrum, never as an attention signature.

    gamma_power = P(30-80 Hz) / P(2-100 Hz),   P(a-b) = sum of the Welch PSD bins with a <= f <= b

computed from the unsmoothed population signal of sim/analysis/population_signal.py
(spike counts in 1 ms bins for spiking models, the returned rate trace otherwise), the PSD
averaged over the trials of each condition (Welch 1967), in the conventional 30-80 Hz gamma
band; relative band power (band over total power) as in LFP/EEG spectral analysis.

Why one fixed total range, 2-100 Hz, for every family: a fraction normalised up to each
model's Nyquist frequency depends on its sampling step (a white spectrum reads 50/500 at
1 ms, 50/100 at 5 ms). 100 Hz is the Nyquist frequency of the coarsest recording step of
the brain-model families (5 ms), so the same range serves all of them; 2 Hz leaves out
the 0 Hz bin (mean and drift). A recording whose Nyquist frequency is below 100 Hz (e.g.
the artificial networks' 20 ms steps) is not applicable rather than normalised otherwise.
Power above 100 Hz (e.g. Brunel's fast oscillations) does not enter the fraction.

Per group, for every group whatever its role (Activity.roles), decision pools included: a
description of a signal, not row 11's measure: the scorecard's row 11 is spike-field locking
(sim/analysis/spike_field_change.py). Defined on spike counts for spiking groups, on rates otherwise.
"""
from __future__ import annotations

import numpy as np
from scipy.signal import welch

from attnsim.models.activity import Activity
from attnsim.analysis.conditions import condition_groups
from attnsim.analysis.population_signal import DEFAULT_BIN_MS, population_signal
from attnsim.analysis.windows import NotApplicable
from attnsim.tasks.trials import Trials
from attnsim.registries import METRICS

GAMMA_BAND_HZ = (30.0, 80.0)
TOTAL_RANGE_HZ = (2.0, 100.0)


def _check_ranges(band_hz, total_hz):
    lo, hi = float(band_hz[0]), float(band_hz[1])
    tlo, thi = float(total_hz[0]), float(total_hz[1])
    if not (0 <= lo < hi and 0 <= tlo < thi):
        raise ValueError(f"band_hz {list(band_hz)} and total_hz {list(total_hz)} must be increasing pairs >= 0")
    if lo < tlo or hi > thi:
        raise ValueError(f"band_hz {list(band_hz)} must lie inside total_hz {list(total_hz)}")
    return (lo, hi), (tlo, thi)


def band_fraction(signals: np.ndarray, dt_ms: float, band_hz=GAMMA_BAND_HZ, total_hz=TOTAL_RANGE_HZ,
                  window_ms: float = 250.0) -> float:
    """Fraction of the trial-averaged Welch power of `signals` in band_hz, of the power in total_hz.

    signals: (n_trials, n_steps) sampled every dt_ms. Welch: Hann segments of window_ms
    (or the whole signal if shorter), half overlap, constant detrend; the frequency grid
    k * 1000 / window_ms Hz does not depend on dt_ms. Bins with band_hz[0] <= f <= band_hz[1]
    over bins with total_hz[0] <= f <= total_hz[1]. NaN when the Nyquist frequency is below
    total_hz[1], the signal has fewer than 8 samples, or there is no power in total_hz.
    """
    band_hz, total_hz = _check_ranges(band_hz, total_hz)
    signals = np.atleast_2d(np.asarray(signals, dtype=float))
    n = signals.shape[1]
    fs = 1000.0 / dt_ms
    if n < 8 or fs / 2 < total_hz[1]:
        return float("nan")
    nperseg = int(min(n, max(8, round(window_ms / dt_ms))))
    f, p = welch(signals, fs=fs, nperseg=nperseg, axis=-1)
    p = p.mean(axis=0)
    eps = 1e-9 * (f[1] - f[0])          # bin centres on a range edge count (float grid)
    total = p[(f >= total_hz[0] - eps) & (f <= total_hz[1] + eps)].sum()
    if total <= 0:
        return float("nan")
    return float(p[(f >= band_hz[0] - eps) & (f <= band_hz[1] + eps)].sum() / total)


@METRICS.register('gamma_power', summary='relative spectral power, not synchronization (row 11: spike_field_coherence): Welch power in 30-80 Hz / power in 2-100 Hz of the unsmoothed population signal (1 ms spike counts, else rates; a Poisson population reads ~0.5), stimulus epoch; n/a if Nyquist < 100 Hz')
def gamma_power(trials: Trials, activity: Activity, *, epoch: str = "stimulus", band_hz=GAMMA_BAND_HZ,
                total_hz=TOTAL_RANGE_HZ, window_ms: float = 250.0,
                bin_ms: float = DEFAULT_BIN_MS) -> dict[str, dict[str, float]]:
    """Relative gamma power P(30-80 Hz) / P(2-100 Hz) of each group's population signal in the epoch.

    Returns {condition label: {group: fraction in [0, 1]}} (groups with spike trains for a
    spiking model, all groups otherwise; see population_signal). bin_ms: spike-count bin.
    Raises NotApplicable when the signal's Nyquist frequency is below total_hz[1] (e.g. a
    model sampled every 20 ms) or the epoch is shorter than 8 samples.
    """
    band_hz, total_hz = _check_ranges(band_hz, total_hz)
    sig = population_signal(trials, activity, epoch, bin_ms)
    if sig.nyquist_hz < total_hz[1]:
        raise NotApplicable(f"gamma_power needs a Nyquist frequency >= {total_hz[1]:g} Hz (the top of its "
                            f"fixed {total_hz[0]:g}-{total_hz[1]:g} Hz total range); this signal is sampled "
                            f"every {sig.dt_ms:g} ms (Nyquist {sig.nyquist_hz:g} Hz)")
    return {label: {g: band_fraction(x[idx], sig.dt_ms, band_hz, total_hz, window_ms) for g, x in sig.signals.items()}
            for label, idx in condition_groups(trials).items()}

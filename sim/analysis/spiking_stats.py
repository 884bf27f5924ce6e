"""State of a spiking network: irregularity (ISI CV), rate, synchrony and oscillation frequency.

These classify Brunel's (2000) states: asynchronous irregular (CV ~ 1, low synchrony),
synchronous regular (CV low, high synchrony) and synchronous irregular (oscillating
population rate, irregular cells). Each metric is computed in the epoch named "stimulus"
when the task has one, else "measure" (spontaneous protocols), or the `epoch` option,
and returns {condition label: {group: value}}.
"""
from __future__ import annotations

import numpy as np
from scipy.signal import welch

from attnsim.models.activity import Activity
from attnsim.models.spike_train_stats import isi_cv_per_neuron
from attnsim.analysis.conditions import condition_groups
from attnsim.analysis.population_signal import DEFAULT_BIN_MS, binned_counts, population_signal
from attnsim.analysis.windows import NotApplicable, epoch_ms, group_size
from attnsim.tasks.trials import Trials
from attnsim.registries import METRICS


def default_epoch(trials: Trials, epoch: str | None = None) -> str:
    if epoch is not None:
        return epoch
    for name in ("stimulus", "measure"):
        if name in trials.epochs:
            return name
    raise NotApplicable(f"no 'stimulus' or 'measure' epoch; epochs are {list(trials.epochs)}")


def _spiking(activity: Activity) -> dict:
    """The spike trains, or NotApplicable when the model has none or none fired."""
    if not activity.spikes or not any(len(ids) for tr in activity.spikes.values() for ids, _ in tr):
        raise NotApplicable("no spikes recorded")
    return activity.spikes


def _window(trains, t0: float, t1: float):
    """(ids, times) of one trial restricted to [t0, t1)."""
    ids, times = np.asarray(trains[0], dtype=np.int64), np.asarray(trains[1], dtype=float)
    keep = (times >= t0) & (times < t1)
    return ids[keep], times[keep]


def cv_of_trains(ids: np.ndarray, times: np.ndarray, min_spikes: int = 3) -> np.ndarray:
    """ISI CV (std / mean, ddof 0) of every neuron with >= min_spikes spikes (and a mean ISI > 0).

    The project's one estimator, models.spike_train_stats.isi_cv_per_neuron (Elephant's
    statistics.cv of statistics.isi), restricted to the qualifying neurons, in id order.
    """
    cv = isi_cv_per_neuron(ids, times, min_spikes=min_spikes)
    return cv[np.isfinite(cv)]


@METRICS.register('isi_cv', summary='mean ISI CV (std/mean, ddof 0, as Elephant) of recorded cells with >= 3 spikes (stimulus, else measure; spiking only)')
def isi_cv(trials: Trials, activity: Activity, *, epoch: str | None = None,
           min_spikes: int = 3) -> dict[str, dict[str, float]]:
    """Mean ISI CV over the neurons (of every trial) with >= min_spikes spikes in the epoch.

    Per-neuron CV = std / mean of the ISIs, ddof 0 (models.spike_train_stats.isi_cv_per_neuron,
    Elephant's convention); intervals only between spikes inside the epoch.

    Poisson trains give 1, a regular train 0. NaN for a group where no neuron qualifies.
    A window holding few ISIs reads low (long ISIs are cut off): Poisson at 5 Hz in a
    1 s window gives 0.70, at 37 Hz 0.96; use windows of >= 20 mean ISIs at low rates.
    """
    spikes = _spiking(activity)
    t0, t1 = epoch_ms(trials, default_epoch(trials, epoch))
    per_trial = {g: [cv_of_trains(*_window(tr, t0, t1), min_spikes) for tr in trains]
                 for g, trains in spikes.items()}
    out = {}
    for label, idx in condition_groups(trials).items():
        out[label] = {}
        for g, cvs in per_trial.items():
            vals = np.concatenate([cvs[i] for i in idx]) if len(idx) else np.empty(0)
            vals = vals[np.isfinite(vals)]
            out[label][g] = float(vals.mean()) if vals.size else float("nan")
    return out


@METRICS.register('mean_rate_hz', summary='spikes per recorded neuron per second from the spike trains (stimulus, else measure)')
def mean_rate_hz(trials: Trials, activity: Activity, *, epoch: str | None = None) -> dict[str, dict[str, float]]:
    """Spikes per neuron per second in the epoch, from the spike trains of each spiking group.

    Unlike rate_hz (which averages the rate traces over all cells of a group), this counts
    only the recorded cells, the ones whose ISI CV and synchrony are reported.
    """
    spikes = _spiking(activity)
    t0, t1 = epoch_ms(trials, default_epoch(trials, epoch))
    if t1 <= t0:
        raise NotApplicable("empty epoch")
    counts = {g: np.array([np.count_nonzero((np.asarray(t) >= t0) & (np.asarray(t) < t1)) for _, t in trains])
              for g, trains in spikes.items()}
    return {label: {g: float(c[idx].sum() / (max(group_size(activity, g), 1) * len(idx) * (t1 - t0) * 1e-3))
                    for g, c in counts.items()}
            for label, idx in condition_groups(trials).items()}


def chi_of_counts(x: np.ndarray) -> float:
    """Golomb's synchrony chi = sqrt(var_t(mean_i x_i) / mean_i var_t(x_i)) of (n_neurons, n_bins) traces.

    1 for identical traces; about 1/sqrt(n_neurons) for independent ones. NaN when no cell varies.
    """
    single = x.var(axis=1).mean()
    if single <= 0:
        return float("nan")
    return float(np.sqrt(x.mean(axis=0).var() / single))


@METRICS.register('synchrony', summary='Golomb chi = sqrt(var(pop count) / mean single-cell variance), unsmoothed 1 ms spike counts (spiking only)')
def synchrony(trials: Trials, activity: Activity, *, epoch: str | None = None,
              bin_ms: float = DEFAULT_BIN_MS) -> dict[str, dict[str, float]]:
    """Population coherence chi (Golomb 2007; Brunel & Hakim 1999) of each spiking group, mean over trials.

    chi = sqrt(var(population count) / mean single-neuron count variance) of the recorded
    cells' spike counts in bin_ms bins (population_signal.binned_counts: the same unsmoothed
    counts whose sum is the population signal of gamma_power and oscillation_hz). chi depends on the bin and on the number N of cells
    (independent Poisson cells give about 1/sqrt(N), 0.045 for 500); it is 1 when all cells
    fire together.
    """
    spikes = _spiking(activity)
    t0, t1 = epoch_ms(trials, default_epoch(trials, epoch))
    if t1 - t0 < 2 * bin_ms:
        raise NotApplicable(f"epoch shorter than two {bin_ms} ms bins")
    per_trial = {g: np.array([chi_of_counts(binned_counts(ids, t, group_size(activity, g), t0, t1, bin_ms))
                              for ids, t in trains]) for g, trains in spikes.items()}
    out = {}
    for label, idx in condition_groups(trials).items():
        out[label] = {}
        for g, chi in per_trial.items():
            v = chi[idx][np.isfinite(chi[idx])]
            out[label][g] = float(v.mean()) if v.size else float("nan")
    return out


def peak_frequency_hz(signals: np.ndarray, dt_ms: float, fmin_hz: float = 2.0, window_ms: float = 1000.0,
                      df_hz: float = 0.1) -> float:
    """Frequency of the highest local maximum above fmin_hz of the trial-averaged Welch PSD.

    signals: (n_trials, n_steps).

    Segments of window_ms (or the whole signal), zero-padded to a df_hz grid so that the peak
    of a short segment is located finer than its 1000 / window_ms Hz resolution.
    NaN for constant signals.
    """
    x = np.atleast_2d(np.asarray(signals, dtype=float))
    n = x.shape[1]
    fs = 1000.0 / dt_ms
    nperseg = int(min(n, max(8, round(window_ms / dt_ms))))
    nfft = max(nperseg, int(2 ** np.ceil(np.log2(fs / df_hz))))
    f, p = welch(x, fs=fs, nperseg=nperseg, nfft=nfft, axis=-1)
    p = p.mean(axis=0)
    # only local maxima count: the falling flank of a slower component's main lobe
    # (Hann: +-2 / window wide) would otherwise win just above fmin_hz
    k = np.arange(1, f.size - 1)
    peaks = k[(f[k] > fmin_hz) & (p[k] >= p[k - 1]) & (p[k] >= p[k + 1]) & (p[k] > 0)]
    if not peaks.size:
        return float("nan")
    return float(f[peaks[np.argmax(p[peaks])]])


@METRICS.register('oscillation_hz', summary='peak frequency > 2 Hz of the Welch PSD of the unsmoothed population signal (1 ms spike counts, else rates; stimulus, else measure)')
def oscillation_hz(trials: Trials, activity: Activity, *, epoch: str | None = None, fmin_hz: float = 2.0,
                   window_ms: float = 1000.0, bin_ms: float = DEFAULT_BIN_MS) -> dict[str, dict[str, float]]:
    """Peak frequency (> fmin_hz) of the Welch PSD of each group's population signal in the epoch.

    The signal is sim.analysis.population_signal's: for spiking models the recorded cells'
    population spike count in bin_ms bins (unsmoothed; the peak is searched up to the
    Nyquist frequency 500 / bin_ms Hz), otherwise the rate trace the model returned. Only
    meaningful where the PSD has a clear peak: an asynchronous state gives a noisy,
    arbitrary value.
    """
    sig = population_signal(trials, activity, default_epoch(trials, epoch), bin_ms)
    if sig.nyquist_hz <= fmin_hz:
        raise NotApplicable(f"signal sampled every {sig.dt_ms:g} ms: Nyquist {sig.nyquist_hz:g} Hz <= fmin {fmin_hz:g} Hz")
    return {label: {g: peak_frequency_hz(x[idx], sig.dt_ms, fmin_hz, window_ms) for g, x in sig.signals.items()}
            for label, idx in condition_groups(trials).items()}

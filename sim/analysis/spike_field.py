"""Spike-field coherence of a spiking population (docs/reference.md row 11).

Fries, Reynolds, Rorie & Desimone 2001 (Science 291:1560) measured the
coherence of each V4 spike train with the local field: with attention it rose
in the gamma band and fell below 17 Hz. Here the field of cell i is the summed
spikes of the OTHER cells of its population (a cell's own spikes would lock it
to itself), on 1 ms bins, and the evoked response is removed: the
trial-averaged field (and, for the coherence, each cell's trial-averaged train)
of the trials of one condition label is subtracted from each trial, so what
remains is the oscillation not locked to the stimulus.

Two readings, each with a trial-shuffled floor (the spikes of trial k against
the field of trial k + 1 of the same label: same rates and evoked response, no
common oscillation):

- ``sfc_<band>``: magnitude-squared coherence, the measure of Fries et al.
  2001 and of ``elephant.sta.spike_field_coherence`` (scipy.signal.coherence):

      C_i(f) = |sum_{k,s} X_iks(f) conj(F_iks(f))|^2 / (sum |X_iks(f)|^2  sum |F_iks(f)|^2)

  X, F: Fourier transforms of Hann-windowed, mean-removed segments s (Welch,
  window_ms long, half overlap) of the train of cell i and of its field on
  trial k. Averaged over the band's frequencies and over cells. Its value
  depends on the firing rate and the number of spikes (Lepage, Kramer & Eden
  2011, Neural Comput 23:3144): at low rates the train's shot noise bounds it.
  Compare it with its floor, not across rates.
- ``ppc_<band>``: pairwise phase consistency PPC1 (Vinck et al. 2010,
  NeuroImage 51:112; Vinck et al. 2012, J Comput Neurosci 33:53), the
  squared spike-field phase locking without the bias of the spike count:

      A_k(f, t)  = sum_u F_k(u) w_f(u - t) exp(-i 2 pi f (u - t))   (Hann w_f, 5 cycles, 3 below 30 Hz)
      z_j        = A(f, t_j) / |A(f, t_j)|                          (spike j of cell i, trial k_j)
      PPC1_i(f)  = sum_{j, l: k_j != k_l} Re(z_j conj z_l) / #{such pairs}

  Averaged over cells with spikes on at least two trials, at each frequency of
  the band (every 5 Hz in gamma, every 4 Hz below 17 Hz); the band's value is
  the largest of these (the locking at the band's peak: off the peak the field's
  phase is noise, and the share of such frequencies in a band average would
  depend on the rate). Its expectation is |E z|^2: for a rate 1 + m cos(phase)
  it is (m / 2)^2 at any rate, spike count or population size, as long as the
  field's phase is well estimated (enough cells x rate: with m = 0.6, 0.09 reads
  0.079-0.088 from 150 cells at 10 Hz to 400 at 60 Hz, 0.062 from 60 cells at
  5 Hz). The rate-independent reading.

Bands: gamma 35-90 Hz and low (below 17 Hz, from 4 Hz: the lowest frequency a
few cycles of a 0.5 s epoch resolve), as in Fries et al. 2001.
"""
from __future__ import annotations

import numpy as np
from scipy.signal import fftconvolve
from scipy.signal.windows import hann

from attnsim.analysis.conditions import condition_groups
from attnsim.analysis.population_signal import population_count
from attnsim.analysis.sensory import sensory_view
from attnsim.analysis.windows import NotApplicable, epoch_ms, group_size
from attnsim.models.activity import Activity
from attnsim.registries import METRICS
from attnsim.tasks.trials import Trials

GAMMA_BAND_HZ = (35.0, 90.0)
LOW_BAND_HZ = (4.0, 17.0)
BANDS = {"gamma": GAMMA_BAND_HZ, "low": LOW_BAND_HZ}
WINDOW_MS = 200.0
PPC_STEP_HZ = {"gamma": 5.0, "low": 4.0}
MAX_CELLS = 200          # cells per group entering the measure (the first ones, by id)


def _segments(x: np.ndarray, nperseg: int) -> np.ndarray:
    """FFT of Hann-windowed, mean-removed half-overlapping segments: (..., T) -> (..., n_seg, n_freq)."""
    step = nperseg // 2
    n_seg = 1 + (x.shape[-1] - nperseg) // step
    idx = np.arange(nperseg)[None, :] + step * np.arange(n_seg)[:, None]
    seg = x[..., idx]
    seg = seg - seg.mean(axis=-1, keepdims=True)
    return np.fft.rfft(seg * hann(nperseg, sym=False), axis=-1)


def pooled_coherence(x, y, fs: float, nperseg: int) -> tuple[np.ndarray, np.ndarray]:
    """Magnitude-squared coherence of x and y pooled over trials (axis -2) and Welch segments.

    x, y: (..., n_trials, T). Returns (f, C) with C (..., n_freq). On one trial this is
    scipy.signal.coherence (Hann, half overlap, constant detrend), so elephant.sta's
    spike_field_coherence.
    """
    x, y = np.asarray(x, float), np.asarray(y, float)
    nperseg = int(min(nperseg, x.shape[-1]))
    fx, fy = _segments(x, nperseg), _segments(y, nperseg)
    sxy = (fx * fy.conj()).sum(axis=(-3, -2))
    sxx = (np.abs(fx) ** 2).sum(axis=(-3, -2))
    syy = (np.abs(fy) ** 2).sum(axis=(-3, -2))
    with np.errstate(invalid="ignore", divide="ignore"):
        c = np.abs(sxy) ** 2 / (sxx * syy)
    return np.fft.rfftfreq(nperseg, 1.0 / fs), c


def _cell_coherence(trains, n_cells: int, t0: float, t1: float, bin_ms: float, nperseg: int,
                    shuffle: bool, chunk: int = 32) -> tuple[np.ndarray, np.ndarray]:
    """(f, C (n_cells, n_freq)): each cell's train against the others' summed trains, evoked removed.

    trains: one (ids, times) per trial. Cells are processed `chunk` at a time (memory: trials x
    chunk x segments x frequencies). Shuffle: the field of trial k + 1.
    """
    n_bins = int(np.floor((t1 - t0) / bin_ms + 1e-9))
    nperseg = int(min(nperseg, n_bins))
    per_trial = []
    for ids, t in trains:
        ids, t = np.asarray(ids, np.int64), np.asarray(t, float)
        b = np.floor((t - t0) / bin_ms).astype(np.int64)
        keep = (b >= 0) & (b < n_bins) & (ids < n_cells)
        per_trial.append((ids[keep], b[keep]))
    pop = np.stack([np.bincount(b, minlength=n_bins)[:n_bins] for _, b in per_trial]).astype(float)
    pop -= pop.mean(axis=0, keepdims=True)                  # evoked: the trial-averaged field
    f_pop = _segments(pop, nperseg)[:, None]                # (n_tr, 1, n_seg, n_f)
    out = []
    for c0 in range(0, n_cells, chunk):
        c1 = min(n_cells, c0 + chunk)
        X = np.zeros((len(per_trial), c1 - c0, n_bins))
        for k, (ids, b) in enumerate(per_trial):
            sel = (ids >= c0) & (ids < c1)
            np.add.at(X[k], (ids[sel] - c0, b[sel]), 1.0)
        X -= X.mean(axis=0, keepdims=True)                  # evoked: each cell's trial-averaged train
        fx = _segments(X, nperseg)
        ff = f_pop - fx                                     # the others' field, by linearity
        if shuffle:
            ff = np.roll(ff, 1, axis=0)
        sxy = (fx * ff.conj()).sum(axis=(0, 2))
        sxx = (np.abs(fx) ** 2).sum(axis=(0, 2))
        syy = (np.abs(ff) ** 2).sum(axis=(0, 2))
        with np.errstate(invalid="ignore", divide="ignore"):
            out.append(np.abs(sxy) ** 2 / (sxx * syy))
    return np.fft.rfftfreq(nperseg, bin_ms / 1000.0), np.concatenate(out, axis=0)


def _kernel(f_hz: float, bin_ms: float) -> np.ndarray:
    """g(v) = w(v) exp(i 2 pi f v), Hann w of 5 cycles (3 below 30 Hz), odd length, centred, w(0) = 1."""
    cycles = 5.0 if f_hz >= 30 else 3.0
    half = int(round(cycles / f_hz * 1000.0 / bin_ms / 2))
    v = np.arange(-half, half + 1)
    w = 0.5 * (1 + np.cos(np.pi * v / (half + 1)))
    return w * np.exp(2j * np.pi * f_hz * v * bin_ms / 1000.0)


def _ppc1(z: np.ndarray, cell: np.ndarray, trial: np.ndarray, n_cells: int, n_trials: int) -> np.ndarray:
    """PPC1 of each cell (Vinck et al. 2012): spike pairs from different trials only; NaN with < 2 trials."""
    key = cell * n_trials + trial
    zr = np.bincount(key, weights=z.real, minlength=n_cells * n_trials).reshape(n_cells, n_trials)
    zi = np.bincount(key, weights=z.imag, minlength=n_cells * n_trials).reshape(n_cells, n_trials)
    cnt = np.bincount(key, minlength=n_cells * n_trials).reshape(n_cells, n_trials).astype(float)
    tot = zr.sum(1) ** 2 + zi.sum(1) ** 2 - (zr ** 2 + zi ** 2).sum(1)
    pairs = cnt.sum(1) ** 2 - (cnt ** 2).sum(1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where((cnt > 0).sum(1) >= 2, tot / pairs, np.nan)


def _own_terms(g: np.ndarray, key: np.ndarray, b: np.ndarray) -> np.ndarray:
    """sum over spikes l of the same (cell, trial) key of g(b_l - b_j), for each spike j (sorted by key, b)."""
    half = g.size // 2
    own = np.full(b.size, g[half], dtype=complex)
    k = 1
    while k < b.size:
        same = (key[k:] == key[:-k]) & (b[k:] - b[:-k] <= half)
        if not same.any():
            break
        j = np.flatnonzero(same)
        lag = b[j + k] - b[j]
        own[j] += g[half + lag]              # spike j+k seen from spike j
        own[j + k] += g[half - lag]
        k += 1
    return own


def _ppc_band(field: np.ndarray, spikes, n_cells: int, freqs, bin_ms: float, shuffle: bool) -> float:
    """Mean over cells and frequencies of PPC1 of spikes (cell, trial, bin) with the others' field."""
    cell, trial, b = spikes
    n_tr = field.shape[0]
    key = cell * n_tr + trial
    vals = []
    for f in freqs:
        g = _kernel(f, bin_ms)
        a = np.stack([fftconvolve(field[k], g, mode="same") for k in range(n_tr)])
        if shuffle:
            phase = a[(trial + 1) % n_tr, b]
        else:
            phase = a[trial, b] - _own_terms(g, key, b)
        z = phase / np.maximum(np.abs(phase), 1e-300)
        vals.append(_ppc1(z, cell, trial, n_cells, n_tr))
    v = np.nanmean(np.asarray(vals), axis=1) if np.isfinite(vals).any() else np.full(len(vals), np.nan)
    return float(np.nanmax(v)) if np.isfinite(v).any() else float("nan")


def _group_measures(trains, n_cells: int, t_trial: float, t0: float, t1: float, bin_ms: float,
                    window_ms: float) -> dict[str, float]:
    n_tr = len(trains)
    n_cells = min(n_cells, MAX_CELLS)
    # field over the whole trial (so the PPC windows near the epoch's edges see data), evoked removed
    field = np.stack([population_count(np.asarray(ids)[np.asarray(ids) < n_cells],
                                       np.asarray(t)[np.asarray(ids) < n_cells], 0.0, t_trial, bin_ms)
                      for ids, t in trains])
    field -= field.mean(axis=0, keepdims=True)
    # spikes in the epoch, sorted by (cell, trial, bin)
    cells, trs, bins = [], [], []
    for k, (ids, t) in enumerate(trains):
        ids, t = np.asarray(ids, np.int64), np.asarray(t, float)
        keep = (t >= t0) & (t < t1) & (ids < n_cells)
        cells.append(ids[keep])
        trs.append(np.full(int(keep.sum()), k))
        bins.append(np.floor(t[keep] / bin_ms).astype(np.int64))
    cell, trial, b = (np.concatenate(v) if v else np.zeros(0, np.int64) for v in (cells, trs, bins))
    b = np.minimum(b, field.shape[1] - 1)
    order = np.lexsort((b, trial, cell))
    spikes = (cell[order], trial[order], b[order])
    nperseg = int(round(window_ms / bin_ms))
    out = {}
    for shuffle, tag in ((False, ""), (True, "_floor")):
        f, c = _cell_coherence(trains, n_cells, t0, t1, bin_ms, nperseg, shuffle)
        for band, (lo, hi) in BANDS.items():
            sel = (f >= lo) & (f <= hi)
            out[f"sfc_{band}{tag}"] = float(np.nanmean(c[:, sel])) if sel.any() else float("nan")
            step = PPC_STEP_HZ[band]
            freqs = np.arange(np.ceil(lo / step) * step, hi + 1e-9, step)
            out[f"ppc_{band}{tag}"] = _ppc_band(field, spikes, n_cells, freqs, bin_ms, shuffle)
    out["n_cells"] = float(n_cells)
    return out


@METRICS.register('spike_field_coherence', summary='spike-field coherence of each cell with the summed spikes of the '
                  'other cells of its group, evoked response removed, 35-90 Hz and 4-17 Hz: <group>/sfc_gamma, '
                  'sfc_low (magnitude-squared, as Fries et al. 2001), <group>/ppc_gamma, ppc_low (PPC1, rate-'
                  'independent), each with a trial-shuffled *_floor (spiking only, row 11)')
def spike_field_coherence(trials: Trials, activity: Activity, *, epoch: str = "stimulus", bin_ms: float = 1.0,
                          window_ms: float = WINDOW_MS, groups: list[str] | None = None,
                          labels: list[str] | None = None) -> dict[str, dict[str, float]]:
    """Spike-field coherence and PPC of each spiking group, per condition label (module docstring).

    Returns {label: {"<group>/<key>": value}} with keys sfc_gamma, sfc_low, ppc_gamma, ppc_low,
    each with *_floor (trial-shuffled), and n_cells (cells used: the first MAX_CELLS by id).
    groups: the spiking groups to measure (default: the sensory pair, `sim.analysis.sensory`;
    docs/reference.md row 11 is about V4 neurons). Labels with fewer than 3 trials are left out;
    labels: only these condition labels (default all; each label costs one pass over its trials).
    Defined on spike trains only: a model with rates only (an ANN's hidden units) is n/a.
    Raises NotApplicable without spike trains, without a sensory population (default groups;
    never the decision pools' coherence), when the sensory groups have no spike trains, or
    with an epoch shorter than window_ms.
    """
    if not activity.spikes:
        raise NotApplicable("spike_field_coherence needs spike trains")
    t0, t1 = epoch_ms(trials, epoch)
    if t1 - t0 < window_ms:
        raise NotApplicable(f"epoch {epoch!r} ({t1 - t0:g} ms) shorter than the {window_ms:g} ms window")
    if groups is None:
        view = sensory_view(trials, activity)
        trials, activity = view.trials, view.activity
        groups = list(activity.sensory_pair())
        if any(g not in activity.spikes for g in groups):
            raise NotApplicable(f"spike_field_coherence needs spike trains of the sensory groups {groups}; "
                                f"spike trains are of {sorted(activity.spikes)}")
    t_trial = trials.n_steps * trials.dt_ms
    out = {}
    for label, idx in condition_groups(trials).items():
        if idx.size < 3 or (labels is not None and label not in labels):
            continue
        res = {}
        for g in groups:
            trains = [activity.spikes[g][i] for i in idx]
            for k, v in _group_measures(trains, group_size(activity, g), t_trial, t0, t1, bin_ms, window_ms).items():
                res[f"{g}/{k}"] = v
        out[label] = res
    return out

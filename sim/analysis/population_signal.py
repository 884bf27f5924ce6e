"""The population signal of a group: what the oscillation metrics take a spectrum of.

`gamma_power`, `oscillation_hz` and `synchrony` are all computed from this signal, never
from a model's display-smoothed rate traces: a boxcar of w ms has a transfer function
sin(pi f w) / (pi f w) with zeros at f = k / w (20, 40, 60 Hz for w = 50 ms, 50, 100 Hz for
20 ms), inside the gamma band, so a spectrum of smoothed rates reports the filter.

- Spiking models (Activity.spikes holds the group): the population spike count of the
  recorded cells in bins of `bin_ms` (default 1 ms, fixed: independent of the model's
  recording step), divided by (cells x bin) so that it reads in Hz per cell:

      x[k] = #{spikes of the group in [t0 + k b, t0 + (k + 1) b)} / (N_group * b)

  Only the groups with spike trains are returned for a spiking model (a rate trace of
  such a model may be smoothed).
- Other models: the group's mean rate (or hidden-state) trace as the model returned it,
  sampled every Activity.dt_ms.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from attnsim.models.activity import Activity
from attnsim.analysis.windows import NotApplicable, epoch_ms, epoch_steps, group_size
from attnsim.tasks.trials import Trials

DEFAULT_BIN_MS = 1.0


@dataclass(frozen=True)
class PopulationSignal:
    """signals: group -> (n_trials, n_samples) float; dt_ms: sample step; source: "spikes" or "rates"."""

    signals: dict[str, np.ndarray]
    dt_ms: float
    source: str

    @property
    def nyquist_hz(self) -> float:
        return 500.0 / self.dt_ms


def has_spike_trains(activity: Activity) -> bool:
    return bool(activity.spikes)


def binned_counts(ids, times, n_neurons: int, t0: float, t1: float, bin_ms: float) -> np.ndarray:
    """(n_neurons, n_bins) spike counts of one trial in bins of bin_ms from t0 (n_bins = floor((t1 - t0) / bin_ms))."""
    n_bins = int(np.floor((t1 - t0) / bin_ms + 1e-9))
    ids, times = np.asarray(ids, dtype=np.int64), np.asarray(times, dtype=float)
    b = np.floor((times - t0) / bin_ms).astype(np.int64)
    keep = (b >= 0) & (b < n_bins) & (ids < n_neurons)
    out = np.zeros((n_neurons, n_bins))
    np.add.at(out, (ids[keep], b[keep]), 1.0)
    return out


def population_count(ids, times, t0: float, t1: float, bin_ms: float) -> np.ndarray:
    """(n_bins,) spike count of all cells of one trial in bins of bin_ms from t0."""
    n_bins = int(np.floor((t1 - t0) / bin_ms + 1e-9))
    b = np.floor((np.asarray(times, dtype=float) - t0) / bin_ms).astype(np.int64)
    b = b[(b >= 0) & (b < n_bins)]
    return np.bincount(b, minlength=n_bins)[:n_bins].astype(float)


def population_signal(trials: Trials, activity: Activity, epoch: str,
                      bin_ms: float = DEFAULT_BIN_MS) -> PopulationSignal:
    """Each group's population signal in `epoch` (see the module docstring).

    Raises NotApplicable when the epoch is missing or holds fewer than 8 samples.
    """
    if has_spike_trains(activity):
        if not bin_ms > 0:
            raise ValueError(f"bin_ms must be > 0, got {bin_ms}")
        t0, t1 = epoch_ms(trials, epoch)
        if (t1 - t0) / bin_ms < 8:
            raise NotApplicable(f"epoch {epoch!r} shorter than 8 bins of {bin_ms:g} ms")
        out = {}
        for g, trains in activity.spikes.items():
            scale = 1.0 / (max(group_size(activity, g), 1) * bin_ms * 1e-3)
            out[g] = np.stack([population_count(ids, t, t0, t1, bin_ms) for ids, t in trains]) * scale
        return PopulationSignal(out, float(bin_ms), "spikes")
    win = epoch_steps(trials, activity, epoch)
    if win.stop - win.start < 8:
        raise NotApplicable(f"epoch {epoch!r} shorter than 8 samples of {activity.dt_ms:g} ms")
    out = {g: activity.rates[:, win, s].mean(axis=2) for g, s in activity.groups.items()}
    return PopulationSignal(out, float(activity.dt_ms), "rates")

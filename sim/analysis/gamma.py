"""Gamma-band power of a group's population rate (Welch PSD)."""
from __future__ import annotations

import numpy as np
from scipy.signal import welch

from models.activity import Activity
from sim.analysis.conditions import condition_groups
from sim.analysis.windows import epoch_steps
from sim.tasks.trials import Trials


def band_fraction(signals: np.ndarray, dt_ms: float, band_hz=(30.0, 80.0), window_ms: float = 250.0) -> float:
    """Fraction of the (trial-averaged) Welch power of (n_trials, n_steps) signals in `band_hz`.

    The mean is removed (Welch's constant detrend) and the 0 Hz bin left out of
    the total, so a constant offset does not count as power. Segments of
    `window_ms` (or the whole signal if shorter) set the ~1000/window_ms Hz resolution.
    """
    signals = np.atleast_2d(np.asarray(signals, dtype=float))
    n = signals.shape[1]
    fs = 1000.0 / dt_ms
    if n < 8 or fs / 2 <= band_hz[0]:
        return float("nan")
    nperseg = int(min(n, max(8, round(window_ms / dt_ms))))
    f, p = welch(signals, fs=fs, nperseg=nperseg, axis=-1)
    p = p.mean(axis=0)
    pos = f > 0
    total = p[pos].sum()
    if total <= 0:
        return float("nan")
    in_band = pos & (f >= band_hz[0]) & (f <= band_hz[1])
    return float(p[in_band].sum() / total)


def gamma_power(trials: Trials, activity: Activity, *, epoch: str = "stimulus", band_hz=(30.0, 80.0),
                window_ms: float = 250.0) -> dict[str, dict[str, float]]:
    """Relative gamma power (30-80 Hz / all > 0 Hz) of each group's population rate in the epoch.

    Not applicable ({}) when the recording is too coarse to see the band (Nyquist below 30 Hz).
    """
    win = epoch_steps(trials, activity, epoch)
    if win.stop - win.start < 8 or 500.0 / activity.dt_ms <= band_hz[0]:
        return {}
    pop = {g: activity.rates[:, win, s].mean(axis=2) for g, s in activity.groups.items()}
    return {label: {g: band_fraction(x[idx], activity.dt_ms, band_hz, window_ms) for g, x in pop.items()}
            for label, idx in condition_groups(trials).items()}

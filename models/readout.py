"""Decision readout shared by every family: first threshold crossing, else the larger rate."""
from __future__ import annotations

import numpy as np

STIM_CHANNELS = ("stim_A", "stim_B")


def stimulus_onset_index(inputs: np.ndarray, channels: tuple[str, ...]) -> np.ndarray:
    """(n_trials,) first input step where any stimulus channel is on (n_steps if never)."""
    idx = [channels.index(c) for c in STIM_CHANNELS if c in channels]
    on = (inputs[:, :, idx] > 0).any(axis=2)
    first = np.where(on.any(axis=1), on.argmax(axis=1), inputs.shape[1])
    return first


def threshold_readout(rate_a: np.ndarray, rate_b: np.ndarray, dt_ms: float,
                      onset_index: np.ndarray, threshold: float,
                      end_index: np.ndarray | int | None = None):
    """Choice and reaction time from two (n_trials, n_steps) rate traces.

    Choice is the trace that first reaches `threshold` at or after stimulus onset
    (reaction time counted from onset). Trials with no crossing take the larger
    mean rate over the last 10 % of the window before `end_index` (default: the
    end), with no reaction time. Indices are in units of the traces' dt.
    """
    n_trials, n_steps = rate_a.shape
    ends = np.full(n_trials, n_steps) if end_index is None else np.broadcast_to(end_index, (n_trials,))
    choice = np.full(n_trials, -1, dtype=int)
    rt = np.full(n_trials, np.nan)
    for i in range(n_trials):
        s, e = int(onset_index[i]), int(ends[i])
        if s >= e:
            continue
        a, b = rate_a[i, s:e], rate_b[i, s:e]
        cross_a = np.flatnonzero(a >= threshold)
        cross_b = np.flatnonzero(b >= threshold)
        ta = cross_a[0] if cross_a.size else np.inf
        tb = cross_b[0] if cross_b.size else np.inf
        if np.isfinite(min(ta, tb)):
            if ta == tb:  # both cross in the same sample (or are already above at onset): the higher one
                k = int(ta)
                choice[i] = -1 if a[k] == b[k] else (0 if a[k] > b[k] else 1)
            else:
                choice[i] = 0 if ta < tb else 1
            rt[i] = min(ta, tb) * dt_ms
        else:
            w = max(1, (e - s) // 10)
            ma, mb = a[-w:].mean(), b[-w:].mean()
            choice[i] = -1 if ma == mb else (0 if ma > mb else 1)
    return choice, rt

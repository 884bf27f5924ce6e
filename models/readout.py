"""Readouts shared by every family: the A/B decision (first threshold crossing, else the larger
rate) and the per-location yes/no judgment of dual-report tasks (`location_readout`)."""
from __future__ import annotations

import numpy as np

from attnsim.models.feature_channels import STIM_FEATURE_PREFIX

STIM_CHANNELS = ("stim_A", "stim_B")


def _stimulus_columns(channels: tuple[str, ...]) -> list[int]:
    """Indices of the stimulus channels: stim_A, stim_B and a ring's stim_f<k> (feature task)."""
    return [i for i, c in enumerate(channels) if c in STIM_CHANNELS
            or (c.startswith(STIM_FEATURE_PREFIX) and c[len(STIM_FEATURE_PREFIX):].isdigit())]


def stimulus_onset_index(inputs: np.ndarray, channels: tuple[str, ...]) -> np.ndarray:
    """(n_trials,) first input step where any stimulus channel is on (n_steps if never)."""
    idx = _stimulus_columns(tuple(channels))
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


def stimulus_window(inputs: np.ndarray, channels: tuple[str, ...]) -> tuple[int, int]:
    """(start, stop) input steps of the batch's stimulus epoch: first to last step where any trial
    has any stimulus channel on. Batch-wide because a trial may show nothing (a blank at both
    locations of a dual-report task) while sharing its epochs with the others; (0, 0) if none."""
    idx = _stimulus_columns(tuple(channels))
    on = (np.asarray(inputs)[:, :, idx] > 0).any(axis=(0, 2))
    if not on.any():
        return 0, 0
    steps = np.flatnonzero(on)
    return int(steps[0]), int(steps[-1]) + 1


def location_readout(inputs: np.ndarray, channels: tuple[str, ...], dt_ms: float, rate_a: np.ndarray,
                     rate_b: np.ndarray, rate_dt_ms: float, criterion: float | None):
    """Independent yes/no judgment per location (dual-report tasks), from each location's own group.

    evidence[:, k] = mean of location k's rate trace (rate_a, rate_b: (n_trials, n_bins) sampled
    every `rate_dt_ms`) over the stimulus window (`stimulus_window`, converted to bins);
    report[:, k] = 1 if evidence > criterion else 0. One criterion for both locations and every
    condition (a yes/no observer with a fixed criterion; Macmillan & Creelman 2005, ch. 2).
    Without a window or a criterion (None) the reports are -1 (none); evidence is NaN without
    a window. Returns (reports (n, 2) int, evidence (n, 2) float).
    """
    n = rate_a.shape[0]
    start, stop = stimulus_window(inputs, channels)
    b0 = min(int(np.ceil(start * dt_ms / rate_dt_ms - 1e-9)), rate_a.shape[1])
    b1 = min(int(np.ceil(stop * dt_ms / rate_dt_ms - 1e-9)), rate_a.shape[1])
    reports = np.full((n, 2), -1, dtype=int)
    if b1 <= b0:
        return reports, np.full((n, 2), np.nan)
    evidence = np.stack([np.asarray(rate_a)[:, b0:b1].mean(axis=1), np.asarray(rate_b)[:, b0:b1].mean(axis=1)], axis=1)
    if criterion is not None and np.isfinite(criterion):
        reports = (evidence > criterion).astype(int)
    return reports, evidence


def location_fields(inputs, channels, dt_ms: float, rate_a, rate_b, rate_dt_ms: float,
                    criterion: float | None) -> dict:
    """`location_readout` as the Activity keyword arguments location_reports / location_evidence."""
    reports, evidence = location_readout(np.asarray(inputs), tuple(channels), dt_ms, rate_a, rate_b,
                                         rate_dt_ms, criterion)
    return {"location_reports": reports, "location_evidence": evidence}

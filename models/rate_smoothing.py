"""Causal boxcar smoothing of binned spike counts (or rates) into firing rates.

Bins of width dt = ``bin_ms``; window of w = max(1, round(window_ms / dt)) bins. The smoothed
value at bin k uses bins k-w+1 .. k only (no look-ahead, so a threshold readout on it is
causal). Two estimators differ in the first w-1 bins, where fewer than w bins exist:

    start="available":  r_k = sum_{j=max(0, k-w+1)}^{k} n_j / (min(k+1, w) dt)
    start="window":     r_k = sum_{j=max(0, k-w+1)}^{k} n_j / (w dt)

"available" averages the bins present (unbiased from the first bin, noisier there);
"window" treats bins before the trial as empty (zero padding, as np.convolve does), so the
rate ramps up over the first window. Both equal the plain boxcar from bin w-1 on.

Numerics (kept so that each caller's arrays stay bit-identical):
"available" is a running sum from one cumulative sum along the axis, then one division;
"window" is np.convolve of each 1-D slice with the constant kernel 1 / (w dt), truncated
to the input length (the full convolution's first n values).

Shapes: ``counts`` is any array; the window runs along ``axis``; the result has the same shape.
With per-cell counts (counts divided by the number of cells) the result is the mean rate per
cell in Hz. ``causal_boxcar_mean`` is the same window applied to values that are already rates
(no division by dt).
"""
from __future__ import annotations

import numpy as np

STARTS = ("available", "window")


def window_bins(window_ms: float, bin_ms: float) -> int:
    """Window length in bins: w = max(1, round(window_ms / bin_ms))."""
    return max(1, int(round(window_ms / bin_ms)))


def _boxcar(x, w: int, bin_ms: float | None, axis: int, start: str) -> np.ndarray:
    """Causal boxcar of x along axis, divided by (bins * bin_ms * 1e-3), or by bins if bin_ms is None."""
    if start not in STARTS:
        raise ValueError(f"start must be one of {STARTS}, got {start!r}")
    x = np.asarray(x, dtype=float)
    if start == "window":
        kernel = np.ones(w) / (w if bin_ms is None else w * bin_ms * 1e-3)
        return np.apply_along_axis(lambda r: np.convolve(r, kernel)[:r.size], axis, x)
    x = np.moveaxis(x, axis, -1)
    cs = np.cumsum(x, axis=-1)
    win = cs.copy()
    win[..., w:] -= cs[..., :-w]
    bins = np.minimum(np.arange(1, x.shape[-1] + 1), w)
    # (bins * bin_ms) * 1e-3, in this order: the callers' order of operations, so arrays stay identical
    width = bins if bin_ms is None else bins * bin_ms * 1e-3
    return np.moveaxis(win / width, -1, axis)


def causal_boxcar_rate(counts, window_ms: float, bin_ms: float, *, axis: int = -1,
                       start: str = "available") -> np.ndarray:
    """Rate in Hz from spike counts per bin: causal boxcar sum over w bins / (bins * bin_ms * 1e-3).

    Args:
        counts: spike counts per bin (per cell if already divided by the cell count), any shape.
        window_ms: boxcar length; w = max(1, round(window_ms / bin_ms)) bins.
        bin_ms: bin width dt.
        axis: the time axis.
        start: "available" divides the first w-1 bins by the bins present (min(k+1, w) dt),
            "window" by the full window w dt (zero padding before the trial).

    Returns:
        Array of counts' shape, in Hz.
    """
    return _boxcar(counts, window_bins(window_ms, bin_ms), bin_ms, axis, start)


def causal_boxcar_mean(values, window_ms: float, bin_ms: float, *, axis: int = -1,
                       start: str = "window") -> np.ndarray:
    """Causal running mean over w = max(1, round(window_ms / bin_ms)) bins of values already in
    rate units (e.g. a population rate in Hz per bin); same ``start`` options as causal_boxcar_rate."""
    return _boxcar(values, window_bins(window_ms, bin_ms), None, axis, start)

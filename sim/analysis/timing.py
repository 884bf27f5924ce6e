"""When attention acts: selection latency and persistence of the cued representation.

`selection_latency` tests the selective groups' responses bin by bin across
trials (docs/reference.md row 12); `persistence_time` works on
condition-averaged traces of the cued trials of a label.
"""
from __future__ import annotations

import math
import warnings

import numpy as np
from scipy.stats import wilcoxon

from attnsim.models.activity import Activity
from attnsim.analysis.conditions import condition_groups
from attnsim.analysis.population_signal import population_count
from attnsim.analysis.sensory import sensory_view
from attnsim.analysis.windows import epoch_ms, epoch_steps, group_size
from attnsim.tasks.trials import Trials
from attnsim.registries import METRICS


def _att_unatt(trials: Trials, activity: Activity) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(n_trials, n_steps) attended and unattended selective-group rates, and the cued mask."""
    ga, gb = activity.selective_groups
    ra, rb = activity.group_rate(ga), activity.group_rate(gb)
    att_idx = trials.attended_index()
    a_first = (att_idx == 0)[:, None]
    return np.where(a_first, ra, rb), np.where(a_first, rb, ra), att_idx >= 0


def first_sustained(mask: np.ndarray, n_min: int) -> int:
    """First index from which `mask` holds for n_min steps (or to the end if fewer remain); -1 if none."""
    n = mask.size
    n_min = max(1, n_min)
    c = np.concatenate([[0], np.cumsum(mask, dtype=np.int64)])
    start = np.arange(n)
    end = np.minimum(start + n_min, n)
    ok = np.flatnonzero(mask & (c[end] - c[start] == end - start))
    return int(ok[0]) if ok.size else -1


LATENCY_BIN_MS = 10.0
LATENCY_BASELINE_MS = 100.0
LATENCY_ALPHA = 0.05
LATENCY_N_CONSECUTIVE = 3


def binned_responses(trials: Trials, activity: Activity, group: str, t0_ms: float, t1_ms: float,
                     bin_ms: float) -> tuple[np.ndarray, float]:
    """(n_trials, n_bins) unsmoothed response of one group in bins of bin_ms from t0_ms, in Hz per cell.

    Spiking groups (Activity.spikes): population spike count per bin / (N cells x bin). Other
    groups: the mean of the group's rate samples in each bin, as the model returned them (a bin
    shorter than the recording step becomes one step). Returns the responses and the bin used.
    """
    if activity.spikes and group in activity.spikes:
        n_bins = int(np.floor((t1_ms - t0_ms) / bin_ms + 1e-9))
        scale = 1.0 / (max(group_size(activity, group), 1) * bin_ms * 1e-3)
        out = np.zeros((len(activity.spikes[group]), max(n_bins, 0)))
        for i, (_, times) in enumerate(activity.spikes[group]):
            out[i] = population_count(None, times, t0_ms, t0_ms + n_bins * bin_ms, bin_ms) * scale
        return out, float(bin_ms)
    per = max(1, int(round(bin_ms / activity.dt_ms)))
    start = int(round(t0_ms / activity.dt_ms))
    stop = min(activity.rates.shape[1], int(round(t1_ms / activity.dt_ms)))
    n_bins = max(0, (stop - start) // per)
    r = activity.group_rate(group)[:, start:start + n_bins * per]
    return r.reshape(r.shape[0], n_bins, per).mean(axis=2), per * float(activity.dt_ms)


@METRICS.register('selection_latency', summary='ms after array onset of the first of n_consecutive bins where '
                  'attended - unattended (pre-array baseline subtracted, unsmoothed counts) > 0 across trials, '
                  'Wilcoxon signed-rank p < alpha per bin (row 12)')
def selection_latency(trials: Trials, activity: Activity, *, epoch: str = "stimulus",
                      bin_ms: float = LATENCY_BIN_MS, baseline_ms: float = LATENCY_BASELINE_MS,
                      alpha: float = LATENCY_ALPHA, n_consecutive: int = LATENCY_N_CONSECUTIVE,
                      carried_lead_undefined: bool = True) -> dict[str, float]:
    """Selection latency: when the attended and unattended sensory responses diverge after array onset.

    The measure of Chelazzi et al. 1993 (Nature 363:345), 1998 (J Neurophysiol 80:2918) and
    2001 (Cereb Cortex 11:761), docs/reference.md row 12: the responses with the target and with
    the distractor in the receptive field are compared bin by bin across trials, and the
    latency is the first bin after array onset from which they differ. Here, on each cued trial
    i and bin k (width bin_ms, from the onset t0 of `epoch`):

        x_g[i, k]  = unsmoothed response of group g in bin k (`binned_responses`, Hz per cell)
        x'_g[i, k] = x_g[i, k] - mean of group g's response in [t0 - baseline_ms, t0) of trial i
        d[i, k]    = x'_attended[i, k] - x'_unattended[i, k]
        p[k]       = two-sided Wilcoxon signed-rank test of d[:, k] = 0 across trials (normal
                     approximation with tie correction; zero differences dropped)
        latency    = k* bin_ms, k* the first bin that starts n_consecutive bins with
                     p < alpha and mean d > 0 (attended above unattended)

    Subtracting each trial's pre-array baseline removes a lead the cue opened before the array
    (a baseline shift is not selection), and unsmoothed counts keep a smoothing kernel's delay
    out of the latency. The consecutive-bins criterion holds the chance of a false latency per
    start bin below (alpha / 2)^n_consecutive. Resolution: one bin.

    Read from the sensory pair only (`sim.analysis.sensory.sensory_view`; docs/reference.md
    row 12 is about IT and V4 neurons): "n/a: no sensory population" for a model without one,
    never the divergence of two decision pools. Defined on rates: spike counts per bin for
    spiking groups, the model's rate samples otherwise (an ANN's A- and B-preferring hidden
    units, classified on held-out trials; the latency is then measured on the other trials).

    A lead that is still GROWING at array onset (a cue-driven divergence that ramps through
    the array, as in an ANN whose hidden units integrate the cue) survives the baseline
    subtraction: every bin after onset is above the pre-array mean, and the latency would read
    0 ms. So the baseline is checked first (`rising_lead`): the lead (attended - unattended) in
    the second half of the baseline window against the first half, across trials (Wilcoxon
    signed-rank, p < alpha, growing). Where it grows, the divergence after onset cannot be told
    from the cue's, and the latency is NaN (undefined), not 0. Likewise where the responses
    differ from the first bin after onset while the lead in the last half of the baseline window
    is already significant (same test): that divergence is the cue's lead carried over the
    onset, not a selection the array caused.

    Returns {condition label: ms after onset} for labels with cued trials; NaN where the
    responses never diverge, where the lead still grows at onset (`rising_lead`), or with fewer
    than 6 trials (the signed-rank test cannot reach p < 0.05).
    Not applicable ({}) without a pre-array period or an epoch shorter than n_consecutive bins.
    """
    t0, t1 = epoch_ms(trials, epoch)
    b0 = max(0.0, t0 - baseline_ms)
    if t0 - b0 <= 0 or not bin_ms > 0:
        return {}
    view = sensory_view(trials, activity)
    trials, activity = view.trials, view.activity
    ga, gb = activity.sensory_pair()
    x, width = {}, bin_ms
    base = {}
    for g in (ga, gb):
        x[g], width = binned_responses(trials, activity, g, t0, t1, bin_ms)
        pre, _ = binned_responses(trials, activity, g, b0, t0, t0 - b0)
        if pre.shape[1] == 0:
            return {}
        base[g] = pre[:, 0]
    if x[ga].shape[1] < n_consecutive:
        return {}
    att_idx = trials.attended_index()
    a_first = (att_idx == 0)[:, None]
    rise = _lead_growth(trials, activity, t0, b0)
    xa, xb = x[ga] - base[ga][:, None], x[gb] - base[gb][:, None]
    d_all = np.where(a_first, xa, xb) - np.where(a_first, xb, xa)
    cued = att_idx >= 0
    out = {}
    for label, idx in condition_groups(trials).items():
        sel = idx[cued[idx]]
        if not sel.size:
            continue
        d = d_all[sel]
        if sel.size < 6:
            out[label] = float("nan")
            continue
        if rise is not None and _grows(rise[0][sel], alpha)[0]:
            out[label] = float("nan")
            continue
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            p = np.asarray(wilcoxon(d, axis=0, zero_method="wilcox", method="asymptotic").pvalue, float)
        sig = np.nan_to_num(p, nan=1.0) < alpha
        sig &= d.mean(axis=0) > 0
        i = first_sustained(sig, n_consecutive)
        # a run cut short by the epoch's end does not count
        if i >= 0 and i + n_consecutive > sig.size:
            i = -1
        if carried_lead_undefined and i == 0 and rise is not None and _grows(rise[1][sel], alpha)[0]:
            i = -1                  # the cue's lead carried over the onset
        out[label] = i * width if i >= 0 else float("nan")
    return out


def _lead_growth(trials: Trials, activity: Activity, t0: float, b0: float) -> tuple | None:
    """((n_trials,) growth, (n_trials,) level) of the lead (attended - unattended) over the baseline
    window [b0, t0): growth = its mean in the second half minus its mean in the first half, level =
    its mean in the second half, on unsmoothed responses of a sensory view; None where the window
    holds fewer than two bins."""
    ga, gb = activity.sensory_pair()
    half = (t0 - b0) / 2.0
    pre = {g: binned_responses(trials, activity, g, b0, t0, half)[0] for g in (ga, gb)}
    if pre[ga].shape[1] < 2:
        return None
    a_first = trials.attended_index() == 0
    lead = [np.where(a_first, pre[ga][:, k], pre[gb][:, k]) - np.where(a_first, pre[gb][:, k], pre[ga][:, k])
            for k in (0, pre[ga].shape[1] - 1)]
    return lead[1] - lead[0], lead[1]


def _grows(rise: np.ndarray, alpha: float) -> tuple[bool, float]:
    """(grows?, p): whether the lead's growth differs from 0 across trials (Wilcoxon signed-rank) and is > 0."""
    rise = rise[np.isfinite(rise)]
    if rise.size < 6 or not np.any(rise != 0):
        return False, 1.0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        p = float(wilcoxon(rise, zero_method="wilcox", method="asymptotic").pvalue)
    return bool(np.isfinite(p) and p < alpha and rise.mean() > 0), p


def rising_lead(trials: Trials, activity: Activity, *, label: str = "attended", epoch: str = "stimulus",
                baseline_ms: float = LATENCY_BASELINE_MS, alpha: float = LATENCY_ALPHA) -> str:
    """Why `selection_latency` has no value for `label`: "" unless the cue-driven lead still grows at
    array onset, or the responses differ from the first bin after onset with a significant lead
    before it; then a reason naming it and its p value. Reads the sensory view as
    selection_latency does."""
    t0, _ = epoch_ms(trials, epoch)
    b0 = max(0.0, t0 - baseline_ms)
    if t0 - b0 <= 0:
        return ""
    view = sensory_view(trials, activity)
    trials, activity = view.trials, view.activity
    rise = _lead_growth(trials, activity, t0, b0)
    idx = condition_groups(trials).get(label)
    if rise is None or idx is None:
        return ""
    sel = idx[trials.attended_index()[idx] >= 0]
    grows, p = _grows(rise[0][sel], alpha)
    if grows:
        return (f"n/a: the cue-driven lead of the attended sensory units still grows at array onset "
                f"(+{float(np.mean(rise[0][sel])):.2g} over the {baseline_ms:.0f} ms before it, Wilcoxon p "
                f"{p:.2g}), so a divergence after onset cannot be told from the cue's")
    led, p = _grows(rise[1][sel], alpha)
    if led and selection_latency(trials, activity, epoch=epoch, baseline_ms=baseline_ms, alpha=alpha,
                                 carried_lead_undefined=False).get(label) == 0.0:
        return (f"n/a: the attended sensory units lead already before the array (by {float(np.mean(rise[1][sel])):.2g}"
                f", Wilcoxon p {p:.2g}) and differ from the first bin after onset: the cue's lead carried over, "
                f"not a selection by the array")
    return ""


@METRICS.register('persistence_time', summary='ms after cue offset that the cued group stays elevated')
def persistence_time(trials: Trials, activity: Activity, *, cue_epoch: str = "cue", after_epoch: str = "delay",
                     baseline_epoch: str = "fixation", threshold_frac: float = 0.5,
                     min_duration_ms: float = 20.0) -> dict[str, float]:
    """ms after cue offset during which the cued group keeps its cue-evoked lead over the uncued one.

    On the condition-averaged traces, the lead is (cued - uncued) minus its
    baseline-epoch value; persistence ends when the lead falls below
    `threshold_frac` of its mean over the cue epoch (for min_duration_ms).
    Measuring against the uncued group, not the cued group's own baseline,
    keeps slow network-wide drifts (start-up transients, rising background
    rates) from passing for memory. The search runs to the end of `after_epoch`;
    a lead that never falls gets the full epoch length (a lower bound). NaN
    when the cue opens no lead. Not applicable ({}) without these epochs.
    """
    if not all(e in trials.epochs for e in (cue_epoch, after_epoch, baseline_epoch)):
        return {}
    cue_w, after_w = epoch_steps(trials, activity, cue_epoch), epoch_steps(trials, activity, after_epoch)
    base_w = epoch_steps(trials, activity, baseline_epoch)
    if min(cue_w.stop - cue_w.start, after_w.stop - after_w.start, base_w.stop - base_w.start) <= 0:
        return {}
    att, unatt, cued = _att_unatt(trials, activity)
    n_min = int(math.ceil(min_duration_ms / activity.dt_ms))
    t_cue_off = trials.epoch_ms(cue_epoch)[1]
    search = slice(cue_w.stop, after_w.stop)
    out = {}
    for label, idx in condition_groups(trials).items():
        sel = idx[cued[idx]]
        if not sel.size:
            continue
        trace = att[sel].mean(axis=0) - unatt[sel].mean(axis=0)
        base, level = trace[base_w].mean(), trace[cue_w].mean()
        if level <= base:
            out[label] = float("nan")
            continue
        thr = base + threshold_frac * (level - base)
        i = first_sustained(trace[search] < thr, n_min)
        n_search = search.stop - search.start
        i = n_search if i < 0 else i
        # from the cue offset in ms (the activity grid may not align with it exactly)
        out[label] = max(0.0, (search.start + i) * activity.dt_ms - t_cue_off)
    return out

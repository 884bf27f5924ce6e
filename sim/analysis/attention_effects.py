"""Attend-in versus attend-out: rate, Fano factor, variance and noise correlation.

With the same stimulus in the receptive field, attention to it (attend-in)
raises the rate (V4 median +26 %, V1 +8 %; McAdams & Maunsell 1999), leaves the
Fano factor unchanged (McAdams & Maunsell 1999) or lowers it slightly (Mitchell,
Sundberg & Reynolds 2007; Cohen & Maunsell 2009), and lowers the mean pairwise
noise correlation (about 0.065 -> 0.045, Cohen & Maunsell 2009 as re-analysed by
Kanashiro et al. 2017; docs/reference.md row 9).

On a selective task with equal contrasts (distractor_ratio 1) both selective
groups see the same stimulus on every cued trial, so for group X the trials
cueing X (attend-in) and those cueing the other group (attend-out) differ only
in the top-down cue. All within-cell statistics use the stimulus cells of
`sim.analysis.conditions.stimulus_cells` (trials with identical inputs), so no
stimulus variance counts as noise. Per group X, from stimulus-epoch spike
counts per neuron (estimators as in `sim.analysis.variability`):
  rate       mean count / epoch length (Hz), over all the side's trials,
  Fano       F = sum_c n_c F_c / sum_c n_c, F_c the mean over active neurons of
             var (ddof 1) / mean within cell c; cells with >= 2 trials,
  variance   the same trial-weighted mean of the mean count variance (ddof 1),
  noise corr mean pairwise Pearson r of counts z-scored within each cell with
             >= 3 trials and pooled.
Each in and out value is averaged over X = A, B first, and the ratios are formed
from those means (stable when single-group values are small).

Read from the SENSORY population only (`sim.analysis.sensory.sensory_view`: the model's
sensory pair, docs/reference.md rows 8 and 9): a model without one (the Wang 2002 and
Wong & Wang 2006 decision circuits, a plugin without roles) is "n/a: no sensory population",
never a number from its decision pools, whose winner-take-all rates measure which pool won.
Spike counts or rates. With spike trains of the sensory pair everything above is of spike
counts. A sensory population with rates only (an ANN's classified hidden units, a rate model's
sensory pools) has no counts: its Fano factor and count variance are undefined (fano_ratio and
variance_ratio NaN, `spike_counts` 0), and the other values are ON RATES, not the counts row 9
gives (its trial-to-trial variability is the network's own noise, sigma_rec and sigma_in):
  rate       per unit the stimulus-epoch mean response; the "rate" of a signed unit whose
             activity lies in [-1, 1] (tanh, GRU and LSTM hidden states) is the logistic rate
             r = (1 + h) / 2 in [0, 1]: tanh(x) = 2 sigma(2x) - 1, so a tanh unit is an affine
             image of a unit with the sigmoid rate function sigma(2x) of the firing-rate
             models (Dayan & Abbott 2001, sec. 7.2), whose rate is >= 0 and whose ratio
             in/out is a rate gain as McAdams & Maunsell 1999 define it. Non-negative
             activity is its own rate; signed activity outside [-1, 1] has no rate here
             (rate_change NaN): a ratio of signed values is no gain;
  noise corr mean pairwise Pearson r of the units' epoch-mean responses z-scored within each
             stimulus cell of >= 3 trials and pooled (the estimator of
             `sim.analysis.variability.noise_correlation_from_counts`, on rates); z-scoring
             makes it invariant to the affine map above.

Besides the values, "all" holds what entered: n_trials (cued trials; each is
attend-in for one group and attend-out for the other), n_cells (their stimulus
cells), n_cells_fano (cells with >= 2 trials, used for Fano and variance) and
n_cells_corr (cells with >= 3 trials, used for the noise correlation).
"""
from __future__ import annotations

import numpy as np

from attnsim.models.activity import Activity
from attnsim.models.base import channel_index
from attnsim.analysis.conditions import stimulus_cells
from attnsim.analysis.sensory import sensory_view
from attnsim.analysis.variability import (MIN_TRIALS_CORR, MIN_TRIALS_FANO, cell_counts, fano_within_cells,
                                      noise_correlation_from_counts, within_cells)
from attnsim.analysis.windows import NotApplicable, epoch_ms, epoch_steps, has_spikes, spike_counts
from attnsim.tasks.trials import Trials
from attnsim.registries import METRICS


def _equal_stimuli(trials: Trials, cued: np.ndarray) -> bool:
    s = trials.epochs["stimulus"]
    a = trials.inputs[cued, s, channel_index(trials.channels, "stim_A")].mean(axis=1)
    b = trials.inputs[cued, s, channel_index(trials.channels, "stim_B")].mean(axis=1)
    return bool(np.allclose(a, b, rtol=1e-9, atol=1e-12))


def _mean_variance(block: np.ndarray) -> float:
    """Mean over neurons of the count variance (ddof 1) of one cell's (n_trials, n_neurons) counts."""
    return float(np.mean(block.astype(float).var(axis=0, ddof=1)))


def condition_stats(counts: np.ndarray, cells: np.ndarray, duration_s: float, max_neurons: int = 400) -> dict:
    """Rate (Hz), Fano factor, mean count variance and noise correlation of (n_trials, n_neurons) counts.

    cells: (n_trials,) stimulus-cell ids; the last three are computed within cells (module docstring).
    """
    return {"rate_hz": float(counts.mean() / duration_s),
            "fano": fano_within_cells(counts, cells),
            "variance": within_cells(counts, cells, _mean_variance, MIN_TRIALS_FANO),
            "noise_corr": noise_correlation_from_counts(counts, cells, max_neurons)}


def logistic_rate(h: np.ndarray) -> np.ndarray | None:
    """The non-negative rate of an activity (module docstring): h itself when h >= 0 everywhere,
    (1 + h) / 2 when h is signed and within [-1, 1] (a tanh-range unit), None otherwise."""
    h = np.asarray(h, dtype=float)
    if h.size == 0 or np.nanmin(h) >= 0:
        return h
    if np.nanmin(h) >= -1.0 and np.nanmax(h) <= 1.0:
        return 0.5 * (1.0 + h)
    return None


def rate_responses(trials: Trials, activity: Activity, epoch: str = "stimulus") -> tuple[dict, dict]:
    """({group: (n_trials, n_units) epoch-mean response}, {group: the same as a rate >= 0, or NaN})
    of each sensory group of a rate-only activity (module docstring)."""
    win = epoch_steps(trials, activity, epoch)
    pair = activity.sensory_pair()
    h = {g: activity.rates[:, win, activity.groups[g]] for g in pair}
    both = logistic_rate(np.concatenate([h[g] for g in pair], axis=2))    # one map for the pair
    responses, rates, at = {}, {}, 0
    for g in pair:
        n = h[g].shape[2]
        responses[g] = h[g].mean(axis=1)
        rates[g] = np.full(responses[g].shape, np.nan) if both is None else both[:, :, at:at + n].mean(axis=1)
        at += n
    return responses, rates


def rate_condition_stats(responses: np.ndarray, rates: np.ndarray, cells: np.ndarray, max_neurons: int = 400) -> dict:
    """Rate and noise correlation of (n_trials, n_units) epoch-mean responses (module docstring);
    Fano factor and variance NaN (they need spike counts)."""
    nan = float("nan")
    return {"rate_hz": float(np.mean(rates)) if rates.size else nan, "fano": nan, "variance": nan,
            "noise_corr": noise_correlation_from_counts(responses, cells, max_neurons)}


@METRICS.register('attention_effects', summary='attend-in vs attend-out on equal stimuli: rate_change, fano_ratio, variance_ratio, noise_corr_in/out/change, within cells of identical stimulus; n_trials, n_cells, n_cells_fano, n_cells_corr; on rates (no Fano) for sensory populations without spikes')
def attention_effects(trials: Trials, activity: Activity, *, epoch: str = "stimulus",
                      max_neurons: int = 400) -> dict[str, dict[str, float]]:
    """{"all": {rate_change, fano_ratio, variance_ratio, noise_corr_in/out, noise_corr_change, ..., n_*}}.

    Spike counts where the sensory pair has spike trains, else rates (module docstring;
    "spike_counts" says which). Raises NotApplicable without a sensory population, with < 3
    attend_A or attend_B trials, or when the stimuli at A and B differ on cued trials.
    """
    view = sensory_view(trials, activity)
    trials, activity = view.trials, view.activity
    pair = activity.sensory_pair()
    missing = [g for g in pair if g not in (activity.spikes or {})]
    if has_spikes(activity) and missing:
        raise NotApplicable(f"attention_effects needs spike trains of the sensory groups; {missing} have none")
    on_rates = not has_spikes(activity)
    att = trials.attended_index()
    if not ((att == 0).sum() >= 3 and (att == 1).sum() >= 3):
        raise NotApplicable("attention_effects needs >= 3 attend_A and >= 3 attend_B trials")
    if "stimulus" not in trials.epochs or not _equal_stimuli(trials, att >= 0):
        raise NotApplicable("attention_effects needs equal stimuli at A and B (distractor_ratio 1)")
    t0, t1 = epoch_ms(trials, epoch)
    duration_s = (t1 - t0) * 1e-3
    cells = stimulus_cells(trials)
    cued = att >= 0
    n_fano, n_corr = cell_counts(cells[cued], MIN_TRIALS_FANO), cell_counts(cells[cued], MIN_TRIALS_CORR)
    stats = {"in": [], "out": []}
    if on_rates:
        responses, rate_of = rate_responses(trials, activity, epoch)
    for k, group in enumerate(pair):
        if on_rates:
            for side, sel in (("in", att == k), ("out", att == 1 - k)):
                stats[side].append(rate_condition_stats(responses[group][sel], rate_of[group][sel], cells[sel],
                                                        max_neurons))
            continue
        counts = spike_counts(activity, group, t0, t1)
        for side, sel in (("in", att == k), ("out", att == 1 - k)):
            stats[side].append(condition_stats(counts[sel], cells[sel], duration_s, max_neurons))
    mean = {side: {key: float(np.mean([s[key] for s in rows])) for key in rows[0]} for side, rows in stats.items()}
    i, o = mean["in"], mean["out"]

    def ratio(a, b):
        return a / b if b != 0 else float("nan")

    return {"all": {"rate_change": ratio(i["rate_hz"], o["rate_hz"]) - 1.0,
                    "fano_ratio": ratio(i["fano"], o["fano"]),
                    "variance_ratio": ratio(i["variance"], o["variance"]),
                    "noise_corr_in": i["noise_corr"], "noise_corr_out": o["noise_corr"],
                    "noise_corr_change": ratio(i["noise_corr"], o["noise_corr"]) - 1.0,
                    "rate_in_hz": i["rate_hz"], "rate_out_hz": o["rate_hz"],
                    "fano_in": i["fano"], "fano_out": o["fano"],
                    "spike_counts": 0 if on_rates else 1,
                    "n_trials": int(cued.sum()), "n_cells": n_fano["n_cells"] + n_fano["n_cells_dropped"],
                    "n_cells_fano": n_fano["n_cells"], "n_cells_corr": n_corr["n_cells"]}}

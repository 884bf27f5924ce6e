"""Biased competition for a pair of stimuli in one receptive field (docs/reference.md row 16).

With two stimuli in a cell's receptive field, one preferred and one poor, the response to the pair
lies between the responses to each alone, a weighted average; attending one of them moves the pair
response toward the response that stimulus evokes alone (Reynolds, Chelazzi & Desimone 1999,
J Neurosci 19:1736; Moran & Desimone 1985; Desimone & Duncan 1995).

Units: the tuned sensory units of `sim.analysis.ring_units.ring_units`, R_iu the mean rate of
unit u over the stimulus epoch of trial i. On a pair trial (stim_dir and pair_dir both given) a
unit takes part when its preferred direction lies within half a channel spacing of one member:
that member is its preferred stimulus P, the other its poor stimulus Q. Its single responses
R_P(u), R_Q(u) are its mean responses on the neutral single-stimulus trials showing P alone and Q
alone at the trial's contrast (attention away, as the reference of Reynolds et al. 1999). The
weight of the preferred stimulus in the pair response is

    w = sum (R_iu - R_Q(u)) / sum (R_P(u) - R_Q(u))          (ratio of sums over the (i, u))

so R_pair = w R_P + (1 - w) R_Q: w = 1 is the preferred response alone, 0 the poor one alone, and
the pair response lies between the two single responses when 0 <= w <= 1. w is computed per
attention state of the pair trials: "neutral" (no cue), "attend_pref" (the cue within half a
spacing of P), "attend_poor" (the cue at Q); a cue at neither member is left out. Summaries:

    weight_neutral, weight_attend_pref, weight_attend_poor
    shift_to_pref = weight_attend_pref - weight_neutral      (> 0: toward the attended P)
    shift_to_poor = weight_neutral - weight_attend_poor      (> 0: toward the attended Q)

Intervals: the 95 % percentile bootstrap over the trials within design cells
(`ring_units.design_cells`, `ring_units.bootstrap_stats`). Verdicts:
    average_verdict ("pass" / "fail" / "inconclusive", `rules.interval_inside` on [0, 1]): the
        neutral pair response is shown to lie between the single responses (inconclusive on an
        interval of zero width: a deterministic model's repeated trials do not vary);
    verdict: "toward the attended stimulus" (both shifts' intervals above 0), "toward the
        preferred only" / "toward the poor only" (one of them), "away from the attended stimulus"
        (an interval below 0), "none shown" (both hold 0), "inconclusive" (no interval, or one of
        zero width).
"""
from __future__ import annotations

import numpy as np

from attnsim.analysis import rules
from attnsim.analysis.feature_gain import _cells
from attnsim.analysis.ring_units import (N_BOOT, bootstrap_stats, ci, circ_dist, feature_labels, ring_units,
                                         zero_width)
from attnsim.analysis.windows import NotApplicable
from attnsim.models.activity import Activity
from attnsim.registries import METRICS
from attnsim.tasks.trials import Trials

STATES = ("neutral", "attend_pref", "attend_poor")


def pair_statistics(R, lab, pref, spacing, idx) -> dict[str, float]:
    """The weights and shifts of the module docstring on the trials `idx` of the measurement set."""
    R = R[idx]
    stim, pair, cue, con = lab.stim[idx], lab.pair[idx], lab.cue[idx], lab.contrast[idx]
    neutral, cued = lab.neutral[idx], lab.cued[idx]
    single = lab.single[idx] & np.isfinite(stim)
    ref = neutral & single
    half = spacing / 2.0 + 1e-9
    # neutral single means per (direction, contrast)
    key = np.round(stim, 6)
    cells = _cells(stim, con)
    means: dict[tuple, np.ndarray] = {}
    for c in np.unique(cells[ref]):
        sel = ref & (cells == c)
        j = np.flatnonzero(sel)[0]
        means[(key[j], _c(con[j]))] = R[sel].mean(axis=0)
    num = {s: 0.0 for s in STATES}
    den = {s: 0.0 for s in STATES}
    n_used = {s: 0 for s in STATES}
    is_pair = np.isfinite(stim) & np.isfinite(pair)
    for i in np.flatnonzero(is_pair):
        rp1, rp2 = means.get((key[i], _c(con[i]))), means.get((np.round(pair[i], 6), _c(con[i])))
        if rp1 is None or rp2 is None:
            continue
        for member, other, r_pref, r_poor in ((stim[i], pair[i], rp1, rp2), (pair[i], stim[i], rp2, rp1)):
            units = np.flatnonzero(circ_dist(pref, member) <= half)
            if not units.size:
                continue
            if neutral[i]:
                state = "neutral"
            elif cued[i] and circ_dist(cue[i], member) <= half:
                state = "attend_pref"
            elif cued[i] and circ_dist(cue[i], other) <= half:
                state = "attend_poor"
            else:
                continue
            num[state] += float(np.sum(R[i, units] - r_poor[units]))
            den[state] += float(np.sum(r_pref[units] - r_poor[units]))
            n_used[state] += units.size
    w = {s: num[s] / den[s] if n_used[s] and den[s] > 0 else float("nan") for s in STATES}
    return {"weight_neutral": w["neutral"], "weight_attend_pref": w["attend_pref"],
            "weight_attend_poor": w["attend_poor"], "shift_to_pref": w["attend_pref"] - w["neutral"],
            "shift_to_poor": w["neutral"] - w["attend_poor"]}


def _c(x: float) -> float:
    return round(float(x), 9) if np.isfinite(x) else -1.0


def competition_verdict(pref_ci, poor_ci) -> tuple[str, str]:
    """(verdict, reason) from the intervals of shift_to_pref and shift_to_poor (module docstring)."""
    if pref_ci is None or poor_ci is None:
        return "inconclusive", "no interval"
    if zero_width(pref_ci) or zero_width(poor_ci):
        return "inconclusive", "zero-width interval: the trials do not vary (a deterministic model)"
    ups = [iv[0] > 0 for iv in (pref_ci, poor_ci)]
    downs = [iv[1] < 0 for iv in (pref_ci, poor_ci)]
    why = f"shift_to_pref [{pref_ci[0]:.3g}, {pref_ci[1]:.3g}], shift_to_poor [{poor_ci[0]:.3g}, {poor_ci[1]:.3g}]"
    if any(downs):
        return "away from the attended stimulus", why
    if all(ups):
        return "toward the attended stimulus", why
    if ups[0]:
        return "toward the preferred only", why
    if ups[1]:
        return "toward the poor only", why
    return "none shown", why


@METRICS.register("pair_competition", summary="row 16, a pair in one receptive field: weight of the preferred "
                  "stimulus in the pair response (0 = poor alone, 1 = preferred alone) without attention and "
                  "attending either member, shift_to_pref, shift_to_poor; 95 % bootstrap *_ci_lo/hi; "
                  "average_verdict, verdict; option n_boot")
def pair_competition(trials: Trials, activity: Activity, *, n_boot: int = N_BOOT, bootstrap_seed: int = 0) -> dict:
    """Biased competition of the tuned sensory units (module docstring).

    Returns {"all": {weight_neutral, weight_attend_pref, weight_attend_poor, shift_to_pref,
    shift_to_poor, each with _ci_lo/_ci_hi; n_units, n_boot_used; average_verdict, average_reason,
    verdict, verdict_reason, units}}. NotApplicable without pair trials or tuned sensory units.
    """
    units = ring_units(trials, activity)
    lab = feature_labels(units.trials)
    if not np.any(np.isfinite(lab.pair) & np.isfinite(lab.stim)):
        raise NotApplicable("pair_competition needs pair trials (pair_dir given)")
    R = units.epoch_mean("stimulus")
    stat = lambda idx: pair_statistics(R, lab, units.pref_deg, units.spacing_deg, idx)   # noqa: E731
    out = bootstrap_stats(units.trials, stat, n_boot=n_boot, seed=bootstrap_seed)
    if not np.isfinite(out["weight_neutral"]) and not np.isfinite(out["weight_attend_pref"]):
        raise NotApplicable("pair_competition: no unit prefers a member of a pair with both single responses "
                            "measured on neutral trials")
    out["n_units"] = float(units.pref_deg.size)
    w_ci = ci(out, "weight_neutral")
    out["average_verdict"], out["average_reason"] = (
        (rules.INCONCLUSIVE, "zero-width interval: the trials do not vary (a deterministic model)")
        if zero_width(w_ci) else rules.interval_inside(w_ci, (0.0, 1.0)))
    out["verdict"], out["verdict_reason"] = competition_verdict(ci(out, "shift_to_pref"), ci(out, "shift_to_poor"))
    out["units"] = units.source
    return {"all": out}

"""Feature-similarity gain and the multiplicative scaling of tuning curves (docs/reference.md row 15).

Feature-based attention to a direction changes the response of a direction-tuned cell by a gain
that depends on the similarity of the attended direction to the cell's preferred one: up when
they match, down when they are opposite, graded in between, whatever stimulus is shown
(feature-similarity gain; Treue & Martinez-Trujillo 1999, Nature 399:575; a spiking model of
it: Ardid, Wang & Compte 2007, J Neurosci 27:8486). Attention scales tuning curves
multiplicatively without changing their width (McAdams & Maunsell 1999, J Neurosci 19:431).

Units: the tuned sensory units of `sim.analysis.ring_units.ring_units` (a ring model's
`sens_f<k>` pools, or an ANN's direction-tuned hidden units, tuned on held-out trials). For each
unit u, R_iu is its mean rate over the stimulus epoch of trial i. Only single-stimulus trials
enter (pair_dir NaN; pairs are row 16, `pair_competition`).

Modulation (attended versus neutral, same stimulus): N_u(s) is the mean of R_iu over the neutral
trials of stimulus cell s (stimulus direction x contrast), and S_u = mean_s |N_u(s)| the unit's
mean neutral response (its mean rate for rates >= 0). On each cued trial i with cell s_i,

    m_iu = (R_iu - N_u(s_i)) / S_u,        d_iu = |cue_i - pref_u| on the circle, in [0, 180] deg,

and the modulation at difference d is the mean of m_iu over the (i, u) with d_iu in the bin
centred on d (bins of one channel spacing: 0, 45, ..., 180 deg for 8 directions; keys mod_d<d>).
Summaries:

    similarity_effect  = mod(d = 0) - mod(d = 180)      (> 0: feature-similarity gain)
    slope_per_180deg   = 180 x the least-squares slope of m on d over every (i, u)   (< 0 for it)

Tuning curves: the population tuning curve, aligned on each unit's preferred direction and folded
(|stimulus - pref_u| in [0, 180]: a direction-tuned cell's curve is symmetric, and a task whose cue
offsets are one-sided covers one side only), of the cued trials whose cue lies within half a
channel spacing of the unit's preference ("attend preferred") and of the neutral trials:
T_att(x), T_neu(x), the mean of R_iu / S_u over the (i, u) with |stimulus - pref_u| in the bin
centred on x (one spacing per bin; keys tuning_att_x<x>, tuning_neu_x<x>). Fitted across directions by least squares,

    T_att(x) = g T_neu(x) + b            (multiplicative: g != 1, b = 0; additive: g = 1, b != 0)

with b in units of the mean neutral response S. width_ratio = HWHM(T_att) / HWHM(T_neu), the
half-widths at half height of each folded curve above its minimum (linear interpolation between
bins): 1 when attention does not change the tuning width.

Intervals: the 95 % percentile bootstrap (Efron & Tibshirani 1993, ch. 13) over the measurement
trials, resampled within condition x single/pair x contrast x the cue's offset from the stimulus
(neutral trials: within their direction; `ring_units.design_cells`), every statistic recomputed
per resample (`ring_units.bootstrap_stats`). Over seeds (a claim about the circuit), each seed's
estimate enters `bootstrap.hierarchical` through the expectations of a sweep with `seeds:`
(docs/reference.md, "How a scenario uses a row", point 4), or `over_seeds` here.

Verdicts (`attnsim.analysis.rules.excludes`):
    verdict:          "feature-similarity gain" (the similarity effect's interval lies above 0),
                      "reversed" (below 0), "none shown" (holds 0), "inconclusive" (no interval
                      or one of zero width: a deterministic model's trials do not vary);
    scaling_verdict:  "multiplicative" (g excludes 1, b holds 0), "additive" (b excludes 0, g holds
                      1), "both", "neither", "inconclusive".
"""
from __future__ import annotations

import numpy as np

from attnsim.analysis import rules
from attnsim.analysis.bootstrap import Bootstrap, hierarchical
from attnsim.analysis.ring_units import (N_BOOT, bootstrap_stats, ci, circ_dist, feature_labels,
                                         ring_units, zero_width)
from attnsim.analysis.windows import NotApplicable
from attnsim.models.activity import Activity
from attnsim.registries import METRICS
from attnsim.tasks.trials import Trials


def _cells(stim: np.ndarray, contrast: np.ndarray) -> np.ndarray:
    """(n,) integer id of each trial's stimulus cell (direction x contrast)."""
    key = np.stack([np.round(stim, 6), np.where(np.isfinite(contrast), np.round(contrast, 9), -1.0)], axis=1)
    return np.unique(key, axis=0, return_inverse=True)[1].reshape(-1)


def neutral_reference(R: np.ndarray, cells: np.ndarray, neutral: np.ndarray):
    """(N (n_cells, n_units) neutral mean per cell, NaN where none; S (n_units,) mean |N| over cells)."""
    n_cells = int(cells.max()) + 1 if cells.size else 0
    N = np.full((n_cells, R.shape[1]), np.nan)
    for c in np.unique(cells[neutral]):
        N[c] = R[neutral & (cells == c)].mean(axis=0)
    with np.errstate(all="ignore"):
        S = np.nanmean(np.abs(N), axis=0) if n_cells else np.full(R.shape[1], np.nan)
    S = np.where(np.isfinite(S) & (S > 0), S, np.nan)
    return N, S


def _bin_centres(step: float, lo: float, hi: float) -> np.ndarray:
    return np.arange(int(round(lo / step)), int(round(hi / step)) + 1) * step


def _hwhm(curve: np.ndarray, step: float) -> float:
    """Half-width at half height above the minimum of a folded tuning curve (bins 0, step, ... deg from
    the preferred direction), by linear interpolation between bins; NaN without a finite peak above it."""
    if curve.size < 2 or not np.all(np.isfinite(curve)):
        return float("nan")
    c = curve - curve.min()
    half = c[0] / 2.0
    if not c[0] > 0:
        return float("nan")
    for k in range(1, c.size):
        if c[k] <= half:
            return float(step * (k - 1 + (c[k - 1] - half) / (c[k - 1] - c[k])))
    return float(step * (c.size - 1))


def feature_statistics(R, lab, pref, spacing, idx) -> dict[str, float]:
    """Every number of the module docstring on the trials `idx` (a resample) of the measurement set."""
    R = R[idx]
    single = lab.single[idx] & np.isfinite(lab.stim[idx])
    neutral = lab.neutral[idx] & single
    cued = lab.cued[idx] & single
    stim, cue = lab.stim[idx], lab.cue[idx]
    cells = _cells(stim, lab.contrast[idx])
    N, S = neutral_reference(R, cells, neutral)
    out: dict[str, float] = {}
    # modulation vs attended - preferred
    centres = _bin_centres(spacing, 0.0, 180.0)
    ia = np.flatnonzero(cued)
    M = (R[ia] - N[cells[ia]]) / S if ia.size and N.size else np.zeros((0, R.shape[1]))
    D = circ_dist(cue[ia][:, None], pref[None, :]) if ia.size else np.zeros((0, R.shape[1]))
    k = np.rint(D / spacing).astype(int)
    ok = np.isfinite(M)
    for j, c in enumerate(centres):
        sel = ok & (k == j)
        out[f"mod_d{c:g}"] = float(M[sel].mean()) if sel.any() else float("nan")
    out["similarity_effect"] = out[f"mod_d{centres[0]:g}"] - out[f"mod_d{centres[-1]:g}"]
    d, m = D[ok], M[ok]
    out["slope_per_180deg"] = (180.0 * float(np.cov(d, m, bias=True)[0, 1] / np.var(d))
                               if d.size > 2 and np.var(d) > 0 else float("nan"))
    # tuning curves over |stimulus - preferred| (folded: a direction-tuned cell's curve is symmetric)
    X = np.rint(circ_dist(stim[:, None], pref[None, :]) / spacing).astype(int)
    Rn = R / S
    near = circ_dist(cue[:, None], pref[None, :]) <= spacing / 2.0 + 1e-9
    att_curve, neu_curve = np.full(centres.size, np.nan), np.full(centres.size, np.nan)
    for j, x in enumerate(centres):
        sa = cued[:, None] & near & (X == j) & np.isfinite(Rn)
        sn = neutral[:, None] & (X == j) & np.isfinite(Rn)
        att_curve[j] = Rn[sa].mean() if sa.any() else np.nan
        neu_curve[j] = Rn[sn].mean() if sn.any() else np.nan
        out[f"tuning_att_x{x:g}"] = float(att_curve[j])
        out[f"tuning_neu_x{x:g}"] = float(neu_curve[j])
    both = np.isfinite(att_curve) & np.isfinite(neu_curve)
    if both.sum() >= 3 and np.var(neu_curve[both]) > 0:
        g, b = np.polyfit(neu_curve[both], att_curve[both], 1)
    else:
        g = b = float("nan")
    out["gain"], out["offset"] = float(g), float(b)
    wa, wn = _hwhm(att_curve, spacing), _hwhm(neu_curve, spacing)
    out["hwhm_att_deg"], out["hwhm_neu_deg"] = wa, wn
    out["width_ratio"] = wa / wn if np.isfinite(wa) and np.isfinite(wn) and wn > 0 else float("nan")
    return out


def _sign_verdict(iv, positive: str, negative: str, none: str) -> tuple[str, str]:
    if iv is None:
        return "inconclusive", "no interval"
    if zero_width(iv):
        return "inconclusive", "zero-width interval: the trials do not vary (a deterministic model)"
    outcome, why = rules.excludes(iv, 0.0)
    if outcome != rules.PASS:
        return none, why
    return (positive if iv[0] > 0 else negative), why


def scaling_verdict(g_ci, b_ci) -> tuple[str, str]:
    """(verdict, reason) of the tuning-curve fit: which of gain and offset the intervals show."""
    if g_ci is None or b_ci is None:
        return "inconclusive", "no interval"
    if zero_width(g_ci) or zero_width(b_ci):
        return "inconclusive", "zero-width interval: the trials do not vary (a deterministic model)"
    g_out, g_why = rules.excludes(g_ci, 1.0)
    b_out, b_why = rules.excludes(b_ci, 0.0)
    name = {(True, False): "multiplicative", (False, True): "additive", (True, True): "both",
            (False, False): "neither"}[(g_out == rules.PASS, b_out == rules.PASS)]
    return name, f"gain: {g_why}; offset: {b_why}"


def feature_gain_result(trials: Trials, activity: Activity, *, n_boot: int = N_BOOT, bootstrap_seed: int = 0,
                        seed: int = 0) -> dict:
    """The flat result of the module docstring for one run (the metric's "all" entry)."""
    units = ring_units(trials, activity, seed=seed)
    lab = feature_labels(units.trials)
    single = lab.single & np.isfinite(lab.stim)
    if not (lab.cued & single).any() or not (lab.neutral & single).any():
        raise NotApplicable("feature_gain needs cued and neutral single-stimulus trials")
    R = units.epoch_mean("stimulus")
    stat = lambda idx: feature_statistics(R, lab, units.pref_deg, units.spacing_deg, idx)   # noqa: E731
    out = bootstrap_stats(units.trials, stat, n_boot=n_boot, seed=bootstrap_seed)
    out["n_units"] = float(units.pref_deg.size)
    out["spacing_deg"] = float(units.spacing_deg)
    out["verdict"], out["verdict_reason"] = _sign_verdict(ci(out, "similarity_effect"), "feature-similarity gain",
                                                          "reversed", "none shown")
    out["scaling_verdict"], out["scaling_reason"] = scaling_verdict(ci(out, "gain"), ci(out, "offset"))
    out["units"] = units.source
    return out


@METRICS.register("feature_gain", summary="row 15, feature-task sensory units: modulation (attended - neutral, "
                  "same stimulus) by |attended - preferred| (mod_d<deg>), similarity_effect = mod(0) - mod(180), "
                  "slope_per_180deg, tuning fit attended = gain x neutral + offset, width_ratio; 95 % bootstrap "
                  "*_ci_lo/hi; verdict, scaling_verdict; option n_boot")
def feature_gain(trials: Trials, activity: Activity, *, n_boot: int = N_BOOT, bootstrap_seed: int = 0) -> dict:
    """Feature-similarity gain and tuning-curve scaling of the tuned sensory units (module docstring).

    Returns {"all": {...}}: mod_d<d> per bin of |cue - preferred| (deg), similarity_effect,
    slope_per_180deg, tuning_att_x<x> / tuning_neu_x<x> (the aligned tuning curves, in units of the
    mean neutral response), gain, offset, hwhm_att_deg, hwhm_neu_deg, width_ratio, each with
    <key>_ci_lo and <key>_ci_hi (NaN with n_boot = 0); n_units, spacing_deg, n_boot_used; verdict,
    verdict_reason, scaling_verdict, scaling_reason, units (strings). NotApplicable ("n/a: no
    sensory population ...") for a model without tuned sensory units, or a task without directions.
    """
    return {"all": feature_gain_result(trials, activity, n_boot=n_boot, bootstrap_seed=bootstrap_seed)}


def over_seeds(per_seed: list[dict], key: str, *, n_boot: int = N_BOOT, seed: int = 0) -> Bootstrap:
    """The mean of `key` over per-seed results (one `feature_gain_result`, or any flat result, per
    network or training seed) and its interval over seeds (`bootstrap.hierarchical`: seeds resampled,
    expanded for few seeds; with one seed, that seed's trial interval is not available here, so the
    Bootstrap has no replicates)."""
    parts = []
    for r in per_seed:
        v = r.get(key)
        est = float(v) if v is not None and np.isfinite(v) else None
        parts.append(Bootstrap(est, np.zeros(0), int(r.get("n_trials", 0) or 0), 0))
    return hierarchical(parts, n_boot=n_boot, seed=seed)

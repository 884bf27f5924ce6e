"""Capacity cost of divided attention on the dual-report design (docs/reference.md row 10).

Design (sim/tasks/dual_report.py): on every trial each location L in {A, B}
independently holds a target or not, and the observer gives an independent
yes/no report at each location (`Activity.location_reports`, 1 present,
0 absent, -1 none). The cue is whole on one location (focused_A, focused_B) or
split (divided).

Measures, per contrast ("all" and "@<contrast>" when there are several):

- d_single_L: yes/no d' = Z(H) - Z(F) at L on focused trials cueing L
  (sim/analysis/dprime.py; Macmillan & Creelman 2005, ch. 2);
  d_dual_L: the same on divided trials; d_single, d_dual: their means over
  the locations measured in both.
- ratio = d_dual / d_single (pooled over locations), with a 95 % percentile
  bootstrap interval `ratio_ci_lo/hi` and standard error `ratio_se`: trials
  are resampled with replacement within each condition x presence-pattern cell
  (the four patterns of presence at A and B), so every resample keeps the
  design's counts (Efron & Tibshirani 1993, ch. 13).
- d_uncued_L: the same at L on focused trials cueing the OTHER location (L
  uncued); d_uncued: their mean; benefit = d_single - d_uncued (pooled over
  the locations measured in both), with its 95 % interval `benefit_ci_lo/hi`
  from the same resamples: the attention effect on sensitivity (the cueing
  benefit of a detection task, Posner 1980; Bashinski & Bacharach 1980).
- p_single: fraction of correct reports at the cued location on focused
  trials; p_dual: fraction of correct reports at both locations on divided trials.
- Predictions for the ratio (Sperling & Melchner 1978; Shaw 1980; White,
  Palmer & Boynton 2018):
  unlimited capacity 1; fixed capacity (sample size, equal split) 1/sqrt(2);
  all-or-none serial: one location is attended, the other guessed at chance,
  so P_dual = (P_single + 0.5) / 2, and with unbiased yes/no responding
  d' = 2 Z(P) gives the ratio Z((P_single + 0.5) / 2) / Z(P_single)
  (0.46 at P_single 0.8, 0.41 at 0.9).
- verdict (`capacity_verdict`, also the scorecard's): "ceiling" or "floor"
  (below) first; then an attention
  effect on sensitivity must exist: rule `excludes` of `attnsim.analysis.rules`
  on the benefit's interval (it must lie above 0). Without one the verdict is
  "no attention effect on sensitivity" (outcome inconclusive): a model whose d'
  ignores the cue reads a ratio of 1 whatever its capacity, so no capacity
  model can be named (the divided/focused comparison of row 10 presumes that
  attending changes sensitivity). Then
  the prediction the interval identifies, "unlimited", "fixed" or
  "serial", by rule `identifies` of `attnsim.analysis.rules` (the one
  implementation expectations and the scorecard use): the interval contains that
  prediction and excludes the other two, and is no wider than the distance from
  that prediction to its nearest rival (row 10 of docs/reference.md: an interval
  wider than 1 - 1/sqrt(2) = 0.29, `MAX_WIDTH`, cannot separate unlimited from
  fixed capacity; fixed and serial lie about 0.25 apart at P_single 0.8);
  "ceiling" (p_single > 0.95) or "floor" (p_single < 0.6), where
  d' ratios say nothing and the ratio and its interval are left undefined; else
  "inconclusive" (no interval included). `outcome` is the rule's outcome in the
  shared vocabulary: "pass" when a prediction is identified, "fail" when the
  interval excludes all three, else "inconclusive"; `verdict_reason` says why. `n_per_condition_needed`
  extrapolates, from the bootstrap standard error at the current trials per
  condition (SE ~ 1/sqrt(n)), the trials per condition at which the 95 %
  interval's half-width is half the gap between the prediction nearest the
  estimate and its nearest rival, so that an interval centred on either
  excludes the other (row 10 quotes SE ~ 2.4/sqrt(n) at P ~ 0.8).
  In a scenario, check the ratio with sim/expectations.py's rule `identifies`
  (prediction and rivals stated in the file); the verdict string is not a
  number to bootstrap (inside that bootstrap capacity_cost runs without its own
  interval, so every replicate would read "inconclusive").
- neuro_d_single, neuro_d_dual, neuro_ratio: the criterion-free version from
  `location_evidence` (the decision variable behind each report):
  (m_present - m_absent) / sqrt((var_present + var_absent) / 2) per location,
  same conditions, same pooling.

The single-choice `divided` task (one A/B choice per trial) is not the design
these bounds assume (row 10): capacity_cost is not applicable there, and its
focused-trial cueing numbers are `cueing_effect` (sim/analysis/cueing.py).
"""
from __future__ import annotations

import math

import numpy as np
from scipy.special import ndtri

from attnsim.models.activity import Activity
from attnsim.analysis import rules
from attnsim.analysis.dprime import LOCATIONS, dprime_yes_no, is_dual_report
from attnsim.analysis.windows import NotApplicable
from attnsim.tasks.trials import Trials
from attnsim.registries import METRICS

FOCUSED = ("focused_A", "focused_B")
FIXED = 1.0 / math.sqrt(2.0)
N_BOOT = 1000
CEILING, FLOOR = 0.95, 0.6
Z95 = 1.959963984540054
MAX_WIDTH = 1.0 - FIXED   # row 10: wider than 1 - 1/sqrt(2) cannot separate unlimited from fixed capacity
NO_EFFECT = "no attention effect on sensitivity"


def serial_ratio(p_single: float) -> float:
    """d'_dual / d'_single of the all-or-none serial model: Z((P + 0.5) / 2) / Z(P) (unbiased yes/no)."""
    if not (0.5 < p_single < 1.0):
        return float("nan")
    return float(ndtri((p_single + 0.5) / 2.0) / ndtri(p_single))


def predictions(p_single: float) -> dict[str, float]:
    """The three capacity models' predicted ratio d'_dual / d'_single."""
    return {"unlimited": 1.0, "fixed": FIXED, "serial": serial_ratio(p_single)}


def neurometric_dprime(present, absent) -> float:
    """(mean_p - mean_a) / sqrt((var_p + var_a) / 2); NaN with < 2 trials per side or no variance."""
    p, a = np.asarray(present, float), np.asarray(absent, float)
    p, a = p[np.isfinite(p)], a[np.isfinite(a)]
    if p.size < 2 or a.size < 2:
        return float("nan")
    sd = math.sqrt((p.var(ddof=1) + a.var(ddof=1)) / 2.0)
    # no trial-to-trial variability (a deterministic network on noise-free inputs leaves only
    # rounding, ~1e-16 of the mean): sensitivity is undefined, not a number to compare
    scale = max(abs(p.mean()), abs(a.mean()), np.finfo(float).tiny)
    return float((p.mean() - a.mean()) / sd) if sd > 1e-9 * scale else float("nan")


def _ratio(dual: float, single: float) -> float:
    return dual / single if math.isfinite(single) and single > 0 and math.isfinite(dual) else float("nan")


def _point(idx_f: dict, idx_d: np.ndarray, reports, evidence, presence) -> dict[str, float]:
    """d' single/dual per location and pooled, ratios, P single/dual on the given trial indices."""
    out, singles, duals, nsingles, nduals, uncued, benefits = {}, [], [], [], [], [], []
    for k, loc in enumerate(LOCATIONS):
        def yes_no(idx):
            sig, noise = idx[presence[idx, k] == 1], idx[presence[idx, k] == 0]
            return dprime_yes_no(int((reports[sig, k] == 1).sum()), sig.size,
                                 int((reports[noise, k] == 1).sum()), noise.size)

        def neuro(idx):
            if evidence is None:
                return float("nan")
            return neurometric_dprime(evidence[idx[presence[idx, k] == 1], k], evidence[idx[presence[idx, k] == 0], k])
        f = idx_f[FOCUSED[k]]
        s, d, u = yes_no(f), yes_no(idx_d), yes_no(idx_f[FOCUSED[1 - k]])
        ns, nd = neuro(f), neuro(idx_d)
        out.update({f"d_single_{loc}": s, f"d_dual_{loc}": d, f"d_uncued_{loc}": u, f"ratio_{loc}": _ratio(d, s),
                    f"neuro_d_single_{loc}": ns, f"neuro_d_dual_{loc}": nd})
        if math.isfinite(s) and math.isfinite(d):
            singles.append(s)
            duals.append(d)
        if math.isfinite(s) and math.isfinite(u):
            benefits.append(s - u)
            uncued.append(u)
        if math.isfinite(ns) and math.isfinite(nd):
            nsingles.append(ns)
            nduals.append(nd)
    mean = (lambda v: float(np.mean(v)) if v else float("nan"))
    d_single, d_dual = mean(singles), mean(duals)
    nd_single, nd_dual = mean(nsingles), mean(nduals)
    cued = np.concatenate([np.column_stack([i, np.full(i.size, k)]) for k, i in
                           enumerate(idx_f[c] for c in FOCUSED)]) if idx_f else np.zeros((0, 2), int)
    p_single = float(np.mean(reports[cued[:, 0], cued[:, 1]] == presence[cued[:, 0], cued[:, 1]])) \
        if cued.size else float("nan")
    p_dual = float(np.mean(reports[idx_d] == presence[idx_d])) if idx_d.size else float("nan")
    out.update({"d_single": d_single, "d_dual": d_dual, "ratio": _ratio(d_dual, d_single),
                "d_uncued": mean(uncued), "benefit": mean(benefits),
                "neuro_d_single": nd_single, "neuro_d_dual": nd_dual, "neuro_ratio": _ratio(nd_dual, nd_single),
                "p_single": p_single, "p_dual": p_dual})
    return out


def _resample(idx: np.ndarray, cell: np.ndarray, rng) -> np.ndarray:
    """Trials drawn with replacement within each presence-pattern cell of idx."""
    parts = [rng.choice(c, size=c.size) for v in np.unique(cell[idx]) if (c := idx[cell[idx] == v]).size]
    return np.concatenate(parts) if parts else idx


def _interval(values: list[float], n_boot: int) -> tuple[float, float, float]:
    v = np.asarray(values, float)
    v = v[np.isfinite(v)]
    if not n_boot or v.size < 0.9 * n_boot:
        return float("nan"), float("nan"), float("nan")
    lo, hi = np.percentile(v, [2.5, 97.5])
    return float(lo), float(hi), float(v.std(ddof=1))


def attention_effect(benefit_ci) -> tuple[str, str]:
    """Is there an attention effect on sensitivity? (outcome, reason) of rule `excludes` on the
    interval of d'_single - d'_uncued: pass when it lies above 0 (the cue raises d' at the cued
    location over the uncued one), inconclusive when it holds 0, fail when it lies below 0."""
    return rules.excludes(benefit_ci, 0.0, (0.0, math.inf))


def capacity_verdict(ratio_ci, p_single: float, benefit_ci) -> dict:
    """The capacity verdict of one interval (module docstring), in the shared vocabulary.

    ratio_ci: (lo, hi) of d'_dual / d'_single; p_single: P correct at the cued location on
    focused trials (the serial prediction and the ceiling/floor checks); benefit_ci: (lo, hi) of
    d'_single - d'_uncued. Order: no P single -> inconclusive; ceiling or floor -> that word;
    no attention effect on sensitivity (`attention_effect` not pass) -> "no attention effect on
    sensitivity", outcome inconclusive (a ratio of 1 from a model whose sensitivity ignores the cue
    says nothing about capacity); else rule `identify` over the three predictions.
    Returns {verdict, outcome, verdict_reason, unlimited/fixed/serial_prediction}.
    """
    pred = predictions(p_single) if p_single is not None and math.isfinite(p_single) else \
        {"unlimited": 1.0, "fixed": FIXED, "serial": float("nan")}
    out = {"unlimited_prediction": pred["unlimited"], "fixed_prediction": pred["fixed"],
           "serial_prediction": pred["serial"], "verdict": "inconclusive", "outcome": rules.INCONCLUSIVE,
           "verdict_reason": ""}
    if p_single is None or not math.isfinite(p_single):
        out["verdict_reason"] = "no P single"
        return out
    if p_single > CEILING or p_single < FLOOR:
        out["verdict"] = "ceiling" if p_single > CEILING else "floor"
        out["verdict_reason"] = f"P single {p_single:.3g}: d' ratios say nothing at {out['verdict']}"
        return out
    effect, why = attention_effect(benefit_ci)
    if effect != rules.PASS:
        out["verdict"] = NO_EFFECT
        out["verdict_reason"] = f"d' focused - d' uncued: {why}; a capacity model needs the cue to change sensitivity"
        return out
    outcome, name, why = rules.identify(ratio_ci, pred)
    out.update({"outcome": outcome, "verdict_reason": why})
    if outcome == rules.PASS:
        out["verdict"] = name
    return out


def _verdict(ratio: float, lo: float, hi: float, se: float, p_single: float, n_per_cond: float,
             benefit_ci=None) -> dict:
    out = {**capacity_verdict((lo, hi), p_single, benefit_ci), "n_per_condition_needed": float("nan")}
    if out["verdict"] != "inconclusive":
        return out
    pred = predictions(p_single)
    if math.isfinite(ratio) and math.isfinite(se) and se > 0:
        values = {k: v for k, v in pred.items() if math.isfinite(v)}
        nearest = min(values, key=lambda k: abs(values[k] - ratio))
        gap = min(abs(values[nearest] - v) for k, v in values.items() if k != nearest)
        se_needed = gap / 2.0 / Z95
        out["n_per_condition_needed"] = float(math.ceil(n_per_cond * (se / se_needed) ** 2))
    return out


def _dual_capacity(idx_f: dict, idx_d, reports, evidence, presence, cell, n_boot: int, seed: int) -> dict:
    out = _point(idx_f, idx_d, reports, evidence, presence)
    rng = np.random.default_rng(seed)
    draws, ndraws, bdraws = [], [], []
    for _ in range(n_boot):
        f = {c: _resample(i, cell, rng) for c, i in idx_f.items()}
        b = _point(f, _resample(idx_d, cell, rng), reports, evidence, presence)
        draws.append(b["ratio"])
        ndraws.append(b["neuro_ratio"])
        bdraws.append(b["benefit"])
    lo, hi, se = _interval(draws, n_boot)
    nlo, nhi, nse = _interval(ndraws, n_boot)
    blo, bhi, _ = _interval(bdraws, n_boot)
    n_per_cond = float(np.mean([i.size for i in list(idx_f.values()) + [idx_d]]))
    verdict = _verdict(out["ratio"], lo, hi, se, out["p_single"], n_per_cond, (blo, bhi))
    out.update({"ratio_ci_lo": lo, "ratio_ci_hi": hi, "ratio_se": se, "benefit_ci_lo": blo, "benefit_ci_hi": bhi,
                "neuro_ratio_ci_lo": nlo, "neuro_ratio_ci_hi": nhi, "neuro_ratio_se": nse,
                "n_per_condition": n_per_cond, **verdict,
                # the keys the report's capacity table reads (sim/report.py)
                "fixed_capacity_d_dual": out["d_single"] * FIXED,
                "serial_p_dual": (out["p_single"] + 0.5) / 2.0})
    if verdict["verdict"] in ("ceiling", "floor"):
        for key in ("ratio", "ratio_ci_lo", "ratio_ci_hi", "ratio_se"):
            out[key] = float("nan")
    return out


@METRICS.register('capacity_cost', summary="dual_report task: yes/no d'_single (cued location) vs d'_dual per location, ratio with 95 % bootstrap ratio_ci_lo/hi, predictions (unlimited 1, fixed 1/sqrt 2, serial), verdict, n_per_condition_needed; neuro_* from location_evidence (option n_boot)",
                  gates={"ratio": ("benefit", "no attention effect on sensitivity, so no capacity model applies")},
                  limits=("ceiling", "floor"))
def capacity_cost(trials: Trials, activity: Activity, *, n_boot: int = N_BOOT,
                  bootstrap_seed: int = 0) -> dict[str, dict]:
    """Per contrast ("all" and "@<contrast>"): d' single/dual per location and pooled, the ratio with its
    95 % bootstrap interval (n_boot resamples, 0 = none; seeded by `bootstrap_seed`, so reruns agree),
    P single/dual, the three predictions and the verdict (see the module docstring)."""
    if not is_dual_report(trials):
        raise NotApplicable("capacity_cost needs the dual-report design (task kind dual_report: a yes/no "
                            "judgment at each location); a single A/B choice is not the design the capacity "
                            "bounds assume (see cueing_effect for the divided task)")
    cond = np.asarray(trials.conditions["condition"]).astype(str)
    if "divided" not in cond or not np.isin(cond, FOCUSED).any():
        raise NotApplicable("capacity_cost needs focused and divided conditions")
    if activity.location_reports is None or not (np.asarray(activity.location_reports) >= 0).any():
        raise NotApplicable("capacity_cost needs per-location reports (Activity.location_reports); for brain "
                            "families set the report criterion parameter (report_criterion_hz)")
    reports = np.asarray(activity.location_reports, int)
    evidence = None if activity.location_evidence is None else np.asarray(activity.location_evidence, float)
    presence = np.asarray(trials.target, int)
    cell = presence[:, 0] + 2 * presence[:, 1]
    contrast = np.asarray(trials.conditions.get("contrast", np.zeros(trials.n_trials)), float)
    out = {}
    levels = sorted(set(contrast.tolist()))
    for label, mask in [("all", np.ones(trials.n_trials, bool))] + (
            [(f"@{k:g}", contrast == k) for k in levels] if len(levels) > 1 else []):
        idx_f = {c: np.flatnonzero(mask & (cond == c)) for c in FOCUSED}
        idx_d = np.flatnonzero(mask & (cond == "divided"))
        out[label] = _dual_capacity(idx_f, idx_d, reports, evidence, presence, cell, n_boot, bootstrap_seed)
    return out

"""Signal-detection sensitivity d' for the design at hand, and the capacity predictions.

Two designs, two formulas (Macmillan & Creelman, *Detection Theory: A User's
Guide*, 2nd ed., 2005, ch. 2 and ch. 7):

- **Yes/no** (dual-report tasks: an independent present/absent judgment at each
  location). For location L, H = P("present" at L | target at L) and
  F = P("present" at L | no target at L), and
  ``d'_L = Z(H) - Z(F)``.
- **Two-alternative forced choice** (single-choice tasks: one choice between A
  and B per trial, 2AFC localisation). "Choose A" on target-A trials is the hit,
  "choose A" on target-B trials the false alarm, and
  ``d' = (Z(H) - Z(F)) / sqrt(2)``;
  with unbiased responding this equals ``sqrt(2) Z(pc)`` (pc = fraction correct).
  The sqrt(2) brings 2AFC d' onto the yes/no scale: an observer with yes/no
  sensitivity d' at each location, choosing the location with the larger
  evidence, has pc = Phi(d'/sqrt 2). "Choose A" and "choose B" are one
  decision, so a single-choice design has ONE d' per condition, not one per
  location (the B-as-signal value is the same number).

Z is the standard normal quantile. Rates use the log-linear correction
(Hautus 1995): (count + 0.5) / (n + 1), so d' stays finite at 0 or 100 %.
Trials without a response (-1) count as neither hit nor false alarm but stay
in the denominators (a missing response is not a "yes").
"""
from __future__ import annotations

import math

import numpy as np
from scipy.special import ndtri  # the standard normal quantile, Z(p); lighter to import than scipy.stats

from attnsim.models.activity import Activity
from attnsim.analysis.conditions import condition_groups
from attnsim.analysis.windows import NotApplicable
from attnsim.tasks.trials import Trials
from attnsim.registries import METRICS

LOCATIONS = ("A", "B")
SQRT2 = math.sqrt(2.0)


def _rate(count: int, n: int) -> float:
    return (count + 0.5) / (n + 1.0)


def dprime_yes_no(hits: int, n_signal: int, false_alarms: int, n_noise: int) -> float:
    """Yes/no d' = Z(H) - Z(F), log-linear corrected; NaN without signal or noise trials."""
    if n_signal <= 0 or n_noise <= 0:
        return float("nan")
    return float(ndtri(_rate(hits, n_signal)) - ndtri(_rate(false_alarms, n_noise)))


# the yes/no formula under its historical name (kept for callers that mean yes/no)
dprime_from_counts = dprime_yes_no


def dprime_2afc(hits: int, n_signal: int, false_alarms: int, n_noise: int) -> float:
    """2AFC d' = (Z(H) - Z(F)) / sqrt(2) (Macmillan & Creelman ch. 7), log-linear corrected."""
    return dprime_yes_no(hits, n_signal, false_alarms, n_noise) / SQRT2


def dprime_2afc_from_pc(pc: float) -> float:
    """Unbiased 2AFC d' = sqrt(2) Z(pc); inverse of pc = Phi(d' / sqrt 2)."""
    return float(SQRT2 * ndtri(pc))


def dprime_yes_no_from_pc(pc: float) -> float:
    """Unbiased yes/no d' = 2 Z(pc) (criterion midway, H = 1 - F = pc)."""
    return float(2.0 * ndtri(pc))


def is_dual_report(trials: Trials) -> bool:
    """True when the task has a present/absent target per location: target of shape (n_trials, 2)."""
    return np.ndim(trials.target) == 2 and np.shape(trials.target)[1] == 2


def _choice_dprime(idx, choice, target) -> float:
    sig, noise = idx[target[idx] == 0], idx[target[idx] == 1]
    return dprime_2afc(int((choice[sig] == 0).sum()), sig.size, int((choice[noise] == 0).sum()), noise.size)


def location_dprime(idx, reports, presence, k: int) -> float:
    """Yes/no d' at location k on trials idx from that location's reports (1 yes, 0 no, -1 none)."""
    sig, noise = idx[presence[idx, k] == 1], idx[presence[idx, k] == 0]
    return dprime_yes_no(int((reports[sig, k] == 1).sum()), sig.size, int((reports[noise, k] == 1).sum()), noise.size)


@METRICS.register('dprime', summary="single choice: one 2AFC d' = (Z(H) - Z(F))/sqrt 2 per label; dual_report: yes/no Z(H) - Z(F) per location; log-linear corrected")
def dprime(trials: Trials, activity: Activity) -> dict:
    """d' per condition label.

    Single-choice tasks (target (n_trials,)): one 2AFC d' per label (a number);
    labels whose trials all share one target are left out.
    Dual-report tasks (target (n_trials, 2)): {"A": d'_A, "B": d'_B}, yes/no d'
    per location from `activity.location_reports`; a location whose trials in
    the label are all present or all absent is left out.
    """
    out: dict = {}
    if is_dual_report(trials):
        if activity.location_reports is None:
            raise NotApplicable("dprime on a dual-report task needs location_reports from the model")
        reports, presence = np.asarray(activity.location_reports), np.asarray(trials.target)
        for label, idx in condition_groups(trials).items():
            per_loc = {loc: location_dprime(idx, reports, presence, k) for k, loc in enumerate(LOCATIONS)}
            per_loc = {loc: v for loc, v in per_loc.items() if math.isfinite(v)}
            if per_loc:
                out[label] = per_loc
        return out
    choice, target = np.asarray(activity.choice), np.asarray(trials.target)
    for label, idx in condition_groups(trials).items():
        d = _choice_dprime(idx, choice, target)
        if math.isfinite(d):
            out[label] = d
    return out


def capacity_bounds(d_single: float) -> dict[str, float]:
    """Predicted dual-task d' from single-task d': unlimited capacity (no cost) and fixed capacity (/sqrt 2)."""
    return {"unlimited": float(d_single), "fixed": float(d_single) / SQRT2}


def serial_p_dual(p_single: float) -> float:
    """All-or-none serial model: one of two targets attended, the other guessed at chance."""
    return (float(p_single) + 0.5) / 2.0

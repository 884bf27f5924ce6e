"""Synthetic yes/no observers on the dual-report task whose capacity and cueing benefit are known
(tests/analysis/test_analysis_capacity.py, tests/analysis/test_report_scorecard.py).

At each location the observer sees evidence x = d * presence + N(0, 1) and reports "present" when
x > d / 2 (unbiased), so P(correct) = Phi(d / 2):
- unlimited capacity: d the same on focused (cued location) and divided trials;
- fixed capacity: d / sqrt(2) on divided trials (sample size split in two);
- all-or-none serial: on divided trials one location (at random) gets d, the other is guessed;
- the uncued location of focused trials gets d_uncued (default d / 4: the cue raises sensitivity;
  d_uncued = d: no attention effect on sensitivity).
"""
import math

import numpy as np
from scipy.stats import norm

from attnsim.models.activity import Activity
from attnsim.tasks.dual_report import make_dual_report

TIMING = {"fixation": 5, "cue": 5, "stimulus": 10, "response": 5}
CONDS = ["focused_A", "focused_B", "divided"]
D_SINGLE = 2 * norm.ppf(0.8)          # P_single = 0.8


def reports_activity(n, reports, evidence):
    return Activity(rates=np.zeros((n, 1, 2)), dt_ms=1.0, groups={"A": slice(0, 1), "B": slice(1, 2)},
                    selective_groups=("A", "B"), choice=np.full(n, -1), reaction_time_ms=np.full(n, np.nan),
                    location_reports=reports, location_evidence=evidence)


def observer(trials, kind, rng, d=D_SINGLE, d_uncued=None):
    """An Activity with the location reports of a `kind` observer (module docstring)."""
    n, presence = trials.n_trials, trials.target
    cond = trials.conditions["condition"]
    divided = cond == "divided"
    dl = np.full((n, 2), d)
    dl[cond == "focused_A", 1] = d / 4 if d_uncued is None else d_uncued
    dl[cond == "focused_B", 0] = d / 4 if d_uncued is None else d_uncued
    if kind == "fixed":
        dl[divided] = d / math.sqrt(2)
    x = rng.normal(size=(n, 2)) + dl * presence
    reports = (x > dl / 2).astype(int)
    if kind == "serial":
        attended = rng.integers(2, size=n)
        guess = rng.integers(2, size=n)
        rows = np.flatnonzero(divided)
        reports[rows, 1 - attended[rows]] = guess[rows]
    return reports_activity(n, reports, x)


def dual_trials(per_condition, seed=2):
    return make_dual_report(n_trials=3 * per_condition, dt_ms=1.0, timing_ms=TIMING, contrasts=[0.3],
                            conditions=CONDS, seed=seed)

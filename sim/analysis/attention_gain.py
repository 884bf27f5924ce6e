"""Contrast gain versus response gain (Reynolds & Heeger 2009, Fig. 2).

On cued trials of a selective task with equal contrasts (distractor_ratio 1)
the attended and the unattended selective groups see the same stimulus, so
their stimulus-epoch rates across contrasts are the contrast-response
functions with and without attention. A Naka-Rushton function
R(c) = Rmax c^n / (c^n + c50^n) is fitted to each (least squares, c50 in log
space); contrast gain shows as c50_unatt / c50_att > 1 with Rmax unchanged,
response gain as Rmax_att / Rmax_unatt > 1.
"""
from __future__ import annotations

import numpy as np
from scipy.optimize import curve_fit

from attnsim.models.activity import Activity
from attnsim.analysis.windows import NotApplicable, epoch_steps
from attnsim.tasks.trials import Trials
from attnsim.registries import METRICS


def naka_rushton(c, r_max, c50, n):
    c = np.asarray(c, dtype=float)
    return r_max * c ** n / (c ** n + c50 ** n)


def fit_naka_rushton(contrasts, responses) -> tuple[float, float, float]:
    """(Rmax, c50, n) by least squares."""
    c, r = np.asarray(contrasts, float), np.asarray(responses, float)
    f = lambda x, r_max, log_c50, n: naka_rushton(x, r_max, 10.0 ** log_c50, n)  # noqa: E731
    half = c[np.argmin(np.abs(r - r.max() / 2))]
    (r_max, log_c50, n), _ = curve_fit(f, c, r, p0=[r.max(), np.log10(max(half, 1e-6)), 2.0], maxfev=20000)
    return float(r_max), float(10.0 ** log_c50), float(n)


@METRICS.register('attention_gain', summary='Naka-Rushton fits with/without attention: c50_ratio (contrast gain), rmax_ratio (response gain)')
def attention_gain(trials: Trials, activity: Activity) -> dict[str, dict[str, float]]:
    att_idx = trials.attended_index()
    contrast = np.asarray(trials.conditions.get("contrast", []), float)
    cued = np.flatnonzero(att_idx >= 0)
    if contrast.size == 0 or cued.size == 0 or np.unique(contrast[cued]).size < 4:
        raise NotApplicable("attention_gain needs cued trials at >= 4 contrasts")
    win = epoch_steps(trials, activity, "stimulus")
    ga, gb = activity.selective_groups
    mean = np.stack([activity.group_rate(ga)[:, win].mean(axis=1), activity.group_rate(gb)[:, win].mean(axis=1)], 1)
    levels = np.unique(contrast[cued])
    att, unatt = [], []
    for k in levels:
        sel = cued[contrast[cued] == k]
        att.append(np.mean(mean[sel, att_idx[sel]]))
        unatt.append(np.mean(mean[sel, 1 - att_idx[sel]]))
    try:
        ra, ca, na = fit_naka_rushton(levels, att)
        ru, cu, nu = fit_naka_rushton(levels, unatt)
    except RuntimeError as e:  # curve_fit failed to converge
        raise NotApplicable(f"Naka-Rushton fit failed: {e}") from None
    return {"all": {"c50_ratio": cu / ca, "rmax_ratio": ra / ru, "c50_att": ca, "c50_unatt": cu,
                    "rmax_att": ra, "rmax_unatt": ru, "n_att": na, "n_unatt": nu}}

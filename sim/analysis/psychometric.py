"""Psychometric threshold: a Weibull fit of P(correct) against coherence
(Quick 1974; the form used by Wang 2002 and Wong & Wang 2006):

    P(c) = 1 - 0.5 exp(-(c / alpha)^beta)

alpha is the coherence at which P = 1 - 0.5/e = 0.816. Fitted by maximum
likelihood on the binomial counts of trials with c > 0.
"""
from __future__ import annotations

import numpy as np
from scipy.optimize import minimize

from attnsim.models.activity import Activity
from attnsim.analysis.conditions import stimulus_level
from attnsim.analysis.windows import NotApplicable
from attnsim.tasks.trials import Trials
from attnsim.registries import METRICS


def weibull(c, alpha, beta):
    return 1.0 - 0.5 * np.exp(-(np.asarray(c, dtype=float) / alpha) ** beta)


def fit_weibull(coherence: np.ndarray, correct: np.ndarray) -> tuple[float, float]:
    """(alpha, beta) maximising the binomial likelihood of `correct` (bool per trial)."""
    levels = np.unique(coherence)
    k = np.array([correct[coherence == c].sum() for c in levels], dtype=float)
    n = np.array([(coherence == c).sum() for c in levels], dtype=float)

    def nll(theta):
        alpha, beta = np.exp(theta)
        p = np.clip(weibull(levels, alpha, beta), 1e-9, 1 - 1e-9)
        return -np.sum(k * np.log(p) + (n - k) * np.log(1 - p))

    start = np.log([np.median(levels), 1.5])
    best = minimize(nll, start, method="Nelder-Mead", options={"xatol": 1e-8, "fatol": 1e-10, "maxiter": 4000})
    alpha, beta = np.exp(best.x)
    return float(alpha), float(beta)


@METRICS.register('weibull_threshold', summary="Weibull fit of P(correct) vs coherence: alpha (%) at 'all', beta at 'slope'")
def weibull_threshold(trials: Trials, activity: Activity) -> dict[str, float]:
    """Weibull alpha (coherence units of the task, %) and slope beta, discrimination task only."""
    if "coherence" not in trials.conditions:
        raise NotApplicable("weibull_threshold needs a task with coherences (discrimination)")
    if stimulus_level(trials) is not None:
        raise NotApplicable("weibull_threshold needs one coherence per condition (the discrimination task); "
                            "here each condition spans several, in another unit: read accuracy per "
                            "'<condition>@<coherence>' label instead")
    coh = np.asarray(trials.conditions["coherence"], dtype=float)
    use = coh > 0
    if np.unique(coh[use]).size < 2:
        raise NotApplicable("weibull_threshold needs at least two nonzero coherences")
    correct = np.asarray(activity.choice)[use] == np.asarray(trials.target)[use]
    alpha, beta = fit_weibull(coh[use], correct)
    return {"all": alpha, "slope": beta}

"""Contrast gain versus response gain (docs/reference.md row 8).

Measured on the SENSORY pair only (`sim.analysis.sensory.sensory_view`): row 8 is about
V4 neurons, so a model without a sensory population (decision circuits, a plugin without
roles) is "n/a: no sensory population". Defined on rates (the stimulus-epoch mean rate of
each group), so it applies to an ANN's A- and B-preferring hidden units, classified on
held-out trials and measured on the others.

On cued trials of a selective task with equal contrasts (distractor_ratio 1)
the attended and the unattended sensory groups see the same stimulus, so
their stimulus-epoch rates across contrasts are the contrast-response
functions (CRFs) with and without attention. Both are fitted JOINTLY by the
Naka-Rushton function with a baseline (Albrecht & Hamilton 1982; the form
used for attention by Reynolds, Pasternak & Desimone 2000, Neuron 26:703, and
Williford & Maunsell 2006, J Neurophysiol 96:40):

    R_a(c) = b_a + Rmax_a c^n / (c^n + c50_a^n)        attended
    R_u(c) = b_u + Rmax_u c^n / (c^n + c50_u^n)        unattended

with ONE exponent n shared by both conditions (a free exponent per condition
trades against c50 and Rmax, so a pure baseline shift could read as a gain
change). The baseline is shared (b_a = b_u) unless the data say otherwise: the
model with a baseline per condition is kept when it fits the trials
significantly better (nested-model F test, F(1, N - 7), p < 0.05, N the
number of per-trial responses). Least squares on the per-trial responses
(stimulus-epoch mean rate of each group on each cued trial), c50 in log space.

    contrast gain:  c50_ratio  = c50_u / c50_a       (> 1: attention lowers c50)
    response gain:  rmax_ratio = Rmax_a / Rmax_u     (> 1: attention raises Rmax)

The fit needs contrast-response functions: responses that RISE with contrast in both
conditions (a one-sided Spearman test of the per-trial responses against contrast, rho > 0 at
p < 0.05, in the attended and in the unattended group). Where either does not rise, the
metric does not apply ("n/a: ... do not rise with contrast"): a Naka-Rushton curve with
Rmax >= 0 fitted to a flat or falling response drives Rmax or c50 to its bound, and the
ratios become arbitrary (the signed tanh hidden units of an ANN, whose unattended group can
fall with contrast, read c50 ratios of thousands). A fit whose c50 sits at its search bound
(1/20 of the lowest or 20 times the highest tested contrast) is not applicable for the same
reason: the tested contrasts do not constrain c50.

Intervals: 95 % percentile bootstrap (Efron & Tibshirani 1993, ch. 13) over
the cued trials, resampled within each design cell (contrast x condition x
target), refitted with the baseline model chosen on all trials. The verdict
names what the intervals identify (`attnsim.analysis.rules.excludes` on 1):

    "contrast gain"  c50_ratio's interval excludes 1, rmax_ratio's holds 1
    "response gain"  rmax_ratio's interval excludes 1, c50_ratio's holds 1
    "both"           both exclude 1
    "neither"        both hold 1 (no multiplicative or contrast change shown;
                     a baseline shift shows in baseline_att - baseline_unatt)
    "inconclusive"   no interval (n_boot = 0, or too few usable refits), or
                     one of zero width: a deterministic model's trials do not
                     vary, so resampling them says nothing (its realizations
                     must vary for an interval)
"""
from __future__ import annotations

import numpy as np
from scipy.optimize import curve_fit, least_squares
from scipy.stats import f as f_dist

from attnsim.analysis import rules
from attnsim.analysis.bootstrap import percentile_interval, resample, strata
from attnsim.analysis.sensory import sensory_view
from attnsim.analysis.windows import NotApplicable, epoch_steps
from attnsim.models.activity import Activity
from attnsim.registries import METRICS
from attnsim.tasks.trials import Trials

N_BOOT = 200
ALPHA_BASELINE = 0.05
N_BOUNDS = (0.3, 10.0)
RISE_ALPHA = 0.05       # one-sided Spearman test that each condition's response rises with contrast


def naka_rushton(c, r_max, c50, n, baseline=0.0):
    """R(c) = baseline + r_max c^n / (c^n + c50^n) (Naka & Rushton 1966; Albrecht & Hamilton 1982)."""
    c = np.asarray(c, dtype=float)
    return baseline + r_max * c ** n / (c ** n + c50 ** n)


def fit_naka_rushton(contrasts, responses) -> tuple[float, float, float]:
    """(Rmax, c50, n) of one CRF without baseline, by least squares (kept for single-curve use)."""
    c, r = np.asarray(contrasts, float), np.asarray(responses, float)
    f = lambda x, r_max, log_c50, n: naka_rushton(x, r_max, 10.0 ** log_c50, n)  # noqa: E731
    half = c[np.argmin(np.abs(r - r.max() / 2))]
    (r_max, log_c50, n), _ = curve_fit(f, c, r, p0=[r.max(), np.log10(max(half, 1e-6)), 2.0], maxfev=20000)
    return float(r_max), float(10.0 ** log_c50), float(n)


def _unpack(p, shared: bool):
    """Parameter vector -> (b_a, b_u, n, Rmax_a, Rmax_u, c50_a, c50_u)."""
    if shared:
        b, n, ra, ru, la, lu = p
        return b, b, n, ra, ru, 10.0 ** la, 10.0 ** lu
    ba, bu, n, ra, ru, la, lu = p
    return ba, bu, n, ra, ru, 10.0 ** la, 10.0 ** lu


def fit_joint(c, r, is_att, *, shared_baseline: bool, p0=None):
    """Joint least-squares fit of the attended and unattended CRFs (module docstring).

    c, r, is_att: (N,) contrast, response and condition (True = attended) of each response.
    Returns (params dict, residual sum of squares, raw parameter vector).
    """
    c, r, is_att = np.asarray(c, float), np.asarray(r, float), np.asarray(is_att, bool)
    pos = c[c > 0]
    lc_lo, lc_hi = np.log10(pos.min() / 20.0), np.log10(pos.max() * 20.0)
    if p0 is None:
        lo = float(np.percentile(r, 5))
        span = max(float(np.percentile(r, 95)) - lo, 1e-6)
        mid = float(np.log10(np.median(pos)))
        p0 = ([lo] if shared_baseline else [lo, lo]) + [2.0, span, span, mid, mid]
    nb = 1 if shared_baseline else 2
    lower = [-np.inf] * nb + [N_BOUNDS[0], 0.0, 0.0, lc_lo, lc_lo]
    upper = [np.inf] * nb + [N_BOUNDS[1], np.inf, np.inf, lc_hi, lc_hi]
    p0 = np.clip(np.asarray(p0, float), np.asarray(lower) + 1e-9, np.asarray(upper) - 1e-9)

    def resid(p):
        ba, bu, n, ra, ru, ca, cu = _unpack(p, shared_baseline)
        pred = np.where(is_att, naka_rushton(c, ra, ca, n, ba), naka_rushton(c, ru, cu, n, bu))
        return pred - r

    sol = least_squares(resid, p0, bounds=(lower, upper), x_scale="jac", max_nfev=5000)
    ba, bu, n, ra, ru, ca, cu = _unpack(sol.x, shared_baseline)
    params = {"baseline_att": ba, "baseline_unatt": bu, "n": n, "rmax_att": ra, "rmax_unatt": ru,
              "c50_att": ca, "c50_unatt": cu}
    return {k: float(v) for k, v in params.items()}, float(np.sum(sol.fun ** 2)), sol.x


def _ratios(p: dict) -> tuple[float, float]:
    c50 = p["c50_unatt"] / p["c50_att"] if p["c50_att"] > 0 else float("nan")
    rmax = p["rmax_att"] / p["rmax_unatt"] if p["rmax_unatt"] > 0 else float("nan")
    return c50, rmax


def choose_baseline(c, r, is_att, alpha: float = ALPHA_BASELINE):
    """(shared?, F-test p value, fit): keep one baseline unless one per condition fits better at `alpha`."""
    fit_s, rss_s, x_s = fit_joint(c, r, is_att, shared_baseline=True)
    fit_d, rss_d, x_d = fit_joint(c, r, is_att, shared_baseline=False,
                                  p0=np.concatenate([[x_s[0], x_s[0]], x_s[1:]]))
    n_obs = np.size(r)
    scale = 1e-12 * float(np.sum(np.asarray(r, float) ** 2)) + 1e-300
    gain = rss_s - rss_d
    if gain <= scale or n_obs <= 7:
        return True, 1.0, (fit_s, x_s)
    p = float(f_dist.sf(gain / max(rss_d / (n_obs - 7), scale), 1, n_obs - 7))
    return (True, p, (fit_s, x_s)) if p >= alpha else (False, p, (fit_d, x_d))


def verdict(c50_ci, rmax_ci) -> tuple[str, str]:
    """(verdict, reason): which gain the intervals identify (module docstring)."""
    ivs = [rules.interval_of(c50_ci), rules.interval_of(rmax_ci)]
    if any(iv is None for iv in ivs):
        return "inconclusive", "no interval"
    if any(iv[1] - iv[0] <= 1e-9 * max(abs(iv[0]), abs(iv[1]), 1e-300) for iv in ivs):
        return "inconclusive", ("zero-width interval: the trials do not vary (a deterministic model); "
                                "an interval needs realizations that vary")
    c50_out, c50_why = rules.excludes(c50_ci, 1.0)
    rmax_out, rmax_why = rules.excludes(rmax_ci, 1.0)
    c50_x, rmax_x = c50_out == rules.PASS, rmax_out == rules.PASS
    name = {(True, False): "contrast gain", (False, True): "response gain",
            (True, True): "both", (False, False): "neither"}[(c50_x, rmax_x)]
    return name, f"c50 ratio: {c50_why}; Rmax ratio: {rmax_why}"


def _responses(trials: Trials, activity: Activity):
    """(cued trial indices, contrast, attended rate, unattended rate) of each cued trial, from the
    sensory pair (`sensory_view`; NotApplicable "n/a: no sensory population" without one).
    Returns indices into `trials` as given back with the view: call `_view` first."""
    att_idx = trials.attended_index()
    contrast = np.asarray(trials.conditions.get("contrast", []), float)
    cued = np.flatnonzero(att_idx >= 0)
    if contrast.size == 0 or cued.size == 0 or np.unique(contrast[cued]).size < 4:
        raise NotApplicable("attention_gain needs cued trials at >= 4 contrasts")
    win = epoch_steps(trials, activity, "stimulus")
    if win.stop <= win.start:
        raise NotApplicable("attention_gain: empty stimulus epoch")
    ga, gb = activity.sensory_pair()
    mean = np.stack([activity.group_rate(ga)[:, win].mean(axis=1), activity.group_rate(gb)[:, win].mean(axis=1)], 1)
    a = mean[cued, att_idx[cued]]
    u = mean[cued, 1 - att_idx[cued]]
    return cued, contrast[cued], a, u


def rises_with_contrast(k, r, alpha: float = RISE_ALPHA) -> tuple[bool, float, float]:
    """(rises?, Spearman rho, one-sided p): whether responses r rise with contrast k across trials."""
    from scipy.stats import spearmanr
    k, r = np.asarray(k, float), np.asarray(r, float)
    if np.unique(k).size < 2 or np.ptp(r) == 0:
        return False, float("nan"), 1.0
    res = spearmanr(k, r, alternative="greater")
    rho, p = float(res.statistic), float(res.pvalue)
    return bool(np.isfinite(p) and p < alpha and rho > 0), rho, p


def _check_rise(k, a, u) -> None:
    """NotApplicable unless the attended and the unattended responses both rise with contrast."""
    bad = []
    for name, r in (("attended", a), ("unattended", u)):
        ok, rho, p = rises_with_contrast(k, r)
        if not ok:
            bad.append(f"{name}: Spearman rho {rho:.2g}, one-sided p {p:.2g}")
    if bad:
        raise NotApplicable("n/a: the sensory responses do not rise with contrast (" + "; ".join(bad) +
                            "); a contrast-response fit needs a rising response in both conditions")


def _at_bound(fit: dict, k) -> bool:
    """Whether a fitted c50 sits at its search bound (the tested contrasts do not constrain it)."""
    pos = np.asarray(k, float)[np.asarray(k, float) > 0]
    lo, hi = pos.min() / 20.0, pos.max() * 20.0
    return any(not (lo * 1.001 < fit[c] < hi / 1.001) for c in ("c50_att", "c50_unatt"))


def _stack(k, a, u):
    return np.concatenate([k, k]), np.concatenate([a, u]), np.concatenate([np.ones(k.size, bool), np.zeros(k.size, bool)])


@METRICS.register('attention_gain', summary='joint Naka-Rushton fit with baseline and shared exponent, attended vs '
                  'unattended: c50_ratio (contrast gain), rmax_ratio (response gain), 95 % bootstrap *_ci_lo/hi, '
                  'verdict (contrast gain | response gain | both | neither | inconclusive); option n_boot')
def attention_gain(trials: Trials, activity: Activity, *, n_boot: int = N_BOOT,
                   bootstrap_seed: int = 0) -> dict[str, dict]:
    """Contrast versus response gain of the selective groups (module docstring).

    Returns {"all": {...}} with c50_ratio, rmax_ratio and their 95 % intervals (c50_ratio_ci_lo,
    c50_ratio_ci_hi, rmax_ratio_ci_lo, rmax_ratio_ci_hi; NaN with n_boot = 0), the fitted
    c50_att, c50_unatt, rmax_att, rmax_unatt, n (n_att and n_unatt repeat the shared exponent),
    baseline_att, baseline_unatt, baseline_shared (1.0 shared, 0.0 one per condition),
    baseline_p (F test), n_boot_used, verdict and verdict_reason (strings).
    """
    view = sensory_view(trials, activity)
    trials, activity = view.trials, view.activity
    cued, k, a, u = _responses(trials, activity)
    _check_rise(k, a, u)
    c, r, is_att = _stack(k, a, u)
    try:
        shared, p_base, (fit, x0) = choose_baseline(c, r, is_att)
    except (RuntimeError, ValueError, np.linalg.LinAlgError) as e:
        raise NotApplicable(f"Naka-Rushton fit failed: {e}") from None
    if _at_bound(fit, k):
        raise NotApplicable(f"n/a: c50 at its search bound (attended {fit['c50_att']:.3g}, unattended "
                            f"{fit['c50_unatt']:.3g}): the tested contrasts do not constrain the fit")
    c50_ratio, rmax_ratio = _ratios(fit)
    reps = []
    if n_boot > 0:
        rng = np.random.default_rng(bootstrap_seed)
        cells = strata(trials.subset(cued))
        for _ in range(n_boot):
            i = resample(cells, rng)
            try:
                fb, _, _ = fit_joint(*_stack(k[i], a[i], u[i]), shared_baseline=shared, p0=x0)
            except (RuntimeError, ValueError, np.linalg.LinAlgError):
                continue
            reps.append(_ratios(fb))
    reps = np.asarray(reps, float).reshape(-1, 2)
    usable = reps.shape[0] >= max(2, int(0.9 * n_boot)) if n_boot > 0 else False
    c50_ci = percentile_interval(reps[:, 0]) if usable else (None, None)
    rmax_ci = percentile_interval(reps[:, 1]) if usable else (None, None)
    nan = float("nan")
    out = {"c50_ratio": c50_ratio, "rmax_ratio": rmax_ratio,
           "c50_ratio_ci_lo": nan if c50_ci[0] is None else c50_ci[0],
           "c50_ratio_ci_hi": nan if c50_ci[1] is None else c50_ci[1],
           "rmax_ratio_ci_lo": nan if rmax_ci[0] is None else rmax_ci[0],
           "rmax_ratio_ci_hi": nan if rmax_ci[1] is None else rmax_ci[1],
           **fit, "n_att": fit["n"], "n_unatt": fit["n"],
           "baseline_shared": 1.0 if shared else 0.0, "baseline_p": p_base,
           "n_boot_used": float(reps.shape[0]),
           }
    out["verdict"], out["verdict_reason"] = verdict(c50_ci if usable else None, rmax_ci if usable else None)
    return {"all": out}

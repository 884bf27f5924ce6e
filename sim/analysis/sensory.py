"""The sensory population a signature is measured on (docs/reference.md rows 8, 9, 11, 12).

Rows 8, 9, 11 and 12 describe sensory neurons (V1, V4, MT, IT), stimulus-driven and before
any decision. A model's value of these signatures must come from its sensory population
(`Activity.roles`), never from winner-take-all decision pools or a readout: a decision
pool's rate "gain" measures which pool won, and an ANN's softmax outputs sum to 1, so a
network at p = 0.95 reads as a +1800 % "rate gain" (0.95 / 0.05 - 1).

`sensory_view(trials, activity)` gives the trials and activity a sensory signature reads:

- a model that names a sensory pair (`Activity.sensory_pair()`: the microcircuit's A_L23E /
  B_L23E, the normalization model's pools) is measured on all its trials, on that pair (the
  view's selective_groups are that pair, so a metric of the selective pair reads it);
- a model without sensory groups whose population is hidden units with rates only (an
  ANN: roles "hidden", no spike trains) has each hidden unit classified by its selectivity
  (`classify_selectivity`: prefers A, prefers B or neither) on one half of the trials, and
  the signature is measured on the OTHER half, on the A-preferring units ("prefers_A") and
  the B-preferring units ("prefers_B") as the two sensory representations. Holding the
  classification trials out keeps the noise that chose a unit out of the effect measured
  on it (the selection bias of double dipping; Kriegeskorte et al. 2009, Nat Neurosci
  12:535). The output layer never counts as neurons;
- the source says when the population has rates only ("rates, no spike counts"): its
  signatures are then of rates (`attnsim.analysis.attention_effects`), not of the spike
  counts rows 8, 9 and 12 give;
- any other model (decision circuits; a plugin that names no roles: the documented default
  of `Activity.roles`) raises NotApplicable("n/a: no sensory population (...)") naming what
  it has. There is no fallback to `Activity.selective_groups`.

Selectivity (`classify_selectivity`): on the classification trials each unit's stimulus-epoch
mean response r is regressed on the trial's stimulus levels and cues,

    r = b0 + bA sA + bB sB + gA cA + gB cB + e     (ordinary least squares)

sA, sB the mean of stim_A, stim_B over the stimulus epoch, cA, cB the largest cue_A, cue_B of
the trial (the cue as a covariate, so a cue-driven unit is not taken for a stimulus-selective
one). The unit prefers A when bA - bB > 0 with a two-sided t test p < alpha (default 0.01),
B when < 0, neither otherwise. Where the design cannot tell bA from bB (the stimuli at A and
B never vary apart, e.g. only cued trials with equal stimuli), every unit is "neither" and
the view is NotApplicable. The split (`split_halves`): a seeded permutation within each
design cell (`bootstrap.strata`: condition labels x target), alternate trials to each half.
"""
from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
from scipy.stats import t as student_t

from attnsim.analysis.bootstrap import strata
from attnsim.analysis.windows import NotApplicable, epoch_steps
from attnsim.models.activity import HIDDEN, SENSORY, Activity
from attnsim.tasks.trials import Trials

SELECTIVITY_ALPHA = 0.01
SPLIT_SEED = 0
PREFERS_A, PREFERS_B, NEITHER = 0, 1, -1


@dataclass(frozen=True)
class SensoryView:
    """trials / activity to measure a sensory signature on; activity.sensory_pair() is (A, B).

    source: where the pair comes from, for reports ("sensory groups A_L23E, B_L23E" or the
    hidden-unit classification with its counts). n_prefers: (A, B) unit counts of the
    classification, None for named sensory groups.
    """

    trials: Trials
    activity: Activity
    source: str
    n_prefers: tuple[int, int] | None = None


def no_sensory_population(activity: Activity) -> NotApplicable:
    """The n/a every sensory signature gives a model without a sensory population."""
    has = activity.describe_roles() or "no roles named"
    return NotApplicable(f"n/a: no sensory population ({has})")


def _hidden_units(activity: Activity) -> np.ndarray:
    """Unit indices of the hidden groups (overlapping groups counted once)."""
    n = activity.rates.shape[2]
    idx = [np.arange(n)[activity.groups[g]] for g in activity.groups_with_role(HIDDEN)]
    return np.unique(np.concatenate(idx)) if idx else np.zeros(0, np.int64)


def split_halves(trials: Trials, seed: int = SPLIT_SEED) -> tuple[np.ndarray, np.ndarray]:
    """(classification trials, measurement trials): disjoint, each holding about half of every
    design cell (a seeded permutation within the cell, alternate trials to each half, the
    first half chosen at random per cell)."""
    rng = np.random.default_rng(seed)
    cells = strata(trials)
    first, second = [], []
    for c in np.unique(cells):
        members = rng.permutation(np.flatnonzero(cells == c))
        parity = int(rng.integers(2))
        first.append(members[parity::2])
        second.append(members[1 - parity::2])
    return np.sort(np.concatenate(first)), np.sort(np.concatenate(second))


def _design(trials: Trials) -> np.ndarray:
    """(n_trials, 5) regressors: 1, sA, sB, cA, cB (a missing channel is a column of zeros)."""
    s = trials.epochs["stimulus"]
    cols = [np.ones(trials.n_trials)]
    for name, reduce in (("stim_A", "mean"), ("stim_B", "mean"), ("cue_A", "max"), ("cue_B", "max")):
        if name not in trials.channels:
            cols.append(np.zeros(trials.n_trials))
            continue
        x = trials.inputs[:, :, trials.channels.index(name)]
        cols.append(x[:, s].mean(axis=1) if reduce == "mean" else x.max(axis=1))
    return np.stack(cols, axis=1)


def classify_selectivity(trials: Trials, activity: Activity, units, *, alpha: float = SELECTIVITY_ALPHA,
                         epoch: str = "stimulus") -> np.ndarray:
    """(len(units),) PREFERS_A (0), PREFERS_B (1) or NEITHER (-1) per unit (module docstring).

    Uses every trial it is given: pass the classification half only. All NEITHER when the
    stimulus epoch is missing or empty, or the design cannot separate bA from bB.
    """
    units = np.asarray(units, np.int64)
    out = np.full(units.size, NEITHER)
    if "stimulus" not in trials.epochs:
        return out
    win = epoch_steps(trials, activity, epoch)
    if win.stop <= win.start:
        return out
    r = activity.rates[:, win][:, :, units].mean(axis=1)            # (n_trials, n_units)
    X = _design(trials)
    contrast = np.array([0.0, 1.0, -1.0, 0.0, 0.0])
    pinv = np.linalg.pinv(X)
    rank = np.linalg.matrix_rank(X)
    df = X.shape[0] - rank
    # bA - bB is estimable only if the contrast lies in the row space of X
    if df < 1 or not np.allclose(contrast @ pinv @ X, contrast, atol=1e-8):
        return out
    beta = pinv @ r                                                  # (5, n_units)
    resid = r - X @ beta
    s2 = (resid ** 2).sum(axis=0) / df
    var_c = float(contrast @ pinv @ pinv.T @ contrast)              # c (X'X)^+ c'
    est = contrast @ beta
    se = np.sqrt(s2 * var_c)
    with np.errstate(divide="ignore", invalid="ignore"):
        tval = np.where(se > 0, est / se, np.where(est != 0, np.sign(est) * np.inf, 0.0))
    p = 2 * student_t.sf(np.abs(tval), df)
    out[(p < alpha) & (est > 0)] = PREFERS_A
    out[(p < alpha) & (est < 0)] = PREFERS_B
    return out


def sensory_view(trials: Trials, activity: Activity, *, seed: int = SPLIT_SEED,
                 alpha: float = SELECTIVITY_ALPHA) -> SensoryView:
    """The trials and activity a sensory signature reads (module docstring); NotApplicable
    "n/a: no sensory population (...)" where the model has none."""
    pair = activity.sensory_pair()
    if pair is not None:
        if tuple(activity.selective_groups) != pair:      # metrics on the selective pair read the sensory one
            activity = replace(activity, selective_groups=pair)
        on = "" if any(g in (activity.spikes or {}) for g in pair) else "; rates, no spike counts"
        return SensoryView(trials, activity, f"sensory groups {pair[0]}, {pair[1]}{on}")
    hidden = _hidden_units(activity)
    if activity.groups_with_role(SENSORY) or not hidden.size or activity.spikes:
        raise no_sensory_population(activity)
    fit_idx, test_idx = split_halves(trials, seed)
    pref = classify_selectivity(trials.subset(fit_idx), activity.take(fit_idx), hidden, alpha=alpha)
    ua, ub = hidden[pref == PREFERS_A], hidden[pref == PREFERS_B]
    if not (ua.size and ub.size):
        raise NotApplicable(f"n/a: no sensory population (of {hidden.size} hidden units, {ua.size} prefer A and "
                            f"{ub.size} prefer B on {fit_idx.size} held-out trials (p < {alpha:g}); both are needed)")
    held = activity.take(test_idx)
    units = np.concatenate([ua, ub])
    groups = {"prefers_A": slice(0, ua.size), "prefers_B": slice(ua.size, units.size)}
    view = Activity(rates=held.rates[:, :, units], dt_ms=held.dt_ms, groups=groups,
                    selective_groups=("prefers_A", "prefers_B"), choice=held.choice,
                    reaction_time_ms=held.reaction_time_ms, rate_unit=held.rate_unit,
                    roles={"prefers_A": SENSORY, "prefers_B": SENSORY})
    return SensoryView(trials.subset(test_idx), view,
                       f"hidden units classified on {fit_idx.size} held-out trials: {ua.size} prefer A, "
                       f"{ub.size} prefer B, {hidden.size - units.size} neither; measured on {test_idx.size} "
                       f"other trials; rates, no spike counts", (int(ua.size), int(ub.size)))

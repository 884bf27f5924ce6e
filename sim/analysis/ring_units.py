"""The direction-tuned units a feature-task signature is measured on (docs/reference.md rows 13, 15, 16).

Rows 15 and 16 are about sensory cells that prefer a direction on a ring (MT, V4). A model's
values for them come from its tuned sensory units, each with a preferred direction:

- a ring model (the attention circuit, spiking or rate) names its sensory pools `sens_f<k>`
  (role "sensory"), pool k of P preferring 360 k / P deg (`attnsim.models.feature_channels.
  parse_ring_groups`). Each pool is one unit (its mean rate), measured on every trial;
- a model without sensory groups whose population is hidden units with rates only (an ANN,
  roles "hidden") has each hidden unit's preferred direction estimated on one half of the
  trials (`sensory.split_halves`) and is measured on the OTHER half, as `sim.analysis.sensory`
  does for A/B selectivity (no double dipping; Kriegeskorte et al. 2009, Nat Neurosci 12:535).
  On the neutral single-stimulus trials of the first half, the unit's stimulus-epoch response
  r_i to direction theta_i gives the vector average (the population-vector estimate of a
  preferred direction; Georgopoulos, Schwartz & Kettner 1986, Science 233:1416)

      z = sum_i (r_i - mean r) exp(i theta_i),      preferred direction = arg z,

  and the unit counts as tuned when its response depends on the direction (one-way ANOVA over
  the stimulus directions, p < alpha = 0.01). Units that are not tuned are left out;
- any other model raises NotApplicable("n/a: no sensory population (...)").

Feature-task labels (`Trials.conditions`, sim/tasks/vocabulary.py): "condition" is
"attend_feature" (cued) or "neutral"; "cue_dir", "stim_dir" and "pair_dir" are directions in
degrees (NaN where absent: no cue, a single stimulus); "contrast". Angles are compared on the
circle: `circ_dist`.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.stats import f_oneway

from attnsim.analysis.bootstrap import percentile_interval, resample
from attnsim.analysis.sensory import no_sensory_population, split_halves
from attnsim.analysis.windows import NotApplicable, epoch_steps
from attnsim.models.activity import HIDDEN, SENSORY, Activity
from attnsim.models.feature_channels import (MEMORY_RING_PREFIX, SENSORY_RING_PREFIX, parse_ring_groups,
                                             ring_indices)
from attnsim.tasks.trials import Trials
from attnsim.tasks.vocabulary import ATTEND_FEATURE, CONDITION, CONTRAST, CUE_DIR, NEUTRAL, PAIR_DIR, STIM_DIR

TUNING_ALPHA = 0.01
N_BOOT = 200


def circ_diff(a, b) -> np.ndarray:
    """a - b wrapped into [-180, 180) degrees."""
    return (np.asarray(a, float) - np.asarray(b, float) + 180.0) % 360.0 - 180.0


def circ_dist(a, b) -> np.ndarray:
    """|a - b| on the circle, in [0, 180] degrees."""
    return np.abs(circ_diff(a, b))


@dataclass(frozen=True)
class FeatureLabels:
    """The feature task's per-trial labels as arrays: cued (bool), cue, stim, pair (deg, NaN where
    absent), contrast (NaN where the task gives none), single (bool: no second stimulus)."""

    cued: np.ndarray
    neutral: np.ndarray
    cue: np.ndarray
    stim: np.ndarray
    pair: np.ndarray
    contrast: np.ndarray

    @property
    def single(self) -> np.ndarray:
        return ~np.isfinite(self.pair)


def feature_labels(trials: Trials) -> FeatureLabels:
    """The labels of a feature task's trials; NotApplicable for a task without directions."""
    c = trials.conditions
    if STIM_DIR not in c or CONDITION not in c:
        raise NotApplicable(f"needs a feature task (labels {STIM_DIR!r}, {CUE_DIR!r}); this task has "
                            f"{sorted(c)}")
    n = trials.n_trials
    nan = np.full(n, np.nan)
    cond = np.asarray(c[CONDITION]).astype(str)
    get = lambda k: np.asarray(c[k], float) if k in c else nan.copy()   # noqa: E731
    cue = get(CUE_DIR)
    cued = (cond == ATTEND_FEATURE) & np.isfinite(cue)
    return FeatureLabels(cued=cued, neutral=cond == NEUTRAL, cue=cue, stim=get(STIM_DIR), pair=get(PAIR_DIR),
                         contrast=get(CONTRAST))


def channel_spacing_deg(trials: Trials, fallback: int | None = None) -> float:
    """360 / n of the task's ring of stimulus channels (`stim_f<k>`); 360 / fallback without one."""
    stim, _ = ring_indices(tuple(trials.channels))
    n = stim.size or (fallback or 0)
    if n < 2:
        raise NotApplicable("needs a ring of direction channels (stim_f<k>) or ring pools")
    return 360.0 / n


@dataclass(frozen=True)
class RingUnits:
    """Tuned units and the trials they are measured on (module docstring).

    trials, activity: the measurement trials (all of them for ring pools, the held-out half for
    hidden units). pref_deg: (n_units,) preferred directions. spacing_deg: the task's channel
    spacing. source: where the units come from, for reports. `trace()` (n_trials, n_steps,
    n_units) gives each unit's rate over time.
    """

    trials: Trials
    activity: Activity
    pref_deg: np.ndarray
    spacing_deg: float
    source: str
    groups: tuple[str, ...] = ()
    columns: np.ndarray | None = None

    def trace(self) -> np.ndarray:
        if self.groups:
            return np.stack([self.activity.group_rate(g) for g in self.groups], axis=2)
        return self.activity.rates[:, :, self.columns]

    def epoch_mean(self, epoch: str = "stimulus") -> np.ndarray:
        """(n_trials, n_units) mean rate of each unit over an epoch (NotApplicable when empty)."""
        win = epoch_steps(self.trials, self.activity, epoch)
        if win.stop <= win.start:
            raise NotApplicable(f"empty {epoch} epoch")
        if self.groups:
            return np.stack([self.activity.group_rate(g)[:, win].mean(axis=1) for g in self.groups], axis=1)
        return self.activity.rates[:, win][:, :, self.columns].mean(axis=1)


def hidden_units(activity: Activity) -> np.ndarray:
    """Unit indices of the hidden groups (overlapping groups counted once)."""
    n = activity.rates.shape[2]
    idx = [np.arange(n)[activity.groups[g]] for g in activity.groups_with_role(HIDDEN)]
    return np.unique(np.concatenate(idx)) if idx else np.zeros(0, np.int64)


def ring_pools(activity: Activity, prefix: str) -> tuple[tuple[str, ...], np.ndarray]:
    """The ring pools <prefix><k> of a model and their preferred directions; a malformed ring is
    NotApplicable (naming it)."""
    try:
        return parse_ring_groups(activity.groups, prefix)
    except ValueError as e:
        raise NotApplicable(str(e)) from None


def preferred_directions(resp: np.ndarray, stim_deg: np.ndarray, *, alpha: float = TUNING_ALPHA):
    """(preferred direction deg, tuned bool) of each column of resp (n_trials, n_units) given each
    trial's stimulus direction (module docstring: vector average; one-way ANOVA over directions)."""
    theta = np.deg2rad(stim_deg)
    z = ((resp - resp.mean(axis=0)) * np.exp(1j * theta)[:, None]).sum(axis=0)
    pref = np.rad2deg(np.angle(z)) % 360.0
    levels = np.unique(stim_deg)
    tuned = np.zeros(resp.shape[1], bool)
    groups = [resp[stim_deg == s] for s in levels]
    if len(levels) >= 3 and resp.shape[0] - len(levels) >= 2:      # within-direction df for the F test
        with np.errstate(all="ignore"):
            p = np.asarray(f_oneway(*groups, axis=0).pvalue, float)
        tuned = np.isfinite(p) & (p < alpha) & (np.abs(z) > 0)
    return pref, tuned


def ring_units(trials: Trials, activity: Activity, *, prefix: str = SENSORY_RING_PREFIX,
               alpha: float = TUNING_ALPHA, seed: int = 0) -> RingUnits:
    """The tuned units a signature reads (module docstring); NotApplicable without them."""
    pools, pref = ring_pools(activity, prefix)
    if pools:
        return RingUnits(trials, activity, pref, channel_spacing_deg(trials, len(pools)),
                         f"ring pools {pools[0]}..{pools[-1]}", groups=pools)
    hidden = hidden_units(activity)
    if activity.groups_with_role(SENSORY) or not hidden.size or activity.spikes:
        if prefix == SENSORY_RING_PREFIX:
            raise no_sensory_population(activity)
        raise NotApplicable(f"n/a: no ring pools {prefix}<k> and no hidden units ({activity.describe_roles()})")
    spacing = channel_spacing_deg(trials)
    lab = feature_labels(trials)
    fit_idx, test_idx = split_halves(trials, seed)
    ref = fit_idx[lab.neutral[fit_idx] & lab.single[fit_idx] & np.isfinite(lab.stim[fit_idx])]
    if ref.size < 4:
        raise NotApplicable(f"n/a: no sensory population (preferred directions of hidden units need neutral "
                            f"single-stimulus trials; {ref.size} in the held-out half)")
    win = epoch_steps(trials, activity, "stimulus")
    if win.stop <= win.start:
        raise NotApplicable("empty stimulus epoch")
    resp = activity.rates[ref][:, win][:, :, hidden].mean(axis=1)
    pref, tuned = preferred_directions(resp, lab.stim[ref], alpha=alpha)
    if not tuned.any():
        raise NotApplicable(f"n/a: no sensory population (none of {hidden.size} hidden units is tuned to the "
                            f"stimulus direction on {ref.size} held-out neutral trials, p < {alpha:g})")
    return RingUnits(trials.subset(test_idx), activity.take(test_idx), pref[tuned], spacing,
                     f"hidden units tuned on {ref.size} held-out neutral trials: {int(tuned.sum())} of "
                     f"{hidden.size}; measured on {test_idx.size} other trials", columns=hidden[tuned])


def design_cells(trials: Trials) -> np.ndarray:
    """(n_trials,) id of each trial's resampling cell: condition x single/pair x contrast x, on cued
    trials, the cue's offset from the stimulus (cue - stim_dir on the circle), on neutral trials
    the stimulus direction.

    Coarser than `bootstrap.strata` for cued trials (it crosses every label, the stimulus
    direction too): the feature task spreads its cued trials over so many direction cells that
    most hold one to three trials, and a percentile bootstrap within a cell of m trials has
    (m - 1) / m of the variance (none with m = 1), so its interval would be too narrow. Within
    these cells the absolute stimulus direction of cued trials varies between resamples, while
    the offsets the statistics bin by (attended - preferred and stimulus - preferred of the cued
    unit) keep their trial counts. Neutral trials keep their directions: they are each direction's
    reference, and a resample without one would drop that reference (their m is the number of
    neutral trials per direction, so their part of the variance is shrunk by (m - 1) / m)."""
    lab = feature_labels(trials)
    cond = np.asarray(trials.conditions[CONDITION]).astype(str)
    offset = np.round(np.where(lab.cued, circ_diff(lab.cue, lab.stim), np.nan_to_num(lab.stim, nan=-999.0)), 3)
    contrast = np.round(np.nan_to_num(lab.contrast, nan=-1.0), 9)
    keys = [f"{c}|{p}|{k!r}|{o!r}" for c, p, k, o in zip(cond, lab.single, contrast, offset)]
    return np.unique(np.asarray(keys), return_inverse=True)[1].reshape(-1)


def bootstrap_stats(trials: Trials, statistic, *, n_boot: int = N_BOOT, seed: int = 0) -> dict:
    """{key: value, key_ci_lo, key_ci_hi} of statistic(idx) -> {key: float}, with the 95 %
    percentile interval over `n_boot` resamples of the trials drawn with replacement within each
    `design_cells` cell (Efron & Tibshirani 1993, ch. 13). NaN bounds with n_boot = 0 or fewer
    than 2 finite replicates; "n_boot_used" is the fewest finite replicates of any key that is
    finite on all trials."""
    full = statistic(np.arange(trials.n_trials))
    reps = {k: [] for k in full}
    if n_boot > 0:
        rng = np.random.default_rng(seed)
        cells = design_cells(trials)
        for _ in range(n_boot):
            vals = statistic(resample(cells, rng))
            for k, v in vals.items():
                reps[k].append(v)
    counts = [int(np.isfinite(reps[k]).sum()) for k, v in full.items() if np.isfinite(v)]
    used = min(counts) if counts and n_boot > 0 else 0
    out = {}
    for k, v in full.items():
        lo, hi = percentile_interval(reps[k]) if reps[k] else (None, None)
        out[k] = float(v)
        out[f"{k}_ci_lo"] = float("nan") if lo is None else lo
        out[f"{k}_ci_hi"] = float("nan") if hi is None else hi
    out["n_boot_used"] = float(used)
    return out


def ci(out: dict, key: str) -> tuple[float, float] | None:
    """(lo, hi) of `key` in a `bootstrap_stats` result, or None (no interval)."""
    lo, hi = out.get(f"{key}_ci_lo"), out.get(f"{key}_ci_hi")
    if lo is None or hi is None or not (np.isfinite(lo) and np.isfinite(hi)):
        return None
    return float(lo), float(hi)


def zero_width(iv) -> bool:
    return iv is not None and iv[1] - iv[0] <= 1e-9 * max(abs(iv[0]), abs(iv[1]), 1e-300)


__all__ = ["ATTEND_FEATURE", "CUE_DIR", "MEMORY_RING_PREFIX", "NEUTRAL", "PAIR_DIR", "RingUnits",
           "SENSORY_RING_PREFIX", "STIM_DIR", "bootstrap_stats", "circ_diff", "circ_dist", "feature_labels",
           "ring_units"]

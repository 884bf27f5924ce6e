"""Row 11's attention effect: spike-field locking attend-in minus attend-out, above its floor.

docs/reference.md row 11 (Fries, Reynolds, Rorie & Desimone 2001, Science 291:1560):
with attention, the coherence of V4 spike trains with the field of the other cells
rises in the gamma band (35-90 Hz) and falls below 17 Hz. The measure is
`attnsim.analysis.spike_field.spike_field_coherence` (evoked response removed, the
field of the OTHER cells of the population). Its rate-independent reading, PPC1
(pairwise phase consistency; Vinck et al. 2010, NeuroImage 51:112), is used here
because attention changes the rate too, and magnitude-squared coherence rises with
the rate and spike count alone (Lepage, Kramer & Eden 2011, Neural Comput 23:3144).

For each band and each group X of the sensory pair (A, B):

    locking(X, label) = ppc_band[label][X] - ppc_band_floor[label][X]
    change_band       = mean_X [ locking(X, attend_X) - locking(X, attend_other) ]

The floor is the trial-shuffled PPC (spikes of one trial against the field of
another of the same label: same rates and evoked response, no common oscillation),
so a population without a common oscillation reads change 0 whatever its rates.
`floor` (the mean of the four raw floors) is reported beside the value.

Interval: a delete-a-group jackknife over trials (Efron & Tibshirani 1993, ch. 11;
the resampling Vinck et al. 2010 and 2012 use for PPC), not the bootstrap: a
bootstrap resample repeats trials, and PPC counts spike pairs on DIFFERENT trials,
so a repeated trial pairs with its own copy and reads as perfect locking. The
trials are dealt into G groups within each design cell (`bootstrap.strata`); with
theta_(g) the change without group g,

    se = sqrt((G - 1) / G  sum_g (theta_(g) - mean theta_(.))^2)
    interval = theta +- t_{G-1, 0.975} se

G = 5 (t_4 = 2.78): G + 1 calls of spike_field_coherence on the attend_A and attend_B
labels only (about 1.7 s each for 2 x 20 cells, 30 trials of 300 ms, on a shared core).
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from attnsim.analysis.bootstrap import strata
from attnsim.analysis.spike_field import spike_field_coherence
from attnsim.models.activity import Activity
from attnsim.tasks.trials import Trials

BANDS = ("gamma", "low")
N_GROUPS = 5


@dataclass
class Jackknife:
    """estimate with its jackknife interval (None where undefined) over `n_trials` trials."""
    estimate: float | None
    ci_lo: float | None
    ci_hi: float | None
    n_trials: int
    floor: float | None = None

    @property
    def interval(self) -> tuple[float | None, float | None]:
        return self.ci_lo, self.ci_hi


def _num(x) -> float | None:
    return float(x) if isinstance(x, (int, float)) and math.isfinite(x) else None


def changes(trials: Trials, activity: Activity) -> dict[str, tuple[float | None, float | None]]:
    """{band: (change, mean floor)} of a sensory view's activity (module docstring); None where
    attend_A or attend_B trials, or a group's value, are missing. Raises what spike_field_coherence
    raises (NotApplicable without spikes or sensory groups)."""
    res = spike_field_coherence(trials, activity, labels=["attend_A", "attend_B"])
    a, b = activity.sensory_pair()
    out = {}
    for band in BANDS:
        def locking(label, g):
            v, f = (_num(res.get(label, {}).get(f"{g}/ppc_{band}{t}")) for t in ("", "_floor"))
            return (None, None) if v is None or f is None else (v - f, f)
        terms = [(locking("attend_A", a), locking("attend_B", a)), (locking("attend_B", b), locking("attend_A", b))]
        if any(x[0] is None for pair in terms for x in pair):
            out[band] = (None, None)
            continue
        change = float(np.mean([inn[0] - out_[0] for inn, out_ in terms]))
        floor = float(np.mean([x[1] for pair in terms for x in pair]))
        out[band] = (change, floor)
    return out


def _groups(trials: Trials, n_groups: int, seed: int) -> np.ndarray:
    """(n_trials,) group id 0..n_groups-1, dealt round-robin within each design cell in a seeded order."""
    rng = np.random.default_rng(seed)
    cells = strata(trials)
    gid = np.zeros(trials.n_trials, int)
    start = 0
    for c in np.unique(cells):
        members = rng.permutation(np.flatnonzero(cells == c))
        gid[members] = (start + np.arange(members.size)) % n_groups
        start += members.size
    return gid


def spike_field_changes(trials: Trials, activity: Activity, *, n_groups: int = N_GROUPS,
                        seed: int = 0) -> dict[str, Jackknife]:
    """{"gamma": Jackknife, "low": Jackknife}: row 11's change with its jackknife interval and floor.

    `trials`, `activity`: a sensory view (`sim.analysis.sensory.sensory_view`). n_groups: G of the
    module docstring (no interval with n_groups < 2).
    """
    full = changes(trials, activity)
    reps: dict[str, list[float]] = {band: [] for band in BANDS}
    if n_groups >= 2 and any(v[0] is not None for v in full.values()):
        gid = _groups(trials, n_groups, seed)
        for g in range(n_groups):
            keep = np.flatnonzero(gid != g)
            try:
                part = changes(trials.subset(keep), activity.take(keep))
            except (KeyError, ValueError):
                part = {}
            for band in BANDS:
                v = part.get(band, (None, None))[0]
                if v is not None:
                    reps[band].append(v)
    from scipy.stats import t as t_dist
    out = {}
    for band in BANDS:
        est, floor = full[band]
        r = np.asarray(reps[band], float)
        lo = hi = None
        if est is not None and r.size == n_groups and n_groups >= 2:
            se = math.sqrt((n_groups - 1) / n_groups * float(np.sum((r - r.mean()) ** 2)))
            q = float(t_dist.ppf(0.975, n_groups - 1))
            lo, hi = est - q * se, est + q * se
        out[band] = Jackknife(est, lo, hi, trials.n_trials, floor)
    return out

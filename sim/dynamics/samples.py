"""The condition x time samples every dynamics and geometry metric reads, built in one place.

DSA (dsa.py), the shape metrics (shape.py) and RSA (rsa.py) compare two models on the same
samples: the trials of each stimulus cell (`attnsim.analysis.trajectories.basic_labels`:
condition, split by stimulus level), on a chosen task epoch, on a common time grid, from a
chosen population of the model. This module builds them once, and says what they are:

    trials[c]  (n_trials_c, T, N)   single-trial rates of cell c at times t_ms (linear interpolation)
    means[c]   (T, N)               mean over the trials of cell c
    ci[t]      (N,)                 condition-independent mean: mean over cells of means[c, t]

With `subtract_condition_mean=True` the condition-independent mean is removed from the means
and from every trial (the demixing of Kobak et al. 2016, eLife 5:e10989, as in
`attnsim.analysis.cka`): what is left is the condition code, not the time course all cells share.

The population follows `Activity.roles` (models/activity.py): "sensory", "hidden" or
"decision" take every group of that role; "auto" takes the sensory groups, else the hidden
ones, else every unit; "all" takes every unit; any other string names one group. An Activity
without the role asked for raises NotApplicable naming what it has.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from attnsim.analysis.trajectories import basic_labels, resample
from attnsim.analysis.windows import epoch_ms
from attnsim.errors import NotApplicable
from attnsim.models.activity import DECISION, HIDDEN, SENSORY, Activity
from attnsim.tasks.trials import Trials

POPULATIONS = ("auto", "all", SENSORY, HIDDEN, DECISION)


@dataclass(frozen=True)
class Samples:
    """Condition x time samples of one model (module docstring).

    means: (C, T, N) condition means; trials: C arrays (n_trials_c, T, N); conditions: the C
    cell labels; time_ms: (T,) times from trial start; population: what the N units are
    ("sensory: A_L23E, B_L23E"); epoch; condition_mean_removed; condition_independent: (T, N)
    the mean removed (zeros when kept).
    """

    means: np.ndarray
    trials: list[np.ndarray]
    conditions: list[str]
    time_ms: np.ndarray
    population: str
    epoch: str
    condition_mean_removed: bool
    condition_independent: np.ndarray = field(repr=False)

    @property
    def n_units(self) -> int:
        return self.means.shape[2]

    @property
    def n_trials(self) -> np.ndarray:
        """(C,) trials per condition."""
        return np.array([t.shape[0] for t in self.trials])

    def describe(self) -> str:
        """One line for a report: what the samples are."""
        removed = ", condition-independent mean removed" if self.condition_mean_removed else ""
        return (f"{len(self.conditions)} conditions x {self.time_ms.size} times ({self.epoch}, "
                f"step {self._step():g} ms) of {self.population} ({self.n_units} units), "
                f"{int(self.n_trials.min())}-{int(self.n_trials.max())} trials per condition{removed}")

    def _step(self) -> float:
        return float(self.time_ms[1] - self.time_ms[0]) if self.time_ms.size > 1 else float("nan")

    def flat_means(self) -> np.ndarray:
        """(C T, N): the means as (condition, time) samples, condition-major."""
        return self.means.reshape(-1, self.n_units)


def population_units(activity: Activity, population: str = "auto") -> tuple[np.ndarray, str]:
    """(unit indices, description) of a population of `activity` (module docstring)."""
    n = activity.rates.shape[2]
    if population == "all":
        return np.arange(n), f"all units ({', '.join(activity.groups)})"
    if population == "auto":
        for role in (SENSORY, HIDDEN):
            if activity.groups_with_role(role):
                return population_units(activity, role)
        return population_units(activity, "all")
    if population in (SENSORY, HIDDEN, DECISION):
        groups = activity.groups_with_role(population)
        if not groups:
            raise NotApplicable(f"n/a: no {population} population ({activity.describe_roles() or 'no roles named'})")
    elif population in activity.groups:
        groups = [population]
    else:
        raise NotApplicable(f"population {population!r}: expected one of {list(POPULATIONS)} or a group "
                            f"of {sorted(activity.groups)}")
    idx = np.concatenate([np.arange(n)[activity.groups[g]] for g in groups])
    return idx, f"{population}: {', '.join(groups)}" if population != groups[0] else f"group {groups[0]}"


def time_grid(trials: Trials, activity: Activity, epoch: str | None, dt_ms: float | None) -> np.ndarray:
    """Times (ms from trial start) on `epoch` (None: the whole recording), step dt_ms (default the recording's)."""
    step = activity.dt_ms if dt_ms is None else float(dt_ms)
    if not step > 0:
        raise ValueError(f"dt_ms must be > 0 (got {dt_ms})")
    t_end = (activity.rates.shape[1] - 1) * activity.dt_ms
    t0, t1 = (0.0, t_end + activity.dt_ms) if epoch is None else epoch_ms(trials, epoch)
    t = np.arange(t0, min(t1, t_end + 1e-9) - 1e-9, step)
    if t.size < 2:
        raise NotApplicable(f"epoch {epoch!r}: fewer than 2 samples at step {step:g} ms")
    return t


def condition_samples(trials: Trials, activity: Activity, *, epoch: str | None = "stimulus",
                      population: str = "auto", dt_ms: float | None = None,
                      subtract_condition_mean: bool = False,
                      labels: dict[str, np.ndarray] | None = None) -> Samples:
    """The condition x time samples of one model (module docstring).

    trials / activity: the task's trials and the model's Activity on them; epoch: a task epoch
    (None: the whole recording); population: see `population_units`; dt_ms: step of the time
    grid (default the recording's; give the same step to every model compared); labels: cell
    label -> trial indices (default `basic_labels`). Cells without trials are left out.
    """
    if activity.rates.shape[0] != trials.n_trials:
        raise ValueError(f"activity has {activity.rates.shape[0]} trials, the task {trials.n_trials}")
    units, described = population_units(activity, population)
    t = time_grid(trials, activity, epoch, dt_ms)
    labels = basic_labels(trials) if labels is None else labels
    names = [k for k, idx in labels.items() if len(idx)]
    if not names:
        raise NotApplicable("no condition has trials")
    rates = activity.rates[:, :, units]
    per_cond = [np.stack([resample(rates[i], activity.dt_ms, t) for i in labels[k]]) for k in names]
    means = np.stack([x.mean(axis=0) for x in per_cond])
    ci = means.mean(axis=0) if subtract_condition_mean else np.zeros_like(means[0])
    return Samples(means=means - ci, trials=[x - ci for x in per_cond], conditions=names, time_ms=t,
                   population=described, epoch=epoch or "whole trial",
                   condition_mean_removed=subtract_condition_mean, condition_independent=ci)

"""What a model returns for a batch of trials: the same shape for every family."""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


@dataclass
class Activity:
    """Activity of one model on a batch of trials.

    rates: (n_trials, n_steps, n_units) sampled every `dt_ms`; Hz for brain
        models, arbitrary units for artificial ones (`rate_unit` says which).
    groups: group name -> slice over the unit axis ("pool_A", "L23e", "hidden").
    selective_groups: the two groups that represent stimulus A and stimulus B
        (used by modulation index, selection latency, ...); their rates are >= 0.
    choice: (n_trials,) readout decision, 0 = A, 1 = B, -1 = none.
    reaction_time_ms: (n_trials,) from stimulus onset; NaN where undefined.
    spikes: for spiking models, group -> list (one per trial) of
        (node_ids int array, times_ms float array relative to trial start);
        `group_sizes` gives the number of neurons of each spiking group.
    extras: anything family-specific worth storing (attention weights, outputs).
    location_reports: (n_trials, 2) int, optional: an independent yes/no judgment
        per location (column 0 = A, 1 = B): 1 "present", 0 "absent", -1 none.
        Filled on dual-report tasks, where each location is judged on its own.
    location_evidence: (n_trials, 2) float, optional: the decision variable
        behind each location's report (larger = more evidence for "present").
    """

    rates: np.ndarray
    dt_ms: float
    groups: dict[str, slice]
    selective_groups: tuple[str, str]
    choice: np.ndarray
    reaction_time_ms: np.ndarray
    rate_unit: str = "Hz"
    spikes: dict[str, list[tuple[np.ndarray, np.ndarray]]] | None = None
    group_sizes: dict[str, int] = field(default_factory=dict)
    extras: dict[str, np.ndarray] = field(default_factory=dict)
    location_reports: np.ndarray | None = None
    location_evidence: np.ndarray | None = None

    def __post_init__(self):
        if self.rates.ndim != 3:
            raise ValueError(f"Activity.rates must be (trials, steps, units), got shape {self.rates.shape}")
        n = self.rates.shape[0]
        for name in ("choice", "reaction_time_ms"):
            if np.shape(getattr(self, name)) != (n,):
                raise ValueError(f"Activity.{name} must have shape ({n},), got {np.shape(getattr(self, name))}")
        for name in ("location_reports", "location_evidence"):
            value = getattr(self, name)
            if value is not None and np.shape(value) != (n, 2):
                raise ValueError(f"Activity.{name} must have shape ({n}, 2), got {np.shape(value)}")
        for g in self.selective_groups:
            if g not in self.groups:
                raise ValueError(f"Activity.selective_groups names {g!r}, not one of {sorted(self.groups)}")

    @property
    def n_trials(self) -> int:
        return self.rates.shape[0]

    def group_rate(self, name: str) -> np.ndarray:
        """Mean rate of one group, (n_trials, n_steps)."""
        return self.rates[:, :, self.groups[name]].mean(axis=2)

    def head(self, n: int) -> "Activity":
        """The first n trials (drops padding trials added to keep a batch size fixed)."""
        if n == self.n_trials:
            return self
        return self.take(np.arange(n))

    def take(self, idx) -> "Activity":
        """The trials `idx` (an int index array, repeats allowed: bootstrap resamples), in that order."""
        idx = np.asarray(idx, dtype=np.int64)
        spikes = None if self.spikes is None else {g: [v[i] for i in idx] for g, v in self.spikes.items()}
        extras = {k: v[idx] for k, v in self.extras.items()}
        optional = {name: (None if getattr(self, name) is None else getattr(self, name)[idx])
                    for name in ("location_reports", "location_evidence")}
        return Activity(rates=self.rates[idx], dt_ms=self.dt_ms, groups=dict(self.groups),
                        selective_groups=self.selective_groups, choice=self.choice[idx],
                        reaction_time_ms=self.reaction_time_ms[idx], rate_unit=self.rate_unit, spikes=spikes,
                        group_sizes=dict(self.group_sizes), extras=extras, **optional)

    @staticmethod
    def concatenate(parts: list["Activity"]) -> "Activity":
        """Join activities of consecutive trial chunks (same model, same groups)."""
        first = parts[0]
        spikes = None
        if first.spikes is not None:
            spikes = {g: [tr for p in parts for tr in p.spikes[g]] for g in first.spikes}
        extras = {}
        for k in first.extras:
            if all(k in p.extras for p in parts):
                extras[k] = np.concatenate([p.extras[k] for p in parts], axis=0)
        return Activity(
            rates=np.concatenate([p.rates for p in parts], axis=0),
            dt_ms=first.dt_ms,
            groups=dict(first.groups),
            selective_groups=first.selective_groups,
            choice=np.concatenate([p.choice for p in parts]),
            reaction_time_ms=np.concatenate([p.reaction_time_ms for p in parts]),
            rate_unit=first.rate_unit,
            spikes=spikes,
            group_sizes=dict(first.group_sizes),
            extras=extras,
            **{name: (np.concatenate([getattr(p, name) for p in parts], axis=0)
                      if all(getattr(p, name) is not None for p in parts) else None)
               for name in ("location_reports", "location_evidence")},
        )

"""Trials of a task from plain keyword values, for tests, benchmarks and notebooks.

`make_selective(n_trials=..., dt_ms=..., timing_ms=..., contrasts=[...], seed=...)` and its
siblings call `trials_from_values`: the keyword arguments are the task Spec's keys, validated
by that Spec (the ranges and defaults declared there once), and the trials are the task's
`build`, the same as a scenario with those keys gives.
"""
from __future__ import annotations

import typing

from attnsim.tasks.trials import Trials


def trials_from_values(task, *, n_trials: int, dt_ms: float, timing_ms: dict[str, float], seed: int = 0,
                       **params) -> Trials:
    """`n_trials` trials of `task` (a task class) from `seed`, with `dt_ms`, the epochs of its
    timing taken from `timing_ms` (other keys ignored) and `params` as the rest of its Spec."""
    spec_cls = task.Spec
    (kind,) = typing.get_args(spec_cls.model_fields["kind"].annotation)
    epochs = spec_cls.model_fields["timing"].annotation.model_fields
    spec = spec_cls(kind=kind, dt=dt_ms, timing={name: timing_ms[name] for name in epochs}, **params)
    return task.build(spec, seed=seed, n_trials=n_trials)

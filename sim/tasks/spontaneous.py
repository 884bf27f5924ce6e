"""Spontaneous activity: no stimulus, no cue. A transient is discarded and
activity is measured in the "measure" epoch (PD14, Brunel 2000 protocols).
Each trial is an independent repetition (its own seed)."""
from __future__ import annotations

from typing import Literal

import numpy as np
from pydantic import Field

from attnsim.registries import TASKS
from attnsim.spec.quantities import DurationMs, PositiveDurationMs
from attnsim.spec.strict import Strict
from attnsim.tasks.plain import trials_from_values
from attnsim.tasks.spec_base import WholeStepTiming
from attnsim.tasks.timeline import timeline
from attnsim.tasks.trials import Trials
from attnsim.tasks.vocabulary import CHANNELS, CONDITION, SPONTANEOUS


class SpontaneousTiming(Strict):
    """transient -> measure (ms); no input in either."""
    # ms discarded while the network settles from its initial state (docs/reference.md row 1: 0.1 s)
    transient: DurationMs = 100.0
    # ms over which rates, CVs and spectra are measured, the analysis window (row 1: at least 1 s)
    measure: PositiveDurationMs = 1000.0


class SpontaneousSpec(WholeStepTiming, Strict):
    """No input: spontaneous activity, measured after a transient (PD14, Brunel 2000)."""
    kind: Literal["spontaneous"]      # chooses this task
    n_trials: int = Field(3, ge=1, le=10000)     # independent repetitions, each from its own seed
    dt: PositiveDurationMs = 1.0      # ms per step of the trials' (all-zero) inputs; every epoch whole steps
    timing: SpontaneousTiming = SpontaneousTiming()   # the epochs' durations, ms (block below)


@TASKS.register("spontaneous")
class SpontaneousTask:
    """no input; spontaneous activity measured after a transient (PD14, Brunel 2000)

    See the module docstring.
    """
    paper = "Potjans & Diesmann 2014 Cereb Cortex 24:785; Brunel 2000 J Comput Neurosci 8:183"
    Spec = SpontaneousSpec

    @staticmethod
    def build(spec: SpontaneousSpec, seed: int, n_trials: int) -> Trials:
        epochs, n_steps = timeline(spec.timing.model_dump(), spec.dt)
        inputs = np.zeros((n_trials, n_steps, len(CHANNELS)))
        return Trials(dt_ms=spec.dt, inputs=inputs, channels=CHANNELS, target=np.full(n_trials, -1), epochs=epochs,
                      conditions={CONDITION: np.array([SPONTANEOUS] * n_trials)})

    @staticmethod
    def n_cells(spec: SpontaneousSpec) -> int:
        """A single cell: every trial is the same condition."""
        return 1


def make_spontaneous(*, n_trials: int, dt_ms: float, timing_ms: dict[str, float], seed: int = 0) -> Trials:
    """Trials of the spontaneous task from plain values (no input: `seed` changes nothing)."""
    return trials_from_values(SpontaneousTask, n_trials=n_trials, dt_ms=dt_ms, timing_ms=timing_ms, seed=seed)

"""Spontaneous activity: no stimulus, no cue. A transient is discarded and
activity is measured in the "measure" epoch (PD14, Brunel 2000 protocols).
Each trial is an independent repetition (its own seed)."""
from __future__ import annotations

from typing import Literal

import numpy as np
from pydantic import Field

from attnsim.registries import TASKS
from attnsim.scenario.quantities import DurationMs, PositiveDurationMs
from attnsim.scenario.schema import Strict
from attnsim.tasks.spec_base import WholeStepTiming
from attnsim.tasks.trials import CHANNELS, Trials, timeline

EPOCHS = ("transient", "measure")


def make_spontaneous(*, n_trials: int, dt_ms: float, timing_ms: dict[str, float], seed: int = 0) -> Trials:
    epochs, n_steps = timeline({k: timing_ms[k] for k in EPOCHS}, dt_ms)
    inputs = np.zeros((n_trials, n_steps, len(CHANNELS)))
    return Trials(dt_ms=dt_ms, inputs=inputs, channels=CHANNELS, target=np.full(n_trials, -1), epochs=epochs,
                  conditions={"condition": np.array(["spontaneous"] * n_trials)})


class SpontaneousTiming(Strict):
    transient: DurationMs = 100.0
    measure: PositiveDurationMs = 1000.0


class SpontaneousSpec(WholeStepTiming, Strict):
    """No input: spontaneous activity, measured after a transient (PD14, Brunel 2000)."""
    kind: Literal["spontaneous"]
    n_trials: int = Field(3, ge=1, le=10000)
    dt: PositiveDurationMs = 1.0
    timing: SpontaneousTiming = SpontaneousTiming()


@TASKS.register("spontaneous")
class SpontaneousTask:
    """no input; spontaneous activity measured after a transient (PD14, Brunel 2000)

    See the module docstring (`make_spontaneous`).
    """
    paper = "Potjans & Diesmann 2014 Cereb Cortex 24:785; Brunel 2000 J Comput Neurosci 8:183"
    Spec = SpontaneousSpec

    @staticmethod
    def build(spec: SpontaneousSpec, seed: int, n_trials: int) -> Trials:
        return make_spontaneous(n_trials=n_trials, dt_ms=spec.dt, timing_ms=spec.timing.model_dump(), seed=seed)

    @staticmethod
    def n_cells(spec: SpontaneousSpec) -> int:
        """A single cell: every trial is the same condition."""
        return 1

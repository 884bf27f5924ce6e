"""Sustained attention: a brief cue, then a delay, then both stimuli.

fixation -> cue -> delay -> stimulus -> response. The cue is on only in the
cue epoch; to pick the cued stimulus after the delay a model must hold the
cue (self-sustained activity in the brain models, memory in the recurrent
networks). Both stimuli have the same contrast, so nothing but the held cue
decides. Delay length is one value per scenario: sweep `task.timing.delay`
to see accuracy against delay.
"""
from __future__ import annotations

from typing import Literal

import numpy as np
from pydantic import Field

from attnsim.registries import TASKS
from attnsim.scenario.quantities import DurationMs, PositiveDurationMs
from attnsim.scenario.schema import Strict
from attnsim.tasks.spec_base import Contrast, WholeStepTiming
from attnsim.tasks.trials import CHANNELS, Trials, cell_labels, condition_cells, timeline

CONDITIONS = ("attend_A", "attend_B")
EPOCHS = ("fixation", "cue", "delay", "stimulus", "response")


def make_sustained(*, n_trials: int, dt_ms: float, timing_ms: dict[str, float], contrasts: list[float],
                   conditions: list[str], cue_strength: float = 1.0, seed: int = 0) -> Trials:
    rng = np.random.default_rng(seed)
    epochs, n_steps = timeline({k: timing_ms[k] for k in EPOCHS}, dt_ms)
    assigned, inputs, target = condition_cells(n_trials, conditions, contrasts, n_steps, rng)
    for i, (c, k) in enumerate(assigned):
        att = 0 if c == "attend_A" else 1
        target[i] = att
        inputs[i, epochs["cue"], 2 + att] = cue_strength
        inputs[i, epochs["stimulus"], 0] = inputs[i, epochs["stimulus"], 1] = k
    return Trials(dt_ms=dt_ms, inputs=inputs, channels=CHANNELS, target=target, epochs=epochs,
                  conditions=cell_labels(assigned))


class SustainedTiming(Strict):
    fixation: DurationMs = 300.0
    cue: PositiveDurationMs = 200.0
    delay: DurationMs = 500.0
    stimulus: PositiveDurationMs = 500.0
    response: PositiveDurationMs = 200.0


class SustainedSpec(WholeStepTiming, Strict):
    """Brief cue, delay, then both stimuli at equal contrast: only the held cue decides."""
    kind: Literal["sustained"]
    n_trials: int = Field(40, ge=1, le=100000)
    dt: PositiveDurationMs = 1.0
    timing: SustainedTiming = SustainedTiming()
    contrasts: list[Contrast] = Field(default_factory=lambda: [0.5], min_length=1)
    conditions: list[Literal["attend_A", "attend_B"]] = Field(
        default_factory=lambda: ["attend_A", "attend_B"], min_length=1)
    cue_strength: float = Field(1.0, ge=0.0, le=1.0)


@TASKS.register("sustained")
class SustainedTask:
    """brief cue, delay, then both stimuli: persistence of the cued representation

    See the module docstring for the timeline (`make_sustained`).
    """
    Spec = SustainedSpec

    @staticmethod
    def build(spec: SustainedSpec, seed: int, n_trials: int) -> Trials:
        return make_sustained(n_trials=n_trials, dt_ms=spec.dt, timing_ms=spec.timing.model_dump(),
                              contrasts=spec.contrasts, conditions=spec.conditions,
                              cue_strength=spec.cue_strength, seed=seed)

    @staticmethod
    def n_cells(spec: SustainedSpec) -> int:
        """conditions x contrasts."""
        return len(spec.conditions) * len(spec.contrasts)

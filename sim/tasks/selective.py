"""Selective attention (cueing, biased competition).

Two stimuli A and B share one receptive field. A cue (top-down bias) names
the stimulus to attend; the correct answer is the attended stimulus. The
attended stimulus is shown at `contrast`, the other at
`contrast * distractor_ratio`. On neutral trials neither is cued and one
stimulus (chosen at random) is shown at `contrast`, the other at
`contrast * neutral_ratio`: the correct answer is the stronger one.

Timeline (NeuroGym style): fixation -> cue -> stimulus -> response. The cue
stays on through the stimulus when `cue_persists` (sustained top-down bias).
"""
from __future__ import annotations

from typing import Literal

import numpy as np
from pydantic import Field

from attnsim.registries import TASKS
from attnsim.scenario.quantities import PositiveDurationMs
from attnsim.scenario.schema import Strict
from attnsim.tasks.spec_base import Contrast, CuedTiming
from attnsim.tasks.trials import CHANNELS, Trials, cell_labels, condition_cells, timeline

CONDITIONS = ("attend_A", "attend_B", "neutral")
EPOCHS = ("fixation", "cue", "stimulus", "response")


def make_selective(*, n_trials: int, dt_ms: float, timing_ms: dict[str, float], contrasts: list[float],
                   conditions: list[str], distractor_ratio: float = 1.0, neutral_ratio: float = 0.5,
                   cue_strength: float = 1.0, cue_persists: bool = True, seed: int = 0) -> Trials:
    rng = np.random.default_rng(seed)
    epochs, n_steps = timeline({k: timing_ms[k] for k in EPOCHS}, dt_ms)
    assigned, inputs, target = condition_cells(n_trials, conditions, contrasts, n_steps, rng)
    stim = epochs["stimulus"]
    cue_on = slice(epochs["cue"].start, stim.stop if cue_persists else epochs["cue"].stop)
    for i, (c, k) in enumerate(assigned):
        if c == "neutral":
            strong = int(rng.integers(2))
            levels = [k * neutral_ratio, k * neutral_ratio]
            levels[strong] = k
            target[i] = strong
        else:
            att = 0 if c == "attend_A" else 1
            levels = [k * distractor_ratio, k * distractor_ratio]
            levels[att] = k
            target[i] = att
            inputs[i, cue_on, 2 + att] = cue_strength
        inputs[i, stim, 0] = levels[0]
        inputs[i, stim, 1] = levels[1]
    return Trials(dt_ms=dt_ms, inputs=inputs, channels=CHANNELS, target=target, epochs=epochs,
                  conditions=cell_labels(assigned))


class SelectiveSpec(Strict):
    """The `task:` block of the selective task (see the module docstring)."""
    kind: Literal["selective"]
    n_trials: int = Field(60, ge=1, le=100000)
    dt: PositiveDurationMs = 1.0
    timing: CuedTiming = CuedTiming()
    contrasts: list[Contrast] = Field(default_factory=lambda: [0.1, 0.3, 0.5], min_length=1)
    conditions: list[Literal["attend_A", "attend_B", "neutral"]] = Field(
        default_factory=lambda: ["attend_A", "attend_B", "neutral"], min_length=1)
    distractor_ratio: float = Field(1.0, ge=0.0, le=1.0)
    neutral_ratio: float = Field(0.5, ge=0.0, le=1.0)
    cue_strength: float = Field(1.0, ge=0.0, le=1.0)
    cue_persists: bool = True


@TASKS.register("selective")
class SelectiveTask:
    """two stimuli in one receptive field; a cue says which to attend (cueing, biased competition)

    See the module docstring for the trial structure (`make_selective`).
    """
    Spec = SelectiveSpec

    @staticmethod
    def build(spec: SelectiveSpec, seed: int, n_trials: int) -> Trials:
        return make_selective(n_trials=n_trials, dt_ms=spec.dt, timing_ms=spec.timing.model_dump(),
                              contrasts=spec.contrasts, conditions=spec.conditions,
                              distractor_ratio=spec.distractor_ratio, neutral_ratio=spec.neutral_ratio,
                              cue_strength=spec.cue_strength, cue_persists=spec.cue_persists, seed=seed)

    @staticmethod
    def n_cells(spec: SelectiveSpec) -> int:
        """conditions x contrasts."""
        return len(spec.conditions) * len(spec.contrasts)

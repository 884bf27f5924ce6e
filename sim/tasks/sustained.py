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
from attnsim.spec.quantities import DurationMs, PositiveDurationMs
from attnsim.spec.strict import Strict
from attnsim.tasks.cells import cell_labels, condition_cells
from attnsim.tasks.plain import trials_from_values
from attnsim.tasks.spec_base import Contrast, Fraction, WholeStepTiming
from attnsim.tasks.timeline import timeline
from attnsim.tasks.trials import Trials
from attnsim.tasks.vocabulary import CHANNELS, CUE, CUED, STIM, channel


class SustainedTiming(Strict):
    """fixation -> cue -> delay -> stimulus -> response (ms); the cue is on in the cue epoch only."""
    fixation: DurationMs = 300.0          # ms with no input before the cue: the baseline persistence compares with
    cue: PositiveDurationMs = 200.0       # ms the cue is on (docs/reference.md row 13: a cue of 200-500 ms)
    # ms between cue offset and stimulus onset, no input: the cue must be held (row 13: a delay of at least 1 s);
    # sweep it for accuracy against delay
    delay: DurationMs = 500.0
    stimulus: PositiveDurationMs = 500.0  # ms both stimuli are on, at equal contrast
    # ms after the stimulus, no input: the ANNs are trained and scored here (NeuroGym's decision period)
    response: PositiveDurationMs = 200.0


class SustainedSpec(WholeStepTiming, Strict):
    """Brief cue, delay, then both stimuli at equal contrast: only the held cue decides."""
    kind: Literal["sustained"]        # chooses this task
    # trials in the run, spread evenly over the condition x contrast cells in a seeded order
    n_trials: int = Field(40, ge=1, le=100000)
    dt: PositiveDurationMs = 1.0      # ms per step of the trials' inputs; every epoch whole steps
    timing: SustainedTiming = SustainedTiming()   # the epochs' durations, ms (block below)
    # level of both stimuli, equal so that only the held cue decides, fraction of full drive; one cell each
    contrasts: list[Contrast] = Field(default_factory=lambda: [0.5], min_length=1)
    # trial types, balanced: attend_A / attend_B cue that stimulus, which is the target
    conditions: list[Literal[CUED]] = Field(default_factory=lambda: list(CUED), min_length=1)
    # cue channel level in the cue epoch, fraction of full cue (each model scales it, e.g. spiking_competition's
    # cue_rate_hz)
    cue_strength: Fraction = 1.0


@TASKS.register("sustained")
class SustainedTask:
    """brief cue, delay, then both stimuli: persistence of the cued representation

    See the module docstring for the timeline.
    """
    Spec = SustainedSpec

    @staticmethod
    def build(spec: SustainedSpec, seed: int, n_trials: int) -> Trials:
        rng = np.random.default_rng(seed)
        epochs, n_steps = timeline(spec.timing.model_dump(), spec.dt)
        assigned, inputs, target = condition_cells(n_trials, spec.conditions, spec.contrasts, n_steps, rng)
        for i, (c, k) in enumerate(assigned):
            cued = CUED.index(c)
            target[i] = cued
            inputs[i, epochs["cue"], channel(CUE[cued])] = spec.cue_strength
            for stim in STIM:
                inputs[i, epochs["stimulus"], channel(stim)] = k
        return Trials(dt_ms=spec.dt, inputs=inputs, channels=CHANNELS, target=target, epochs=epochs,
                      conditions=cell_labels(assigned))

    @staticmethod
    def n_cells(spec: SustainedSpec) -> int:
        """conditions x contrasts."""
        return len(spec.conditions) * len(spec.contrasts)


def make_sustained(*, n_trials: int, dt_ms: float, timing_ms: dict[str, float], seed: int = 0, **params) -> Trials:
    """Trials of the sustained task from plain values; `params` are SustainedSpec's keys."""
    return trials_from_values(SustainedTask, n_trials=n_trials, dt_ms=dt_ms, timing_ms=timing_ms, seed=seed,
                              **params)

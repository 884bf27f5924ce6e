"""Two-choice discrimination (random-dot motion, Wong & Wang 2006 protocol).

stim_A = s0 (1 + c/100) and stim_B = s0 (1 - c/100) during the stimulus
epoch, no cue. The correct answer is A for c > 0; at c = 0 there is no
correct answer, so the target is drawn at random (accuracy there is chance by
construction; read `p_choice_A` instead).
"""
from __future__ import annotations

from typing import Annotated, Literal

import numpy as np
from pydantic import Field

from attnsim.registries import TASKS
from attnsim.spec.quantities import DurationMs, PositiveDurationMs
from attnsim.spec.strict import Strict
from attnsim.tasks.cells import balanced_cells
from attnsim.tasks.plain import trials_from_values
from attnsim.tasks.spec_base import WholeStepTiming
from attnsim.tasks.timeline import timeline
from attnsim.tasks.trials import Trials
from attnsim.tasks.vocabulary import CHANNELS, COHERENCE, CONDITION, STIM_A, STIM_B, channel, coherence_label


class DiscriminationTiming(Strict):
    """fixation -> stimulus -> response (ms); no cue."""
    fixation: DurationMs = 200.0          # ms with no input before the stimulus
    # ms the stimuli are on; the choice is the first pool to reach threshold, the reaction time counted from
    # onset (docs/reference.md row 7's chronometric curve)
    stimulus: PositiveDurationMs = 2000.0
    # ms after the stimulus, no input; 0: a reaction-time task, the choice read in the stimulus epoch alone
    response: DurationMs = 0.0


class DiscriminationSpec(WholeStepTiming, Strict):
    """Random-dot style two-choice discrimination: stim_A = s0 (1 + c/100), stim_B = s0 (1 - c/100)."""
    kind: Literal["discrimination"]   # chooses this task
    n_trials: int = Field(200, ge=1, le=1000000)   # trials in the run, spread evenly over the coherences
    dt: PositiveDurationMs = 1.0      # ms per step of the trials' inputs; every epoch whole steps
    timing: DiscriminationTiming = DiscriminationTiming()   # the epochs' durations, ms (block below)
    # motion coherence c, percent (Wong & Wang 2006's c'); one cell each, the points of the psychometric and
    # chronometric curves of docs/reference.md row 7 (c = 0: no right answer, the target drawn at random)
    coherences: list[Annotated[float, Field(ge=0.0, le=100.0)]] = Field(
        default_factory=lambda: [0.0, 3.2, 6.4, 12.8, 25.6, 51.2], min_length=1)
    # the two stimuli's mean level, fraction of full drive (each model scales it, e.g. rate_competition's mu_max_hz);
    # <= 0.5 keeps s0 (1 + c/100) <= 1
    s0: float = Field(0.5, gt=0.0, le=0.5)


@TASKS.register("discrimination")
class DiscriminationTask:
    """two-choice random-dot discrimination at several coherences (Wong & Wang 2006 protocol)

    See the module docstring for the inputs.
    """
    paper = "Wong & Wang 2006 J Neurosci 26:1314"
    Spec = DiscriminationSpec

    @staticmethod
    def build(spec: DiscriminationSpec, seed: int, n_trials: int) -> Trials:
        rng = np.random.default_rng(seed)
        epochs, n_steps = timeline(spec.timing.model_dump(), spec.dt)
        assigned = balanced_cells(n_trials, list(spec.coherences), rng)
        inputs = np.zeros((n_trials, n_steps, len(CHANNELS)))
        stim = epochs["stimulus"]
        coh = np.asarray(assigned, dtype=float)
        inputs[:, stim, channel(STIM_A)] = (spec.s0 * (1 + coh / 100.0))[:, None]
        inputs[:, stim, channel(STIM_B)] = (spec.s0 * (1 - coh / 100.0))[:, None]
        target = np.where(coh > 0, 0, rng.integers(0, 2, n_trials))
        labels = np.array([coherence_label(c) for c in coh])
        return Trials(dt_ms=spec.dt, inputs=inputs, channels=CHANNELS, target=target.astype(int), epochs=epochs,
                      conditions={CONDITION: labels, COHERENCE: coh})

    @staticmethod
    def n_cells(spec: DiscriminationSpec) -> int:
        """One cell per coherence."""
        return len(spec.coherences)


def make_discrimination(*, n_trials: int, dt_ms: float, timing_ms: dict[str, float], seed: int = 0,
                        **params) -> Trials:
    """Trials of the discrimination task from plain values; `params` are DiscriminationSpec's keys."""
    return trials_from_values(DiscriminationTask, n_trials=n_trials, dt_ms=dt_ms, timing_ms=timing_ms, seed=seed,
                              **params)

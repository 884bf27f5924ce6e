"""What the task `Spec`s share: the contrast type, the cued-trial timeline, the check that the
timing is whole dt steps, errors located at a key, and the base of the two-location cued tasks
(divided, dual_report).

A task's `Spec` is the pydantic model of a scenario's `task:` block (unknown keys rejected,
ranges and units checked, every default written into the resolved scenario). A bundled Spec
declares `kind: Literal["<name>"]`; an outside task, named `kind: package.module:Class` in a
scenario, declares `kind: str` so that the reference string validates.

Key order matters: the resolved scenario.yaml lists a task's keys in the order of its Spec's
fields, which pydantic takes from the classes of the MRO, bases first; a subclass that
re-declares a base field (to narrow `kind` or change a default) keeps the base's position.
"""
from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, ValidationError, model_validator
from pydantic_core import InitErrorDetails, PydanticCustomError

from attnsim.spec.quantities import DurationMs, PositiveDurationMs
from attnsim.spec.strict import Strict
from attnsim.tasks.timeline import timing_problems
from attnsim.tasks.vocabulary import DIVIDED, FOCUSED_A, FOCUSED_B

TWO_LOCATION_CONDITIONS = (FOCUSED_A, FOCUSED_B, DIVIDED)
Contrast = Annotated[float, Field(ge=0.0, le=1.0)]
Fraction = Annotated[float, Field(ge=0.0, le=1.0)]


def key_errors(title: str, errors: list[tuple[tuple, str, object]]) -> ValidationError:
    """A ValidationError located at the given keys: (key path, message, value given) per error.

    Raised inside a model validator, pydantic reports each error at its key below the model, as
    for a field's own error; a scenario's error lines then name the key (task.timing.cue), its
    line, and the message."""
    return ValidationError.from_exception_data(title, [
        InitErrorDetails(type=PydanticCustomError("task_value", msg), loc=loc, input=value)
        for loc, msg, value in errors])


class WholeStepTiming:
    """Mixin of a Spec with `dt` and `timing`: each epoch must be a whole number of dt steps (the
    rule of `attnsim.tasks.timeline`), reported at task.timing.<epoch>, or at task.dt when dt is
    longer than an epoch."""

    @model_validator(mode="after")
    def _timing_in_whole_steps(self):
        problems = timing_problems(self.timing.model_dump(), self.dt)
        if problems:
            raise key_errors(type(self).__name__, [(("dt",) if epoch is None else ("timing", epoch), msg, value)
                                                   for epoch, msg, value in problems])
        return self


class CuedTiming(Strict):
    """fixation -> cue -> stimulus -> response (ms); the selective, divided and dual_report timeline."""
    fixation: DurationMs = 300.0            # ms with no input before the cue: the baseline
    # ms the cue is on alone before the stimulus (the cue given before the array, docs/reference.md row 12);
    # 0: no cue epoch, so a cue only with cue_persists, from stimulus onset
    cue: DurationMs = 200.0
    # ms the stimuli are on; the sensory measures (rows 8, 9, 11, 12) and threshold readouts start at its onset
    stimulus: PositiveDurationMs = 500.0
    # ms after the stimulus, no stimulus input: the ANNs are trained and scored here (NeuroGym's decision
    # period); a threshold readout keeps reading through it
    response: PositiveDurationMs = 200.0


class TwoLocationCuedSpec(WholeStepTiming, Strict):
    """A target at location A and/or B; the cue focused on one location or split across both.

    The leading keys the divided and dual_report tasks share. A task combines it with
    `CueDelivery` (the trailing keys) as `class X(CueDelivery, [Extra,] TwoLocationCuedSpec)`,
    so that an `Extra` mixin's keys fall between the two, and narrows `kind`.
    """
    kind: str                                     # chooses the task; each task narrows it to its own name
    # trials in the run, spread evenly over the condition x contrast cells in a seeded order
    n_trials: int = Field(120, ge=1, le=100000)
    dt: PositiveDurationMs = 1.0                  # ms per step of the trials' inputs; every epoch whole steps
    timing: CuedTiming = CuedTiming()             # the epochs' durations, ms (block below)
    # target contrasts, fraction of full stimulus drive (each model scales it); one cell each
    contrasts: list[Contrast] = Field(default_factory=lambda: [0.3], min_length=1)
    # trial types, balanced: focused_A / focused_B put the whole cue on that location, divided splits it
    # evenly (cue_strength / 2 on each); row 10 compares focused with divided
    conditions: list[Literal[TWO_LOCATION_CONDITIONS]] = Field(
        default_factory=lambda: list(TWO_LOCATION_CONDITIONS), min_length=1)


class CueDelivery(Strict):
    """The trailing keys of a two-location cued task: the distractor at the non-target location
    (contrast x distractor_ratio; a task re-declares the default), the cue's drive and whether
    it stays on through the stimulus."""
    # contrast at the non-target location relative to the target (contrast x ratio); 0: that location is blank
    distractor_ratio: Fraction = 0.5
    # cue channel level on a focused trial, fraction of full cue (each model scales it, e.g. spiking_competition's
    # cue_rate_hz); a divided trial gets half of it at each location, the same total
    cue_strength: Fraction = 1.0
    # cue stays on through the stimulus (a sustained top-down bias) vs gone at stimulus onset
    cue_persists: bool = True

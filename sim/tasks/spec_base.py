"""What the task `Spec`s share: the contrast type, the cued-trial timeline, and the base of the
two-location cued tasks (divided, dual_report).

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

from pydantic import Field

from attnsim.scenario.quantities import DurationMs, PositiveDurationMs
from attnsim.scenario.schema import Strict

Contrast = Annotated[float, Field(ge=0.0, le=1.0)]
Fraction = Annotated[float, Field(ge=0.0, le=1.0)]


class CuedTiming(Strict):
    """fixation -> cue -> stimulus -> response (ms); the selective, divided and dual_report timeline."""
    fixation: DurationMs = 300.0
    cue: DurationMs = 200.0
    stimulus: PositiveDurationMs = 500.0
    response: PositiveDurationMs = 200.0


class TwoLocationCuedSpec(Strict):
    """A target at location A and/or B; the cue focused on one location or split across both.

    The leading keys the divided and dual_report tasks share. A task combines it with
    `CueDelivery` (the trailing keys) as `class X(CueDelivery, [Extra,] TwoLocationCuedSpec)`,
    so that an `Extra` mixin's keys fall between the two, and narrows `kind`.
    """
    kind: str
    n_trials: int = Field(120, ge=1, le=100000)
    dt: PositiveDurationMs = 1.0
    timing: CuedTiming = CuedTiming()
    contrasts: list[Contrast] = Field(default_factory=lambda: [0.3], min_length=1)
    conditions: list[Literal["focused_A", "focused_B", "divided"]] = Field(
        default_factory=lambda: ["focused_A", "focused_B", "divided"], min_length=1)


class CueDelivery(Strict):
    """The trailing keys of a two-location cued task: the distractor at the non-target location
    (contrast x distractor_ratio; a task re-declares the default), the cue's drive and whether
    it stays on through the stimulus."""
    distractor_ratio: Fraction = 0.5
    cue_strength: Fraction = 1.0
    cue_persists: bool = True

"""Selective attention (cueing, biased competition).

Two stimuli A and B share one receptive field. A cue (top-down bias) names
the stimulus to attend; the correct answer is the attended stimulus, shown as
the stronger one. On neutral trials neither is cued and one stimulus (chosen
at random) is the stronger: the correct answer is the stronger one.

The stimulus levels are given in one of two forms (a scenario uses one):

- coherence (Wang 2002's c', as a fraction): the stronger stimulus at
  `mean_level * (1 + c)`, the weaker at `mean_level * (1 - c)`, on neutral and
  cued trials alike. Each coherence is a cell; the trials carry it as
  conditions["coherence"]. At c = 0 the stimuli are equal, so a neutral
  trial's target is a coin flip (accuracy is chance by construction).
- contrasts: the attended stimulus at `contrast`, the other at
  `contrast * distractor_ratio`; on neutral trials the stronger at `contrast`,
  the weaker at `contrast * neutral_ratio`. The trials carry
  conditions["contrast"].

Timeline (NeuroGym style): fixation -> cue -> stimulus -> response. The cue
stays on through the stimulus when `cue_persists` (sustained top-down bias).
"""
from __future__ import annotations

from typing import Literal

import numpy as np
from pydantic import Field, model_serializer, model_validator

from attnsim.registries import TASKS
from attnsim.spec.quantities import PositiveDurationMs
from attnsim.spec.strict import Strict
from attnsim.tasks.plain import trials_from_values
from attnsim.tasks.spec_base import Contrast, CuedTiming, Fraction, WholeStepTiming, key_errors
from attnsim.tasks.cells import cell_labels, condition_cells
from attnsim.tasks.timeline import cue_window, timeline
from attnsim.tasks.trials import Trials
from attnsim.tasks.vocabulary import ATTEND_A, ATTEND_B, CHANNELS, COHERENCE, CONDITION, CONTRAST, CUE, CUED, \
    NEUTRAL, STIM, channel

CONDITIONS = (ATTEND_A, ATTEND_B, NEUTRAL)

# the two forms of the stimulus levels, and the defaults each fills in when it is the one used
COHERENCE_FORM = {"coherence": None, "mean_level": 0.5}
CONTRAST_FORM = {"contrasts": [0.1, 0.3, 0.5], "distractor_ratio": 1.0, "neutral_ratio": 0.5}
FORM_KEYS = (*COHERENCE_FORM, *CONTRAST_FORM)
BOTH_FORMS = ("not with coherence: give the stimulus levels as coherence (with mean_level) or as contrasts "
              "(with neutral_ratio, distractor_ratio), not both")
MEAN_LEVEL_ALONE = ("only with coherence (the levels are mean_level (1 +- coherence)); with contrasts the weaker "
                    "stimulus is set by neutral_ratio and distractor_ratio")


class SelectiveSpec(WholeStepTiming, Strict):
    """The `task:` block of the selective task (see the module docstring).

    The keys of the form not used stay None and are left out of the resolved scenario."""
    kind: Literal["selective"]        # chooses this task
    # trials in the run, spread evenly over the condition x level cells (contrasts or coherence) in a seeded order
    n_trials: int = Field(60, ge=1, le=100000)
    dt: PositiveDurationMs = 1.0      # ms per step of the trials' inputs; every epoch whole steps
    timing: CuedTiming = CuedTiming()    # the epochs' durations, ms (block below)
    # contrast form (the default, [0.1, 0.3, 0.5]): the attended (neutral: the stronger) stimulus's level, fraction
    # of full drive; one cell each; row 8's contrast-response function needs >= 5 of them
    contrasts: list[Contrast] | None = Field(None, min_length=1)
    # coherence form: Wang 2002's c' as a fraction (0.512 = 51.2 %), the stronger stimulus at mean_level (1 + c),
    # the weaker at mean_level (1 - c); one cell each (c = 0: equal stimuli, neutral accuracy is chance)
    coherence: list[Fraction] | None = Field(None, min_length=1)
    # coherence form: the two stimuli's mean level, fraction of full drive (0.5 when coherence is given);
    # <= 0.5 keeps mean_level (1 + c) <= 1
    mean_level: float | None = Field(None, gt=0.0, le=0.5)
    # trial types, balanced: attend_A / attend_B cue that stimulus, which is the target;
    # neutral: no cue, the stronger stimulus (drawn at random) is the target
    conditions: list[Literal[CONDITIONS]] = Field(default_factory=lambda: list(CONDITIONS), min_length=1)
    # contrast form: the unattended stimulus's contrast relative to the attended one (1.0 when contrasts are
    # given: the same stimuli whichever is attended, as rows 8, 9 and 12 need)
    distractor_ratio: Fraction | None = None
    # contrast form, neutral trials: the weaker stimulus's contrast relative to the stronger (0.5 when contrasts
    # are given), so that an uncued trial has a right answer
    neutral_ratio: Fraction | None = None
    # cue channel level on cued trials, fraction of full cue (each model scales it, e.g. spiking_competition's
    # cue_rate_hz, rate_competition's cue_bias_nA)
    cue_strength: Fraction = 1.0
    # cue stays on through the stimulus (a sustained top-down bias) vs gone at stimulus onset
    cue_persists: bool = True

    @model_validator(mode="before")
    @classmethod
    def _one_form(cls, data):
        """Refuse keys of both forms; fill in the defaults of the form used."""
        if not isinstance(data, dict):
            return data
        data = {k: v for k, v in data.items() if not (k in FORM_KEYS and v is None)}   # null: not given
        if "coherence" in data:
            clash = [k for k in CONTRAST_FORM if k in data]
            if clash:
                raise key_errors(cls.__name__, [((k,), BOTH_FORMS, data[k]) for k in clash])
            return {**{k: v for k, v in COHERENCE_FORM.items() if v is not None}, **data}
        if "mean_level" in data:
            raise key_errors(cls.__name__, [(("mean_level",), MEAN_LEVEL_ALONE, data["mean_level"])])
        return {**CONTRAST_FORM, **data}

    @model_serializer(mode="wrap")
    def _without_unused_form(self, handler):
        unused = CONTRAST_FORM if self.coherence is not None else COHERENCE_FORM
        return {k: v for k, v in handler(self).items() if not (k in unused and v is None)}


@TASKS.register("selective")
class SelectiveTask:
    """two stimuli in one receptive field; a cue says which to attend (cueing, biased competition)

    See the module docstring for the trial structure.
    """
    Spec = SelectiveSpec

    @staticmethod
    def build(spec: SelectiveSpec, seed: int, n_trials: int) -> Trials:
        rng = np.random.default_rng(seed)
        epochs, n_steps = timeline(spec.timing.model_dump(), spec.dt)
        by_coherence = spec.coherence is not None
        assigned, inputs, target = condition_cells(n_trials, spec.conditions,
                                                   spec.coherence if by_coherence else spec.contrasts, n_steps, rng)
        stim, cue_on = epochs["stimulus"], cue_window(epochs, spec.cue_persists)
        for i, (c, k) in enumerate(assigned):
            if by_coherence:
                strong, weak = spec.mean_level * (1 + k), spec.mean_level * (1 - k)
            else:
                strong, weak = k, k * (spec.neutral_ratio if c == NEUTRAL else spec.distractor_ratio)
            if c == NEUTRAL:
                stronger = int(rng.integers(2))
            else:
                stronger = CUED.index(c)
                inputs[i, cue_on, channel(CUE[stronger])] = spec.cue_strength
            target[i] = stronger
            inputs[i, stim, channel(STIM[stronger])] = strong
            inputs[i, stim, channel(STIM[1 - stronger])] = weak
        labels = cell_labels(assigned)
        if by_coherence:
            labels = {CONDITION: labels[CONDITION], COHERENCE: labels[CONTRAST]}
        return Trials(dt_ms=spec.dt, inputs=inputs, channels=CHANNELS, target=target, epochs=epochs,
                      conditions=labels)

    @staticmethod
    def n_cells(spec: SelectiveSpec) -> int:
        """conditions x contrasts (or x coherences)."""
        return len(spec.conditions) * len(spec.coherence if spec.coherence is not None else spec.contrasts)


def make_selective(*, n_trials: int, dt_ms: float, timing_ms: dict[str, float], seed: int = 0, **params) -> Trials:
    """Trials of the selective task from plain values; `params` are SelectiveSpec's keys."""
    return trials_from_values(SelectiveTask, n_trials=n_trials, dt_ms=dt_ms, timing_ms=timing_ms, seed=seed,
                              **params)

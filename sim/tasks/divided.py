"""Divided attention: a target at one of two locations, the cue focused or split.

On every trial a target (contrast c) appears at location A or B; the other
location holds a distractor at `c * distractor_ratio`. The correct answer is
the target's location (2AFC localisation). Conditions:

- focused_A / focused_B: the whole cue on one location; the target is there on
  a fraction `cue_validity` of trials (valid) and at the other location
  otherwise (invalid), so hits and false alarms exist for each location.
- divided: the cue split evenly (`cue_strength / 2` on each location); target
  at A or B with equal probability.

One choice per trial is a 2AFC localisation: one d' per condition,
(Z(H) - Z(F)) / sqrt 2 (sim/analysis/dprime.py), and the cueing effect on
focused trials (sim/analysis/cueing.py). The capacity bounds of Sperling &
Melchner / White et al. assume a separate judgment at each location: that is
the dual_report task (sim/tasks/dual_report.py, sim/analysis/capacity.py).
"""
from __future__ import annotations

from typing import Literal

import numpy as np

from attnsim.registries import TASKS
from attnsim.spec.strict import Strict
from attnsim.tasks.cells import cell_labels, condition_cells
from attnsim.tasks.plain import trials_from_values
from attnsim.tasks.spec_base import CueDelivery, Fraction, TwoLocationCuedSpec
from attnsim.tasks.timeline import cue_window, timeline
from attnsim.tasks.trials import Trials
from attnsim.tasks.vocabulary import CHANNELS, CUE, DIVIDED, FOCUSED, STIM, VALID, channel


class _CueValidity(Strict):
    # P(target at the cued location | focused trial): 1 - cue_validity of focused trials are invalid, which
    # the cueing effect (valid minus invalid) needs
    cue_validity: Fraction = 0.75


class DividedSpec(CueDelivery, _CueValidity, TwoLocationCuedSpec):
    """Target at A or B; the cue focused on one location (valid or not) or split across both."""
    kind: Literal["divided"]          # chooses this task
    # distractor contrast at the non-target location relative to the target (contrast x ratio): with 0.5 the
    # 2AFC localisation compares a target with a weaker distractor, not with a blank
    distractor_ratio: Fraction = 0.5


@TASKS.register("divided")
class DividedTask:
    """target at A or B, cue focused (valid/invalid) or split across both: 2AFC d' and cueing effect

    See the module docstring for the conditions.
    """
    Spec = DividedSpec

    @staticmethod
    def build(spec: DividedSpec, seed: int, n_trials: int) -> Trials:
        rng = np.random.default_rng(seed)
        epochs, n_steps = timeline(spec.timing.model_dump(), spec.dt)
        assigned, inputs, target = condition_cells(n_trials, spec.conditions, spec.contrasts, n_steps, rng)
        valid = np.zeros(n_trials, dtype=bool)
        stim, cue_on = epochs["stimulus"], cue_window(epochs, spec.cue_persists)
        for i, (c, k) in enumerate(assigned):
            if c == DIVIDED:
                target[i] = int(rng.integers(2))
                for cue in CUE:
                    inputs[i, cue_on, channel(cue)] = spec.cue_strength / 2
                valid[i] = True
            else:
                cued = FOCUSED.index(c)
                valid[i] = rng.random() < spec.cue_validity
                target[i] = cued if valid[i] else 1 - cued
                inputs[i, cue_on, channel(CUE[cued])] = spec.cue_strength
            inputs[i, stim, channel(STIM[target[i]])] = k
            inputs[i, stim, channel(STIM[1 - target[i]])] = k * spec.distractor_ratio
        return Trials(dt_ms=spec.dt, inputs=inputs, channels=CHANNELS, target=target, epochs=epochs,
                      conditions={**cell_labels(assigned), VALID: valid})

    @staticmethod
    def n_cells(spec: DividedSpec) -> int:
        """conditions x contrasts."""
        return len(spec.conditions) * len(spec.contrasts)


def make_divided(*, n_trials: int, dt_ms: float, timing_ms: dict[str, float], seed: int = 0, **params) -> Trials:
    """Trials of the divided task from plain values; `params` are DividedSpec's keys."""
    return trials_from_values(DividedTask, n_trials=n_trials, dt_ms=dt_ms, timing_ms=timing_ms, seed=seed, **params)

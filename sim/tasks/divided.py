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
from attnsim.scenario.schema import Strict
from attnsim.tasks.spec_base import CueDelivery, Fraction, TwoLocationCuedSpec
from attnsim.tasks.trials import CHANNELS, Trials, cell_labels, condition_cells, timeline

CONDITIONS = ("focused_A", "focused_B", "divided")
EPOCHS = ("fixation", "cue", "stimulus", "response")


def make_divided(*, n_trials: int, dt_ms: float, timing_ms: dict[str, float], contrasts: list[float],
                 conditions: list[str], cue_validity: float = 0.75, distractor_ratio: float = 0.5,
                 cue_strength: float = 1.0, cue_persists: bool = True, seed: int = 0) -> Trials:
    rng = np.random.default_rng(seed)
    epochs, n_steps = timeline({k: timing_ms[k] for k in EPOCHS}, dt_ms)
    assigned, inputs, target = condition_cells(n_trials, conditions, contrasts, n_steps, rng)
    valid = np.zeros(n_trials, dtype=bool)
    stim = epochs["stimulus"]
    cue_on = slice(epochs["cue"].start, stim.stop if cue_persists else epochs["cue"].stop)
    for i, (c, k) in enumerate(assigned):
        if c == "divided":
            target[i] = int(rng.integers(2))
            inputs[i, cue_on, 2] = inputs[i, cue_on, 3] = cue_strength / 2
            valid[i] = True
        else:
            cued = 0 if c == "focused_A" else 1
            valid[i] = rng.random() < cue_validity
            target[i] = cued if valid[i] else 1 - cued
            inputs[i, cue_on, 2 + cued] = cue_strength
        levels = [k * distractor_ratio, k * distractor_ratio]
        levels[target[i]] = k
        inputs[i, stim, 0], inputs[i, stim, 1] = levels
    return Trials(dt_ms=dt_ms, inputs=inputs, channels=CHANNELS, target=target, epochs=epochs,
                  conditions={**cell_labels(assigned), "valid": valid})


class _CueValidity(Strict):
    cue_validity: Fraction = 0.75    # P(target at the cued location | focused trial)


class DividedSpec(CueDelivery, _CueValidity, TwoLocationCuedSpec):
    """Target at A or B; the cue focused on one location (valid or not) or split across both."""
    kind: Literal["divided"]
    distractor_ratio: Fraction = 0.5


@TASKS.register("divided")
class DividedTask:
    """target at A or B, cue focused (valid/invalid) or split across both: 2AFC d' and cueing effect

    See the module docstring for the conditions (`make_divided`).
    """
    Spec = DividedSpec

    @staticmethod
    def build(spec: DividedSpec, seed: int, n_trials: int) -> Trials:
        return make_divided(n_trials=n_trials, dt_ms=spec.dt, timing_ms=spec.timing.model_dump(),
                            contrasts=spec.contrasts, conditions=spec.conditions, cue_validity=spec.cue_validity,
                            distractor_ratio=spec.distractor_ratio, cue_strength=spec.cue_strength,
                            cue_persists=spec.cue_persists, seed=seed)

    @staticmethod
    def n_cells(spec: DividedSpec) -> int:
        """conditions x contrasts."""
        return len(spec.conditions) * len(spec.contrasts)

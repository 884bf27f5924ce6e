"""Dual-report divided attention: an independent present/absent judgment at each location.

The design the capacity predictions of docs/reference.md row 10 assume
(Sperling & Melchner 1978; Shaw 1980; White, Palmer & Boynton 2018): on every
trial each location A and B independently holds a target (contrast c) or not
(a blank when `distractor_ratio` is 0, else a distractor at
`c * distractor_ratio`), and the observer reports "present" or "absent" at
each location. The four presence patterns (none, A only, B only, both) are
balanced within every condition x contrast cell, so presence at A and at B are
independent and each is present on half the trials. Conditions:

- focused_A / focused_B: the whole cue (`cue_strength`) on one location; the
  judgment of interest is the cued location's (single-task d').
- divided: the cue split evenly (`cue_strength / 2` on each location); both
  judgments count (dual-task d').

Trials.target is (n_trials, 2) int: presence at A (column 0) and B (column 1).
conditions adds "cued" (0 = A, 1 = B, -1 = split). The stimulus channels are
zero on blank locations, so the stimulus epoch is given by `Trials.epochs`,
not by the inputs.
"""
from __future__ import annotations

from typing import Literal

import numpy as np

from attnsim.registries import TASKS
from attnsim.tasks.cells import balanced_cells
from attnsim.tasks.plain import trials_from_values
from attnsim.tasks.spec_base import CueDelivery, Fraction, TwoLocationCuedSpec
from attnsim.tasks.timeline import cue_window, timeline
from attnsim.tasks.trials import Trials
from attnsim.tasks.vocabulary import CHANNELS, CONDITION, CONTRAST, CUE, CUED_LOCATION, DIVIDED, FOCUSED, STIM, \
    channel

PATTERNS = ((0, 0), (1, 0), (0, 1), (1, 1))   # (present at A, present at B)


class DualReportSpec(CueDelivery, TwoLocationCuedSpec):
    """A target present or absent at each location independently; a yes/no judgment at each."""
    kind: Literal["dual_report"]      # chooses this task
    # level at a location without a target relative to the target's (contrast x ratio); 0: a blank, the yes/no
    # detection at each location that the capacity predictions of docs/reference.md row 10 assume
    distractor_ratio: Fraction = 0.0


@TASKS.register("dual_report")
class DualReportTask:
    """target present/absent at A and at B independently, yes/no at each; cue focused or split: capacity

    See the module docstring for the design.
    """
    paper = "Sperling & Melchner 1978 Science 202:315; White, Palmer & Boynton 2018 Psychol Sci"
    Spec = DualReportSpec

    @staticmethod
    def build(spec: DualReportSpec, seed: int, n_trials: int) -> Trials:
        """Trials of the dual-report task (see the module docstring); inputs (n_trials, steps, 4)."""
        rng = np.random.default_rng(seed)
        epochs, n_steps = timeline(spec.timing.model_dump(), spec.dt)
        cells = [(c, k, p) for c in spec.conditions for k in spec.contrasts for p in PATTERNS]
        assigned = balanced_cells(n_trials, cells, rng)
        inputs = np.zeros((n_trials, n_steps, len(CHANNELS)))
        target = np.zeros((n_trials, 2), dtype=int)
        cued = np.full(n_trials, -1, dtype=int)
        stim, cue_on = epochs["stimulus"], cue_window(epochs, spec.cue_persists)
        for i, (c, k, pattern) in enumerate(assigned):
            if c == DIVIDED:
                for cue in CUE:
                    inputs[i, cue_on, channel(cue)] = spec.cue_strength / 2
            else:
                cued[i] = FOCUSED.index(c)
                inputs[i, cue_on, channel(CUE[cued[i]])] = spec.cue_strength
            target[i] = pattern
            for loc, present in enumerate(pattern):
                inputs[i, stim, channel(STIM[loc])] = k if present else k * spec.distractor_ratio
        labels = {CONDITION: np.array([c for c, _, _ in assigned], dtype=str),
                  CONTRAST: np.array([k for _, k, _ in assigned], dtype=float), CUED_LOCATION: cued}
        return Trials(dt_ms=spec.dt, inputs=inputs, channels=CHANNELS, target=target, epochs=epochs,
                      conditions=labels)

    @staticmethod
    def n_cells(spec: DualReportSpec) -> int:
        """conditions x contrasts x the four presence patterns."""
        return len(spec.conditions) * len(spec.contrasts) * len(PATTERNS)


def make_dual_report(*, n_trials: int, dt_ms: float, timing_ms: dict[str, float], seed: int = 0,
                     **params) -> Trials:
    """Trials of the dual_report task from plain values; `params` are DualReportSpec's keys."""
    return trials_from_values(DualReportTask, n_trials=n_trials, dt_ms=dt_ms, timing_ms=timing_ms, seed=seed,
                              **params)

"""Dual-report divided attention: an independent present/absent judgment at each location.

The design the capacity predictions of validation_targets row 10 assume
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
from attnsim.tasks.spec_base import CueDelivery, Fraction, TwoLocationCuedSpec
from attnsim.tasks.trials import CHANNELS, Trials, balanced_cells, timeline

CONDITIONS = ("focused_A", "focused_B", "divided")
EPOCHS = ("fixation", "cue", "stimulus", "response")
PATTERNS = ((0, 0), (1, 0), (0, 1), (1, 1))


def make_dual_report(*, n_trials: int, dt_ms: float, timing_ms: dict[str, float], contrasts: list[float],
                     conditions: list[str], distractor_ratio: float = 0.0, cue_strength: float = 1.0,
                     cue_persists: bool = True, seed: int = 0) -> Trials:
    """Trials of the dual-report task (see the module docstring); inputs (n_trials, steps, 4)."""
    bad = [c for c in conditions if c not in CONDITIONS]
    if bad:
        raise ValueError(f"unknown dual_report condition(s) {bad}; valid: {list(CONDITIONS)}")
    rng = np.random.default_rng(seed)
    epochs, n_steps = timeline({k: timing_ms[k] for k in EPOCHS}, dt_ms)
    cells = [(c, k, p) for c in conditions for k in contrasts for p in PATTERNS]
    assigned = balanced_cells(n_trials, cells, rng)
    inputs = np.zeros((n_trials, n_steps, len(CHANNELS)))
    target = np.zeros((n_trials, 2), dtype=int)
    cued = np.full(n_trials, -1, dtype=int)
    stim = epochs["stimulus"]
    cue_on = slice(epochs["cue"].start, stim.stop if cue_persists else epochs["cue"].stop)
    for i, (c, k, pattern) in enumerate(assigned):
        if c == "divided":
            inputs[i, cue_on, 2] = inputs[i, cue_on, 3] = cue_strength / 2
        else:
            cued[i] = 0 if c == "focused_A" else 1
            inputs[i, cue_on, 2 + cued[i]] = cue_strength
        target[i] = pattern
        for loc in (0, 1):
            inputs[i, stim, loc] = k if pattern[loc] else k * distractor_ratio
    labels = {"condition": np.array([c for c, _, _ in assigned], dtype=str),
              "contrast": np.array([k for _, k, _ in assigned], dtype=float), "cued": cued}
    return Trials(dt_ms=dt_ms, inputs=inputs, channels=CHANNELS, target=target, epochs=epochs, conditions=labels)


class DualReportSpec(CueDelivery, TwoLocationCuedSpec):
    """A target present or absent at each location independently; a yes/no judgment at each."""
    kind: Literal["dual_report"]
    distractor_ratio: Fraction = 0.0


@TASKS.register("dual_report")
class DualReportTask:
    """target present/absent at A and at B independently, yes/no at each; cue focused or split: capacity

    See the module docstring for the design (`make_dual_report`).
    """
    paper = "Sperling & Melchner 1978 Science 202:315; White, Palmer & Boynton 2018 Psychol Sci"
    Spec = DualReportSpec

    @staticmethod
    def build(spec: DualReportSpec, seed: int, n_trials: int) -> Trials:
        return make_dual_report(n_trials=n_trials, dt_ms=spec.dt, timing_ms=spec.timing.model_dump(),
                                contrasts=spec.contrasts, conditions=spec.conditions,
                                distractor_ratio=spec.distractor_ratio, cue_strength=spec.cue_strength,
                                cue_persists=spec.cue_persists, seed=seed)

    @staticmethod
    def n_cells(spec: DualReportSpec) -> int:
        """conditions x contrasts x the four presence patterns."""
        return len(spec.conditions) * len(spec.contrasts) * len(PATTERNS)

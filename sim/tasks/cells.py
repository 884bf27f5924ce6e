"""Condition cells: a task's trials spread evenly over its cells (condition x contrast, or a
task's own cells), in an order drawn from the trial seed.

Balanced cells make every label of a summary rest on the same number of trials, and a given
seed always gives the same assignment (the first draws of the task's generator)."""
from __future__ import annotations

import numpy as np

from attnsim.tasks.vocabulary import CHANNELS, CONDITION, CONTRAST


def balanced_cells(n_trials: int, cells: list, rng: np.random.Generator) -> list:
    """Assign n_trials to cells as evenly as possible, in a seeded random order."""
    reps = [cells[i % len(cells)] for i in range(n_trials)]
    order = rng.permutation(n_trials)
    return [reps[i] for i in order]


def condition_cells(n_trials: int, conditions: list[str], contrasts: list[float], n_steps: int,
                    rng: np.random.Generator):
    """Balanced (condition, contrast) per trial, and zeroed inputs and targets for a task to fill in."""
    assigned = balanced_cells(n_trials, [(c, k) for c in conditions for k in contrasts], rng)
    return assigned, np.zeros((n_trials, n_steps, len(CHANNELS))), np.zeros(n_trials, dtype=int)


def cell_labels(assigned: list) -> dict[str, np.ndarray]:
    """The per-trial "condition" and "contrast" arrays of `condition_cells`' assignment."""
    return {CONDITION: np.array([c for c, _ in assigned], dtype=str),
            CONTRAST: np.array([k for _, k in assigned], dtype=float)}

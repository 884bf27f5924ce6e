"""Trials: what a task hands to every model family (arrays only).

`timeline` (sim/tasks/timeline.py) is imported here too, where tasks and tests have long found it."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from attnsim.tasks.timeline import timeline  # noqa: F401  (re-exported)

CHANNELS = ("stim_A", "stim_B", "cue_A", "cue_B")


@dataclass(frozen=True)
class Trials:
    dt_ms: float
    inputs: np.ndarray                  # (n_trials, n_steps, n_channels), drive in [0, 1]
    channels: tuple[str, ...]
    target: np.ndarray                  # (n_trials,) correct choice: 0 = A, 1 = B; dual-report
                                        # tasks: (n_trials, 2) presence at A, B (1 = present)
    epochs: dict[str, slice]            # named periods, in steps, same for every trial
    conditions: dict[str, np.ndarray]   # per-trial labels; "condition" always present

    @property
    def n_trials(self) -> int:
        return self.inputs.shape[0]

    @property
    def n_steps(self) -> int:
        return self.inputs.shape[1]

    def loss_mask(self) -> np.ndarray:
        """(n_steps,) True in the response epoch: where a trained readout is scored."""
        mask = np.zeros(self.n_steps, dtype=bool)
        resp = self.epochs.get("response", slice(0, 0))
        if resp.stop > resp.start:
            mask[resp] = True
        elif "stimulus" in self.epochs:  # no response epoch: score the last fifth of the stimulus
            s = self.epochs["stimulus"]
            mask[s.stop - max(1, (s.stop - s.start) // 5):s.stop] = True
        return mask

    def epoch_ms(self, name: str) -> tuple[float, float]:
        s = self.epochs[name]
        return s.start * self.dt_ms, s.stop * self.dt_ms

    def attended_index(self) -> np.ndarray:
        """(n_trials,) 0 where A is cued, 1 where B is cued, -1 where neither or both."""
        cond = self.conditions["condition"]
        out = np.full(self.n_trials, -1)
        out[cond == "attend_A"] = 0
        out[cond == "attend_B"] = 1
        return out

    def subset(self, idx) -> "Trials":
        idx = np.asarray(idx)
        return Trials(self.dt_ms, self.inputs[idx], self.channels, self.target[idx], dict(self.epochs),
                      {k: v[idx] for k, v in self.conditions.items()})


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
    return {"condition": np.array([c for c, _ in assigned], dtype=str),
            "contrast": np.array([k for _, k in assigned], dtype=float)}

"""Trials: what a task hands to every model family (arrays only).

`CHANNELS` (sim/tasks/vocabulary.py) and `timeline` (sim/tasks/timeline.py) are imported here too,
where outside tasks and tests have long found them."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from attnsim.tasks.timeline import timeline  # noqa: F401  (re-exported)
from attnsim.tasks.vocabulary import CHANNELS, CONDITION, CUED  # noqa: F401  (CHANNELS re-exported)


@dataclass(frozen=True)
class Trials:
    dt_ms: float
    inputs: np.ndarray                  # (n_trials, n_steps, n_channels), drive in [0, 1]
    channels: tuple[str, ...]
    target: np.ndarray                  # (n_trials,) correct choice: 0 = A, 1 = B; dual-report
                                        # tasks: (n_trials, 2) presence at A, B (1 = present)
    epochs: dict[str, slice]            # named periods, in steps, same for every trial
    conditions: dict[str, np.ndarray]   # per-trial labels (keys: sim/tasks/vocabulary.py); "condition" always

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
        cond = self.conditions[CONDITION]
        out = np.full(self.n_trials, -1)
        for loc, name in enumerate(CUED):
            out[cond == name] = loc
        return out

    def subset(self, idx) -> "Trials":
        idx = np.asarray(idx)
        return Trials(self.dt_ms, self.inputs[idx], self.channels, self.target[idx], dict(self.epochs),
                      {k: v[idx] for k, v in self.conditions.items()})

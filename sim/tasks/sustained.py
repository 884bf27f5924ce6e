"""Sustained attention: a brief cue, then a delay, then both stimuli.

fixation -> cue -> delay -> stimulus -> response. The cue is on only in the
cue epoch; to pick the cued stimulus after the delay a model must hold the
cue (self-sustained activity in the brain models, memory in the recurrent
networks). Both stimuli have the same contrast, so nothing but the held cue
decides. Delay length is one value per scenario: sweep `task.timing.delay`
to see accuracy against delay.
"""
from __future__ import annotations

import numpy as np

from sim.tasks.trials import CHANNELS, Trials, balanced_cells, timeline

CONDITIONS = ("attend_A", "attend_B")
EPOCHS = ("fixation", "cue", "delay", "stimulus", "response")


def make_sustained(*, n_trials: int, dt_ms: float, timing_ms: dict[str, float], contrasts: list[float],
                   conditions: list[str], cue_strength: float = 1.0, seed: int = 0) -> Trials:
    rng = np.random.default_rng(seed)
    epochs, n_steps = timeline({k: timing_ms[k] for k in EPOCHS}, dt_ms)
    cells = [(c, k) for c in conditions for k in contrasts]
    assigned = balanced_cells(n_trials, cells, rng)
    inputs = np.zeros((n_trials, n_steps, len(CHANNELS)))
    target = np.zeros(n_trials, dtype=int)
    cond = np.empty(n_trials, dtype=object)
    contrast = np.zeros(n_trials)
    for i, (c, k) in enumerate(assigned):
        att = 0 if c == "attend_A" else 1
        cond[i], contrast[i], target[i] = c, k, att
        inputs[i, epochs["cue"], 2 + att] = cue_strength
        inputs[i, epochs["stimulus"], 0] = inputs[i, epochs["stimulus"], 1] = k
    return Trials(dt_ms=dt_ms, inputs=inputs, channels=CHANNELS, target=target, epochs=epochs,
                  conditions={"condition": cond.astype(str), "contrast": contrast})

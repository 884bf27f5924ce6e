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

from attnsim.tasks.trials import CHANNELS, Trials, cell_labels, condition_cells, timeline

CONDITIONS = ("attend_A", "attend_B")
EPOCHS = ("fixation", "cue", "delay", "stimulus", "response")


def make_sustained(*, n_trials: int, dt_ms: float, timing_ms: dict[str, float], contrasts: list[float],
                   conditions: list[str], cue_strength: float = 1.0, seed: int = 0) -> Trials:
    rng = np.random.default_rng(seed)
    epochs, n_steps = timeline({k: timing_ms[k] for k in EPOCHS}, dt_ms)
    assigned, inputs, target = condition_cells(n_trials, conditions, contrasts, n_steps, rng)
    for i, (c, k) in enumerate(assigned):
        att = 0 if c == "attend_A" else 1
        target[i] = att
        inputs[i, epochs["cue"], 2 + att] = cue_strength
        inputs[i, epochs["stimulus"], 0] = inputs[i, epochs["stimulus"], 1] = k
    return Trials(dt_ms=dt_ms, inputs=inputs, channels=CHANNELS, target=target, epochs=epochs,
                  conditions=cell_labels(assigned))

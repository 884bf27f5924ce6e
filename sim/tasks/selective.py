"""Selective attention (cueing, biased competition).

Two stimuli A and B share one receptive field. A cue (top-down bias) names
the stimulus to attend; the correct answer is the attended stimulus. The
attended stimulus is shown at `contrast`, the other at
`contrast * distractor_ratio`. On neutral trials neither is cued and one
stimulus (chosen at random) is shown at `contrast`, the other at
`contrast * neutral_ratio`: the correct answer is the stronger one.

Timeline (NeuroGym style): fixation -> cue -> stimulus -> response. The cue
stays on through the stimulus when `cue_persists` (sustained top-down bias).
"""
from __future__ import annotations

import numpy as np

from attnsim.tasks.trials import CHANNELS, Trials, cell_labels, condition_cells, timeline

CONDITIONS = ("attend_A", "attend_B", "neutral")
EPOCHS = ("fixation", "cue", "stimulus", "response")


def make_selective(*, n_trials: int, dt_ms: float, timing_ms: dict[str, float], contrasts: list[float],
                   conditions: list[str], distractor_ratio: float = 1.0, neutral_ratio: float = 0.5,
                   cue_strength: float = 1.0, cue_persists: bool = True, seed: int = 0) -> Trials:
    rng = np.random.default_rng(seed)
    epochs, n_steps = timeline({k: timing_ms[k] for k in EPOCHS}, dt_ms)
    assigned, inputs, target = condition_cells(n_trials, conditions, contrasts, n_steps, rng)
    stim = epochs["stimulus"]
    cue_on = slice(epochs["cue"].start, stim.stop if cue_persists else epochs["cue"].stop)
    for i, (c, k) in enumerate(assigned):
        if c == "neutral":
            strong = int(rng.integers(2))
            levels = [k * neutral_ratio, k * neutral_ratio]
            levels[strong] = k
            target[i] = strong
        else:
            att = 0 if c == "attend_A" else 1
            levels = [k * distractor_ratio, k * distractor_ratio]
            levels[att] = k
            target[i] = att
            inputs[i, cue_on, 2 + att] = cue_strength
        inputs[i, stim, 0] = levels[0]
        inputs[i, stim, 1] = levels[1]
    return Trials(dt_ms=dt_ms, inputs=inputs, channels=CHANNELS, target=target, epochs=epochs,
                  conditions=cell_labels(assigned))

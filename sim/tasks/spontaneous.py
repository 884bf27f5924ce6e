"""Spontaneous activity: no stimulus, no cue. A transient is discarded and
activity is measured in the "measure" epoch (PD14, Brunel 2000 protocols).
Each trial is an independent repetition (its own seed)."""
from __future__ import annotations

import numpy as np

from attnsim.tasks.trials import CHANNELS, Trials, timeline

EPOCHS = ("transient", "measure")


def make_spontaneous(*, n_trials: int, dt_ms: float, timing_ms: dict[str, float], seed: int = 0) -> Trials:
    epochs, n_steps = timeline({k: timing_ms[k] for k in EPOCHS}, dt_ms)
    inputs = np.zeros((n_trials, n_steps, len(CHANNELS)))
    return Trials(dt_ms=dt_ms, inputs=inputs, channels=CHANNELS, target=np.full(n_trials, -1), epochs=epochs,
                  conditions={"condition": np.array(["spontaneous"] * n_trials)})

"""Two-choice discrimination (random-dot motion, Wong & Wang 2006 protocol).

stim_A = s0 (1 + c/100) and stim_B = s0 (1 - c/100) during the stimulus
epoch, no cue. The correct answer is A for c > 0; at c = 0 there is no
correct answer, so the target is drawn at random (accuracy there is chance by
construction; read `p_choice_A` instead).
"""
from __future__ import annotations

import numpy as np

from attnsim.tasks.trials import CHANNELS, Trials, balanced_cells, timeline

EPOCHS = ("fixation", "stimulus", "response")


def coherence_label(c: float) -> str:
    return f"coherence_{c:g}"


def make_discrimination(*, n_trials: int, dt_ms: float, timing_ms: dict[str, float], coherences: list[float],
                        s0: float = 0.5, seed: int = 0) -> Trials:
    rng = np.random.default_rng(seed)
    epochs, n_steps = timeline({k: timing_ms[k] for k in EPOCHS}, dt_ms)
    assigned = balanced_cells(n_trials, list(coherences), rng)
    inputs = np.zeros((n_trials, n_steps, len(CHANNELS)))
    stim = epochs["stimulus"]
    coh = np.asarray(assigned, dtype=float)
    inputs[:, stim, 0] = (s0 * (1 + coh / 100.0))[:, None]
    inputs[:, stim, 1] = (s0 * (1 - coh / 100.0))[:, None]
    target = np.where(coh > 0, 0, rng.integers(0, 2, n_trials))
    labels = np.array([coherence_label(c) for c in coh])
    return Trials(dt_ms=dt_ms, inputs=inputs, channels=CHANNELS, target=target.astype(int), epochs=epochs,
                  conditions={"condition": labels, "coherence": coh})

"""Run loop shared by the Brian2 rate families that simulate a whole batch of trials at once.

Layout (models.wong_wang, models.wilson_cowan): one Brian2 "neuron" per trial carries all the
populations of that trial, so trials are independent copies and populations of a trial couple
inside the equations (no Synapses). The inputs enter as 2-D TimedArrays of shape
(n_steps, n_built) (time x trial), one per driven population, and a StateMonitor records every
trial. A family supplies only its pieces:

    build(n, n_steps, dt_ms) -> BuiltBatch      equations, parameters, initial state
    drives                                      (n_trials, n_steps) array per TimedArray
    traces -> Activity                          readout

and TrialBatch does the rest per run() call:

    1. build if nothing is built for (n_steps, dt_ms) or fewer than n trials are built
       (a larger built batch is reused: the extra trials get zero input);
    2. write each drive into its TimedArray in place (zeros, then drive.T in the first n
       columns; Brian2 keeps a view of the values, so nothing is regenerated);
    3. restore the state stored at build ("init"), seed Brian2's generator, run n_steps * dt_ms;
    4. return the recorded variables as (n, n_rec) arrays, n_rec = round(duration / record_dt).

Determinism: a run depends on (seed, built batch size, inputs); the noise of trial i is drawn
from the one Brian2 stream shared by the batch.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Sequence

import numpy as np

from attnsim.models.base import channel_index
from attnsim.models.readout import stimulus_onset_index


@dataclass
class BuiltBatch:
    """A built batch network: ``net`` has a stored state "init"; ``timed`` are its input
    TimedArrays (values of shape (n_steps, n)); ``monitor`` records every trial."""
    b2: Any
    net: Any
    monitor: Any
    timed: tuple
    n: int
    n_steps: int
    dt_ms: float


class TrialBatch:
    """Build-once / run-many driver of a batch network (see the module docstring).

    Args:
        build: build(n, n_steps, dt_ms) -> BuiltBatch; called only when a rebuild is needed.
        codegen_target: Brian2 runtime target set before every run (another model may have
            changed the global preference since the build).
    """

    def __init__(self, build: Callable[[int, int, float], BuiltBatch], codegen_target: str):
        self._build = build
        self.codegen_target = codegen_target
        self.built: BuiltBatch | None = None

    @property
    def net(self):
        return None if self.built is None else self.built.net

    def needs_build(self, n: int, n_steps: int, dt_ms: float) -> bool:
        b = self.built
        return b is None or b.n_steps != n_steps or b.dt_ms != float(dt_ms) or b.n < n

    def simulate(self, drives: Sequence[np.ndarray], dt_ms: float, seed: int, variables: Sequence[str],
                 record_dt_ms: float, progress=None) -> dict[str, np.ndarray]:
        """Run the n trials of ``drives`` (each (n, n_steps)); returns {variable: (n, n_rec)}."""
        n, n_steps = drives[0].shape
        if self.needs_build(n, n_steps, dt_ms):
            self.built = self._build(n, n_steps, dt_ms)
        b = self.built
        if len(drives) != len(b.timed):
            raise ValueError(f"{len(drives)} drives for {len(b.timed)} TimedArrays")
        b.b2.prefs.codegen.target = self.codegen_target
        for ta, x in zip(b.timed, drives):
            ta.values[:] = 0.0
            ta.values[:, :n] = x.T
        if progress:
            progress(0, n)
        b.net.restore("init")
        b.b2.seed(int(seed))
        duration_ms = n_steps * dt_ms
        b.net.run(duration_ms * b.b2.ms, namespace={})
        n_rec = int(round(duration_ms / record_dt_ms))
        return {v: np.asarray(getattr(b.monitor, v))[:n, :n_rec] for v in variables}


def pool_drive(inputs: np.ndarray, channels: tuple[str, ...], stim_gain: float, cue_gain: float,
               pools: Sequence[str] = ("A", "B")) -> list[np.ndarray]:
    """External drive per pool X: stim_gain * stim_X + cue_gain * cue_X (cue_X optional).

    inputs: (n_trials, n_steps, n_channels); returns one (n_trials, n_steps) array per pool.
    """
    out = []
    for pool in pools:
        x = stim_gain * inputs[:, :, channel_index(channels, f"stim_{pool}")]
        if f"cue_{pool}" in channels:
            x = x + cue_gain * inputs[:, :, channels.index(f"cue_{pool}")]
        out.append(x)
    return out


def onset_record_bins(inputs: np.ndarray, channels: tuple[str, ...], dt_ms: float,
                      record_dt_ms: float) -> np.ndarray:
    """Stimulus onset per trial as the first record bin at or after it: ceil(onset_ms / record_dt)."""
    onset_ms = stimulus_onset_index(inputs, channels) * dt_ms
    return np.ceil(onset_ms / record_dt_ms - 1e-9).astype(int)

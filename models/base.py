"""The contract every model family follows (arrays in, arrays out).

A family is a class with:

    family: ClassVar[str]             # registry name, e.g. "rate_competition"
    Params: ClassVar[type]            # frozen dataclass built with models.params.param
    kind: ClassVar[str]               # "brain" or "artificial"

    def __init__(self, params: Params): ...
    def fit(self, sample_batch, dt_ms, channels, *, seed, progress=None) -> dict
        # artificial: train on fresh batches; brain: no-op or calibration, returns {}.
        # sample_batch(n_trials, rng) -> (inputs, target, loss_mask) with
        #   inputs (n, steps, channels) in [0, 1], target (n,) int, loss_mask (steps,) bool
    def run(self, inputs, dt_ms, channels, *, seed, progress=None) -> Activity
        # simulate a batch of trials; `progress(n_done, n_total)` may be called.
    def state(self) -> dict[str, np.ndarray]        # learned weights (empty for brain models)
    def load_state(self, state: dict[str, np.ndarray]) -> None

Input channels are named; every family understands at least
("stim_A", "stim_B", "cue_A", "cue_B"): stimulus drive (contrast) and
top-down cue, each in [0, 1] per time step.
"""
from __future__ import annotations

from typing import Callable, ClassVar, Protocol

import numpy as np

from models.activity import Activity

SampleBatch = Callable[[int, np.random.Generator], tuple[np.ndarray, np.ndarray, np.ndarray]]
Progress = Callable[[int, int], None]


class Model(Protocol):
    family: ClassVar[str]
    kind: ClassVar[str]
    Params: ClassVar[type]

    def fit(self, sample_batch: SampleBatch, dt_ms: float, channels: tuple[str, ...], *,
            seed: int, progress: Progress | None = None) -> dict: ...

    def run(self, inputs: np.ndarray, dt_ms: float, channels: tuple[str, ...], *,
            seed: int, progress: Progress | None = None) -> Activity: ...

    def state(self) -> dict[str, np.ndarray]: ...

    def load_state(self, state: dict[str, np.ndarray]) -> None: ...


class BrainModel:
    """Mixin for brain models: nothing to train, nothing to save."""

    kind: ClassVar[str] = "brain"

    def fit(self, sample_batch, dt_ms, channels, *, seed, progress=None) -> dict:
        return {}

    def state(self) -> dict[str, np.ndarray]:
        return {}

    def load_state(self, state) -> None:
        return None


def channel_index(channels: tuple[str, ...], name: str) -> int:
    """Index of a named input channel, with a clear error when it is missing."""
    try:
        return channels.index(name)
    except ValueError:
        raise ValueError(f"input channel {name!r} missing; channels are {list(channels)}") from None

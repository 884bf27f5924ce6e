"""The contract every model family follows (arrays in, arrays out): the `Model` protocol.

A family is a class with:

    Params: ClassVar[type]            # a dataclass (bundled ones use models.params.param); a scenario's
                                      # `params:` block is validated from its fields, defaults and bounds
    kind: ClassVar[str]               # "brain" or "artificial" (what summary.json and reports show)
    capabilities: ClassVar[frozenset] # what the upper layer may ask of it, never its name:
                                      #   "trainable"  fit() learns weights, state() returns them
                                      #   "spiking"    Activity.spikes holds spike trains
                                      #   "layered"    `layer_layout` describes cortical layers
                                      #   "dynamical"  dynamics(channels, dt_ms) gives the state
                                      #                update at fixed inputs (models/dynamics.py)
    paper: ClassVar[str]              # the source the equations and parameters come from
    input_channels: ClassVar[str | tuple[str, ...]]   # optional: the input channels it reads, from
                                      #   INPUT_CHANNELS; undeclared: "two_locations" (see below)

    def __init__(self, params: Params): ...
    def fit(self, sample_batch, dt_ms, channels, *, seed, progress=None) -> dict
        # artificial: train on fresh batches; brain: no-op or calibration, returns {}.
        # sample_batch(n_trials, rng) -> (inputs, target, loss_mask) with
        #   inputs (n, steps, channels) in [0, 1], target (n,) int, loss_mask (steps,) bool
    def run(self, inputs, dt_ms, channels, *, seed, progress=None) -> Activity
        # simulate a batch of trials; `progress(n_done, n_total)` may be called.
    def state(self) -> dict[str, np.ndarray]        # learned weights (empty for brain models)
    def load_state(self, state: dict[str, np.ndarray]) -> None

Input channels are named: stimulus drive (contrast) and top-down cue, each in [0, 1] per time
step. A family declares which sets it reads in `input_channels`, one name or a tuple of them:

    "two_locations"  stim_A, stim_B, cue_A, cue_B (every task but `feature`); the default
    "feature_ring"   a ring of directions, stim_f<k>, cue_f<k> (models.feature_channels)
    "any"            whatever channels the task gives (trained networks learn their use)

Scenario validation refuses a family whose set the task does not write (`input_channels_problem`),
so that a mismatch is answered at the scenario line, not as a KeyError mid-run.

A bundled family registers itself with ``@FAMILIES.register("name")`` (models/registry.py); an
outside one is named in a scenario as ``family: package.module:Class`` and needs nothing from
attnsim but this protocol (subclassing `BrainModel` or `TrainableModel` is optional).
`check_model_class` says what is missing from a class that breaks it.
"""
from __future__ import annotations

from typing import Callable, ClassVar, Protocol

import numpy as np

from attnsim.models.activity import Activity

SampleBatch = Callable[[int, np.random.Generator], tuple[np.ndarray, np.ndarray, np.ndarray]]
Progress = Callable[[int, int], None]


CAPABILITIES = ("trainable", "spiking", "layered", "dynamical")
INPUT_CHANNELS = ("two_locations", "feature_ring", "any")


class Model(Protocol):
    kind: ClassVar[str]
    Params: ClassVar[type]
    capabilities: ClassVar[frozenset]

    def fit(self, sample_batch: SampleBatch, dt_ms: float, channels: tuple[str, ...], *,
            seed: int, progress: Progress | None = None) -> dict: ...

    def run(self, inputs: np.ndarray, dt_ms: float, channels: tuple[str, ...], *,
            seed: int, progress: Progress | None = None) -> Activity: ...

    def state(self) -> dict[str, np.ndarray]: ...

    def load_state(self, state: dict[str, np.ndarray]) -> None: ...


class BrainModel:
    """Mixin for brain models: nothing to train, nothing to save."""

    kind: ClassVar[str] = "brain"
    capabilities: ClassVar[frozenset] = frozenset()
    paper: ClassVar[str] = ""

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


def capabilities_of(cls) -> frozenset:
    """The declared capabilities of a model class; an undeclared one is trainable iff kind is "artificial"."""
    caps = getattr(cls, "capabilities", None)
    if caps is None:
        caps = {"trainable"} if getattr(cls, "kind", "") == "artificial" else set()
    return frozenset(caps)


def kind_of(cls) -> str:
    """"brain" or "artificial" as declared; undeclared: "artificial" if trainable, else "brain"."""
    kind = getattr(cls, "kind", None)
    if isinstance(kind, str) and kind:
        return kind
    return "artificial" if "trainable" in capabilities_of(cls) else "brain"


def input_channels_of(cls) -> frozenset:
    """The input channel sets a model class reads (`input_channels`, a name or names from
    INPUT_CHANNELS); undeclared: {"two_locations"}."""
    declared = getattr(cls, "input_channels", None)
    if declared is None:
        return frozenset({"two_locations"})
    return frozenset({declared} if isinstance(declared, str) else declared)


def channel_sets(channels: tuple[str, ...]) -> frozenset:
    """The input channel sets (INPUT_CHANNELS names) that a task's `channels` hold."""
    from attnsim.models.feature_channels import ring_indices
    found = set()
    if "stim_A" in channels and "stim_B" in channels:
        found.add("two_locations")
    try:
        if len(ring_indices(tuple(channels))[0]):
            found.add("feature_ring")
    except ValueError:
        pass
    return frozenset(found)


def _describe(sets) -> str:
    names = {"two_locations": "the two-location channels (stim_A, stim_B, cue_A, cue_B)",
             "feature_ring": "a ring of feature channels (stim_f<k>, cue_f<k>)"}
    return " or ".join(names[s] for s in sorted(sets)) or "no channel set it knows"


def input_channels_problem(cls, channels: tuple[str, ...], task: str = "the task") -> str | None:
    """None when a model class reads the task's `channels` (see `input_channels` above), else why
    not, worded to follow "family 'x' "."""
    reads = input_channels_of(cls)
    if "any" in reads:
        return None
    given = channel_sets(tuple(channels))
    if reads & given:
        return None
    return (f"reads {_describe(reads)}, but {task} gives {_describe(given)}; use a family whose "
            f"input_channels include {' or '.join(repr(s) for s in sorted(given))}{' or ' if given else ''}'any' "
            "(a family declares the channels it reads as `input_channels`, attnsim.models.base)")


def check_model_class(cls, label: str) -> None:
    """Raise PluginError naming `label` and each broken part of the protocol above."""
    import dataclasses

    from attnsim.models.registry import PluginError

    if not isinstance(cls, type):
        raise PluginError(f"{label}: expected a model class, got {type(cls).__name__} {cls!r}")
    problems = []
    params = getattr(cls, "Params", None)
    if params is None or not dataclasses.is_dataclass(params):
        problems.append("a `Params` dataclass (its fields are the scenario's params:, with defaults)")
    for method in ("run", "fit", "state", "load_state"):
        if not callable(getattr(cls, method, None)):
            problems.append(f"a method `{method}`")
    caps = getattr(cls, "capabilities", None)
    if caps is not None:
        if isinstance(caps, str) or not all(isinstance(c, str) for c in caps):
            problems.append(f"`capabilities` as a set of names from {CAPABILITIES} (got {caps!r})")
        else:
            unknown = sorted(set(caps) - set(CAPABILITIES))
            if unknown:
                problems.append(f"`capabilities` among {CAPABILITIES} (unknown: {unknown})")
    reads = getattr(cls, "input_channels", None)
    names = [reads] if isinstance(reads, str) else list(reads) if isinstance(reads, (tuple, list, frozenset)) else []
    if reads is not None and not (names and all(isinstance(n, str) and n in INPUT_CHANNELS for n in names)):
        problems.append(f"`input_channels` as one or more of {INPUT_CHANNELS} (got {reads!r})")
    kind = getattr(cls, "kind", None)
    if kind is not None and kind not in ("brain", "artificial"):
        problems.append(f"`kind` 'brain' or 'artificial' (got {kind!r})")
    if problems:
        raise PluginError(f"{label} ({cls.__module__}.{cls.__qualname__}) breaks the model protocol "
                          f"(attnsim.models.base): it needs " + "; ".join(problems))

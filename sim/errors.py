"""Every exception the upper layer raises, under one root: `AttnsimError`.

One module, as nengo's `nengo.exceptions` with its `NengoException`: a caller catches
`attnsim.AttnsimError` for anything attnsim refuses, and a module that only needs to raise
or catch an error imports it from here instead of importing the module that first raised it
(which is what made engine.py and runner.py import each other).

    AttnsimError
    +-- ScenarioError   a scenario file or dict a user can fix (file, line, key, expected)
    +-- RunError        a run that cannot start or go on (directory, resources, scheduler)
    +-- ModelFailure    a model raised while built, trained or run (names the model and step)
    +-- UnitError       a value whose unit or dimension is wrong (also a ValueError)
    +-- NotApplicable   a metric that needs what this task or model lacks (also a KeyError)
    +-- TimingError     task epochs that are not whole numbers of dt steps (also a ValueError)
    +-- PluginError     a part that cannot be found, loaded or used   } defined in the lower
    +-- ParamError      a model parameter out of range (a ValueError) } layer, attnsim.models.errors

The root and the lower layer's two errors live in `attnsim.models.errors` (models/ never imports
this module, and its errors share the root); they are re-exported here.
"""
from __future__ import annotations

from attnsim.models.errors import AttnsimError, ParamError, PluginError

__all__ = ["AttnsimError", "ModelFailure", "NotApplicable", "ParamError", "PluginError", "RunError",
           "ScenarioError", "TimingError", "UnitError"]


class ScenarioError(AttnsimError):
    """A scenario problem a user can fix: `messages` holds one line per problem, each naming the
    file, the line, the dotted key, what is wrong and what was expected; `str()` joins them."""

    def __init__(self, messages: list[str]):
        super().__init__("\n".join(messages))
        self.messages = messages


class RunError(AttnsimError):
    """A run that cannot start or go on for a reason the user can fix (the CLI exits 2):
    the run directory, resources, the scheduler, a worker that died."""


class ModelFailure(AttnsimError):
    """A model raised while it was built, trained or run; the message names the model and step.

    Raised in the worker and re-raised in the parent (it pickles as its message), so a broken
    user model ends the run with a clear error instead of a traceback from another process.
    """


class UnitError(AttnsimError, ValueError):
    """A quantity whose unit is missing, unknown or of the wrong dimension."""


class NotApplicable(AttnsimError, KeyError):
    """The metric needs something this task or model does not have (an epoch, spikes)."""


class TimingError(AttnsimError, ValueError):
    """A timing that is not a whole number of dt steps; `problems` are (epoch or None for dt,
    message, value) as `attnsim.tasks.timeline.timing_problems` gives them."""

    def __init__(self, problems: list[tuple[str | None, str, float]]):
        self.problems = problems
        super().__init__("; ".join(f"{'dt' if epoch is None else f'timing.{epoch}'}: {msg}"
                                   for epoch, msg, _ in problems))

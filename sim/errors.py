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

The lower layer (`attnsim.models`) cannot import this module, so its own two errors,
`PluginError` (a part that cannot be found or loaded) and `ParamError` (a model parameter out
of range), stay in models/ and are re-exported here by name only (imported on first use, so this
module imports nothing); they are not AttnsimErrors.
"""
from __future__ import annotations

__all__ = ["AttnsimError", "ModelFailure", "NotApplicable", "ParamError", "PluginError", "RunError",
           "ScenarioError", "UnitError"]


class AttnsimError(Exception):
    """The root of every error attnsim raises on purpose (see the module docstring)."""


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


_LOWER_LAYER = {"PluginError": "attnsim.models.registry", "ParamError": "attnsim.models.params"}


def __getattr__(name: str):
    if name in _LOWER_LAYER:
        import importlib
        return getattr(importlib.import_module(_LOWER_LAYER[name]), name)
    raise AttributeError(f"module 'attnsim.errors' has no attribute {name!r}")

"""attnsim: brain-inspired and artificial models on the same attention trials.

The public surface is small::

    import attnsim
    scn = attnsim.load_scenario("scenarios/selective_attention.yaml", overrides={"task.n_trials": 90})
    res = attnsim.run(scn)                  # -> attnsim.Result (in memory; out="runs/x" writes a directory)
    res.summary["models"]["spiking"]["metrics"]["accuracy"]
    res.activity["spiking"].rates           # (trials, steps, units)
    fig = res.figure("psychometric")        # a matplotlib Figure
    old = attnsim.open_run("runs/x")        # the same Result, from disk

Your own model: any class following `attnsim.Model` (attnsim.models.base), named in a scenario
as `family: my_module:MyModel`. Registries of parts: `attnsim.FAMILIES`, `attnsim.TASKS`,
`attnsim.METRICS`, `attnsim.FIGURES`. Names are imported lazily, so `import attnsim` is cheap and
never imports Brian2 or switches the matplotlib backend.

Package layout: the repository's `sim/` folder is this package (the upper layer: scenarios,
tasks, runner, analysis, plots, CLI) and its `models/` folder is `attnsim.models` (the lower
layer: arrays in, arrays out).
"""
from __future__ import annotations

import importlib

__version__ = "0.1.0"

_LAZY = {
    "load_scenario": ("attnsim.api", "load_scenario"),
    "run": ("attnsim.api", "run"),
    "open_run": ("attnsim.api", "open_run"),
    "Result": ("attnsim.result", "Result"),
    "AttnsimError": ("attnsim.errors", "AttnsimError"),
    "RunError": ("attnsim.errors", "RunError"),
    "ScenarioError": ("attnsim.errors", "ScenarioError"),
    "ModelFailure": ("attnsim.errors", "ModelFailure"),
    "PluginError": ("attnsim.models.registry", "PluginError"),
    "Model": ("attnsim.models.base", "Model"),
    "BrainModel": ("attnsim.models.base", "BrainModel"),
    "Activity": ("attnsim.models.activity", "Activity"),
    "Trials": ("attnsim.tasks.trials", "Trials"),
    "FAMILIES": ("attnsim.models.registry", "FAMILIES"),
    "TASKS": ("attnsim.registries", "TASKS"),
    "METRICS": ("attnsim.registries", "METRICS"),
    "FIGURES": ("attnsim.registries", "FIGURES"),
}

__all__ = sorted(_LAZY)


def __getattr__(name: str):
    if name in _LAZY:
        module, attr = _LAZY[name]
        value = getattr(importlib.import_module(module), attr)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'attnsim' has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(_LAZY))

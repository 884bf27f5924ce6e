"""The upper layer's registries: tasks, metrics and figures, in the one style of
`attnsim.models.registry` (model families live there, in the lower layer).

Each bundled part registers itself in its own module::

    @TASKS.register("selective")        # sim/tasks/<name>.py: a task class (Spec, build, n_cells)
    @METRICS.register("accuracy")       # sim/analysis/<name>.py: f(trials, activity, **options) -> dict
    @FIGURES.register("raster")         # sim/plots/<name>.py: f(run, summary) -> [(stem, Figure)]

and outside parts are named `package.module:Name` in a scenario or installed as entry points
of the groups `attnsim.tasks`, `attnsim.metrics`, `attnsim.figures`.
"""
from __future__ import annotations

from attnsim.models.registry import PluginError, Registry

TASKS = Registry("task", "attnsim.tasks", ("attnsim.tasks",))
METRICS = Registry("metric", "attnsim.metrics", ("attnsim.analysis",))
FIGURES = Registry("figure", "attnsim.figures", ("attnsim.plots",))

__all__ = ["TASKS", "METRICS", "FIGURES", "PluginError", "Registry"]

"""Tasks: a scenario's `task:` block -> Trials (arrays, the same for every model family).

Each task is a class registered in its own module with ``@TASKS.register("<kind>")``
(`attnsim.registries`); a scenario names it by ``task.kind``. The class carries:

- its docstring, whose first line is the summary ``attnsim list`` shows, and ``paper`` (the
  protocol's reference) where there is one;
- ``Spec``: the pydantic model of the ``task:`` block (`attnsim.tasks.spec_base` has the shared
  parts), with ``kind: Literal["<kind>"]``;
- ``build(spec, seed, n_trials) -> Trials``: `n_trials` trials drawn from `seed`;
- ``n_cells(spec) -> int``: the number of distinct condition cells, i.e. enough trials to see
  every condition label once (scenario validation builds that many to list the conditions).

The names trials are written with (input channels, conditions, the keys of
`Trials.conditions`) are spelled once, in `attnsim.tasks.vocabulary`; metrics and figures import
them from there. Each bundled task also offers ``make_<kind>(n_trials=, dt_ms=, timing_ms=,
seed=, **keys)``, its Spec and build called with plain values (`attnsim.tasks.plain`).

An outside task is named ``kind: package.module:Class`` in a scenario (found on sys.path or the
scenario's ``plugin_path``) or installed as an entry point of group ``attnsim.tasks``; its
``Spec`` then declares ``kind: str``, since the kind written in the scenario is the reference.
"""
from __future__ import annotations

from attnsim.registries import TASKS, PluginError
from attnsim.tasks.trials import Trials

__all__ = ["TASKS", "Trials", "build_trials", "n_cells", "task_class", "task_spec"]


def task_class(kind: str, search_path: tuple[str, ...] | list[str] = ()):
    """The task class registered (or importable) under `kind`; PluginError if there is none or
    it lacks the task protocol (a pydantic `Spec`, callable `build` and `n_cells`)."""
    cls = TASKS.get(kind, tuple(search_path)).obj
    _check_task(cls, f"task {kind!r}")
    return cls


def _check_task(obj, label: str) -> None:
    from pydantic import BaseModel
    spec = getattr(obj, "Spec", None)
    if not (isinstance(spec, type) and issubclass(spec, BaseModel)):
        raise PluginError(f"{label} ({getattr(obj, '__module__', '?')}.{getattr(obj, '__qualname__', obj)}) is not a "
                          "task: expected a class with `Spec` (the pydantic model of its task: block), "
                          "`build(spec, seed, n_trials)` and `n_cells(spec)`")
    missing = [m for m in ("build", "n_cells") if not callable(getattr(obj, m, None))]
    if missing:
        raise PluginError(f"{label} is not a task: it has no {' and no '.join(missing)} "
                          "(expected `build(spec, seed, n_trials) -> Trials` and `n_cells(spec) -> int`)")


def task_spec(data: dict, search_path: tuple[str, ...] | list[str] = ()):
    """Validate a plain `task:` dict (a resolved scenario's) into its task's Spec instance.

    Raises PluginError for an unknown kind and pydantic.ValidationError for a bad block.
    """
    return task_class(data.get("kind") if isinstance(data, dict) else None, search_path).Spec.model_validate(data)


def build_trials(spec, seed: int, n_trials: int | None = None) -> Trials:
    """Trials for a validated task spec (its task's `Spec`), generated from `seed`.

    n_trials: None gives `spec.n_trials`.
    """
    n = spec.n_trials if n_trials is None else n_trials
    return _task_of(spec).build(spec, seed=seed, n_trials=n)


def n_cells(spec) -> int:
    """Number of distinct condition cells (enough trials to see every condition label once)."""
    return int(_task_of(spec).n_cells(spec))


def _task_of(spec):
    """The task class of a Spec instance, by its kind. An outside task was resolved (with the
    scenario's plugin_path) when its Spec was validated, and the registry keeps it."""
    return task_class(spec.kind)

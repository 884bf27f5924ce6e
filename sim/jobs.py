"""The units of work of a run, as typed values: what is left to do and what a worker is sent.

The runner (sim/runner.py) lists, per model, the chunks still to run (`ChunkTodo`) and the
training still to do (`FitTodo`); the engine (sim/engine.py) turns them into jobs (`ChunkJob`,
`FitJob`), which sim/worker.py's tasks take. Jobs carry validated objects (the task's Spec, the
model's resolved params) and paths, never a scenario to validate again; they are frozen, so a
job retried on another worker is the job that was planned.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class ChunkTodo:
    """One chunk of one model still to run: its index, trial indices, seed and chunk file."""

    chunk: int
    trials: tuple[int, ...]
    seed: int
    path: str


@dataclass(frozen=True)
class FitTodo:
    """One model still to train: where its weights and curves go, and its training seed."""

    weights_path: str
    curves_path: str
    seed: int


@dataclass(frozen=True)
class _ModelJob:
    """What every job says of its model: the name, the family (found along `search_path`), its
    resolved params, and the time step and channels of the trials it sees."""

    name: str
    family: str
    params: dict[str, Any]
    search_path: tuple[str, ...]
    dt_ms: float
    channels: tuple[str, ...]


@dataclass(frozen=True)
class FitJob(_ModelJob):
    """Train one trainable model on trials drawn from `task_spec`; save weights and curves."""

    task_spec: Any
    seed: int
    weights_path: str
    curves_path: str

    kind = "fit"
    n_trials = 0


@dataclass(frozen=True)
class ChunkJob(_ModelJob):
    """Run one chunk of trials (rows `trials` of the inputs file) on one model; save the chunk.

    weights_path: the trained weights to load (None for a model that does not train);
    batch_size: the chunk is padded to it, so a model's numbers do not depend on the chunk's
    length; meta: what the chunk file records and is checked against on resume (sim/chunks.py).
    """

    inputs_path: str
    weights_path: str | None
    batch_size: int
    meta: dict[str, Any]
    chunk: int
    trials: tuple[int, ...]
    seed: int
    path: str

    kind = "run"

    @property
    def n_trials(self) -> int:
        return len(self.trials)


def plan_jobs(plan) -> list[FitJob | ChunkJob]:
    """The jobs of a RunPlan in run order: each model's fit (before its chunks), then its chunks."""
    scn, trials = plan.scn, plan.trials
    search_path = tuple(scn.plugin_path)
    channels = tuple(trials.channels)
    out: list[FitJob | ChunkJob] = []
    for m in scn.models:
        fit = plan.fits.get(m.name)
        if fit is not None:
            out.append(FitJob(name=m.name, family=m.family, params=m.params, search_path=search_path,
                              task_spec=scn.task, dt_ms=trials.dt_ms, channels=channels, seed=fit.seed,
                              weights_path=fit.weights_path, curves_path=fit.curves_path))
        weights = plan.weights_path(m.name) if m.name in plan.trainable else None
        for todo in plan.todo[m.name]:
            out.append(ChunkJob(name=m.name, family=m.family, params=m.params, search_path=search_path,
                                inputs_path=plan.inputs_path, dt_ms=trials.dt_ms, channels=channels,
                                weights_path=weights, batch_size=scn.run.chunk_trials, meta=plan.metas[m.name],
                                chunk=todo.chunk, trials=todo.trials, seed=todo.seed, path=todo.path))
    return out

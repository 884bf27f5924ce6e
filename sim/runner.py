"""Run a validated scenario: every model on the same trials, into one run directory.

This module plans a run (what is left to compute: `plan_run`) and reads it back (`collect`);
the tasks themselves run on Dask (sim/engine.py) and every file of the run directory is laid
out and written by sim/run_dir.py. Finished chunks of trials and trained weights are kept in
the partial directory: `attnsim run --resume <out>.partial` goes on from there.
"""
from __future__ import annotations

import hashlib
import json
import os
import sys
from dataclasses import dataclass, field

import numpy as np

from attnsim.errors import RunError
from attnsim.jobs import ChunkTodo, FitTodo
from attnsim.models.activity import Activity
from attnsim.result import Result
from attnsim.run_dir import RunDir
from attnsim.seeds import derive_seed
from attnsim.tasks import build_trials
from attnsim.tasks.trials import Trials


def plan_chunks(n_trials: int, chunk: int) -> list[list[int]]:
    return [list(range(s, min(s + chunk, n_trials))) for s in range(0, n_trials, chunk)]


def _digest(*parts) -> str:
    h = hashlib.sha256()
    for p in parts:
        if isinstance(p, np.ndarray):
            a = np.ascontiguousarray(p)
            h.update(str((a.dtype.str, a.shape)).encode())
            h.update(memoryview(a).cast("B"))
        else:
            h.update(json.dumps(p, sort_keys=True, default=str).encode())
    return h.hexdigest()[:32]


def _say(quiet: bool, message: str) -> None:
    if not quiet:
        print(message, file=sys.stderr)


@dataclass
class RunPlan:
    """What is left to compute of one run (or one sweep point) in `partial`.

    todo: model name -> [ChunkTodo] still to run (sim/jobs.py);
    have: model name -> {chunk index: Activity} read back from verified chunk files;
    fits: model name -> FitTodo still to train;
    classes: model name -> its family class, loaded once here for the whole run.
    The engine (sim/engine.py) turns todo and fits into tasks; `collect` reads the result.
    """

    scn: object
    partial: str
    trials: Trials
    inputs_path: str
    n_chunks: int
    metas: dict[str, dict]
    trainable: set[str]
    todo: dict[str, list[ChunkTodo]]
    have: dict[str, dict[int, Activity]]
    fits: dict[str, FitTodo]
    classes: dict[str, type] = field(default_factory=dict)
    timings: dict[str, dict] = field(default_factory=dict)
    tag: str = ""

    def kinds(self) -> dict[str, str]:
        """Model name -> "brain" / "artificial" (as the class declares it)."""
        from attnsim.models.base import kind_of
        return {name: kind_of(cls) for name, cls in self.classes.items()}

    @property
    def has_work(self) -> bool:
        return bool(self.fits) or any(self.todo.values())

    def trials_to_run(self, name: str) -> int:
        """Trials of model `name` still to run (for progress)."""
        return sum(len(t.trials) for t in self.todo[name])

    def weights_path(self, name: str) -> str:
        return RunDir(self.partial).weights_path(name)


def plan_run(scn, partial: str, *, quiet: bool = False) -> RunPlan:
    """Lay out `partial` (scenario.yaml, inputs.npy, chunks/, weights/) and list what is left to do.

    Finished chunks already in `partial/chunks` are checked (sim/chunks.py: digest, and the
    model, parameters, inputs, trial indices and seed they were made from) and reused; a damaged
    or foreign chunk is reported and recomputed, never read as data.
    """
    from attnsim.chunks import load_chunk
    from attnsim.models.base import capabilities_of
    from attnsim.models.registry import load_family

    rd = RunDir(partial)
    rd.write_scenario(scn.model_dump(mode="json"))
    rd.lay_out(m.name for m in scn.models)
    seed = scn.seed
    search_path = tuple(scn.plugin_path)
    trials = build_trials(scn.task, seed=derive_seed(seed, "task"))
    inputs_path = rd.inputs_path
    rd.write_inputs(trials.inputs)
    inputs_digest = _digest(trials.inputs, trials.dt_ms, list(trials.channels))
    chunks = plan_chunks(trials.n_trials, scn.run.chunk_trials)

    classes = {m.name: load_family(m.family, search_path) for m in scn.models}
    trainable = {name for name, cls in classes.items() if "trainable" in capabilities_of(cls)}
    todo: dict[str, list[ChunkTodo]] = {}
    have_parts: dict[str, dict[int, Activity]] = {}
    metas: dict[str, dict] = {}
    fits: dict[str, FitTodo] = {}
    for m in scn.models:
        mdir = rd.chunk_dir(m.name)
        wpath = rd.weights_path(m.name)
        metas[m.name] = {"model": m.name, "family": m.family, "params": _digest(m.params), "inputs": inputs_digest}
        if m.name in trainable and not os.path.exists(wpath):
            # chunks made with other weights are not this run's: drop them with the weights
            for f in os.listdir(mdir):
                os.remove(os.path.join(mdir, f))
            fits[m.name] = FitTodo(wpath, rd.curves_path(m.name), derive_seed(seed, "fit", m.name))
        items, have = [], {}
        for k, idx in enumerate(chunks):
            path = rd.chunk_path(m.name, k)
            cseed = derive_seed(seed, "run", m.name, k)
            if os.path.exists(path):
                reasons: list[str] = []
                act = load_chunk(path, {**metas[m.name], "chunk": k, "trials": idx, "seed": cseed}, reasons)
                if act is not None:
                    have[k] = act
                    continue
                _say(quiet, f"chunk {k} of model {m.name!r} is not usable ({'; '.join(reasons)}): recomputing it")
                os.remove(path)
            items.append(ChunkTodo(chunk=k, trials=tuple(idx), seed=cseed, path=path))
        todo[m.name], have_parts[m.name] = items, have
    return RunPlan(scn=scn, partial=partial, trials=trials, inputs_path=inputs_path, n_chunks=len(chunks),
                   metas=metas, trainable=trainable, todo=todo, have=have_parts, fits=fits, classes=classes)


def collect(plan: RunPlan) -> Result:
    """The Result of a plan whose tasks are done (no summary yet): every model's Activity read
    back from its chunk files, training curves and timings."""
    from attnsim.chunks import load_chunk
    from attnsim.models.base import capabilities_of
    scn, partial = plan.scn, plan.partial
    activities, training = {}, {}
    for m in scn.models:
        parts = dict(plan.have[m.name])
        for t in plan.todo[m.name]:
            reasons = []
            act = load_chunk(t.path, {**plan.metas[m.name], "chunk": t.chunk, "trials": list(t.trials),
                                      "seed": t.seed}, reasons)
            if act is None:
                raise RunError(f"chunk {t.chunk} of model {m.name!r} was written but does not read back "
                               f"({'; '.join(reasons)}); is the disk full? Resume with "
                               f"`attnsim run --resume {partial}`")
            parts[t.chunk] = act
        activities[m.name] = Activity.concatenate([parts[k] for k in range(plan.n_chunks)])
        curves = RunDir(partial).read_curves(m.name)
        if curves is not None:
            training[m.name] = curves
    return Result(scenario=scn.model_dump(mode="json"), trials=plan.trials, activities=activities, training=training,
                  timings=plan.timings, families={m.name: m.family for m in scn.models},
                  capabilities={name: capabilities_of(cls) for name, cls in plan.classes.items()},
                  search_path=tuple(scn.plugin_path))


def execute(scn, partial: str, *, workers: int, quiet: bool = False, scheduler: str | None = None,
            engine=None) -> Result:
    """Run every model of a validated scenario on its trials, into `partial` (chunks, weights).

    The tasks run on `engine` (sim/engine.py) when given, else on a Dask cluster made for this
    call: the one at `scheduler` (default: the scenario's run.scheduler), or a local cluster of
    `workers` processes. Finished chunks in `partial` are reused (see plan_run).
    """
    plan = plan_run(scn, partial, quiet=quiet)
    if plan.has_work:
        if engine is not None:
            engine.run([plan])
        else:
            from attnsim.engine import Engine
            with Engine(workers=workers, scheduler=scheduler or scn.run.scheduler, quiet=quiet,
                        plugin_path=scn.plugin_path) as eng:
                eng.run([plan])
    return collect(plan)


def complete(scn, partial: str, *, engine, started: float, quiet: bool = False,
             figures: bool = True) -> Result:
    """Run every model on `engine` (sim/engine.py), then write results.h5, summary.json, figures
    and provenance.json into `partial` (provenance last: its presence marks the directory's
    content complete). Returns the Result, its summary filled in."""
    plan = plan_run(scn, partial, quiet=quiet)
    if plan.has_work:
        engine.run([plan])
    out = collect(plan)
    write_run(scn, partial, out, started=started, figures=figures, kinds=plan.kinds())
    return out


def write_run(scn, partial: str, out: Result, *, started: float, figures: bool = True,
              kinds: dict[str, str] | None = None) -> dict:
    """results.h5, summary.json, figures, then provenance.json of a computed run (sim/run_dir.py);
    sets and returns `out.summary`. kinds: model name -> "brain" / "artificial" when known."""
    out.summary = RunDir(partial).write_run(scn, out, kinds=kinds or model_kinds(scn), started=started,
                                            figures=figures)
    return out.summary


def model_kinds(scn) -> dict[str, str]:
    """Model name -> "brain" / "artificial" (as the class declares it)."""
    from attnsim.models.base import kind_of
    from attnsim.models.registry import load_family
    return {m.name: kind_of(load_family(m.family, scn.plugin_path)) for m in scn.models}

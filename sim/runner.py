"""Run a validated scenario: every model on the same trials, into one run directory.

The directory is written as `<out>.partial/` and renamed to `<out>/` only when
everything (results, summary, figures) is complete, so a directory without the
suffix is always whole. Finished chunks of trials and trained weights are kept
in the partial directory: `attnsim run --resume <out>.partial` goes on from there.
"""
from __future__ import annotations

import hashlib
import json
import multiprocessing as mp
import os
import shutil
import sys
import threading
import time
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field

import numpy as np
import yaml

from attnsim.models.activity import Activity
from attnsim import worker
from attnsim.seeds import derive_seed
from attnsim.tasks import build_trials
from attnsim.tasks.trials import Trials


class RunError(Exception):
    """A run that cannot start or go on for a reason the user can fix (the CLI exits 2):
    the run directory, resources, a worker that died, a model that failed."""


def _progress_thread(queue, totals: dict[str, int], fit_names: set[str]):
    from tqdm import tqdm
    bars = {}
    pos = 0
    for name, total in totals.items():
        if name in fit_names:
            bars[("fit", name)] = tqdm(total=1, desc=f"{name} train", unit="step", position=pos, leave=True,
                                       file=sys.stderr, dynamic_ncols=True)
            pos += 1
        bars[("run", name)] = tqdm(total=total, desc=f"{name} trials", unit="trial", position=pos, leave=True,
                                   file=sys.stderr, dynamic_ncols=True)
        pos += 1

    def loop():
        while True:
            msg = queue.get()
            if msg is None:
                break
            kind, name, done, total = msg
            bar = bars.get((kind, name))
            if bar is None:
                continue
            if kind == "fit":
                bar.total = total
                bar.n = done
                bar.refresh()
            else:
                bar.update(done)
        for b in bars.values():
            b.close()
    t = threading.Thread(target=loop, daemon=True)
    t.start()
    return t, bars


def plan_chunks(n_trials: int, chunk: int) -> list[list[int]]:
    return [list(range(s, min(s + chunk, n_trials))) for s in range(0, n_trials, chunk)]


def _split(items: list, parts: int) -> list[list]:
    parts = max(1, min(parts, len(items)))
    k, r = divmod(len(items), parts)
    out, s = [], 0
    for i in range(parts):
        e = s + k + (1 if i < r else 0)
        out.append(items[s:e])
        s = e
    return [o for o in out if o]


def prepare_dir(out: str | None, name: str, resume: str | None) -> tuple[str, str]:
    """(partial directory, final directory)."""
    if resume:
        partial = resume.rstrip("/")
        if not partial.endswith(".partial") or not os.path.isdir(partial):
            raise RunError(f"--resume {resume}: expected an unfinished run directory ending in '.partial'")
        return partial, partial[: -len(".partial")]
    final = out or os.path.join("runs", f"{name}-{time.strftime('%Y%m%d-%H%M%S')}")
    final = final.rstrip("/")
    if os.path.exists(final) and (not os.path.isdir(final) or os.listdir(final)):
        raise RunError(f"--out {final}: already exists and is not empty; choose another directory")
    partial = final + ".partial"
    if os.path.exists(partial):
        raise RunError(f"{partial} exists from an interrupted run: resume it with "
                       f"`attnsim run --resume {partial}` or delete it")
    return partial, final


@dataclass
class RunOutput:
    """Everything a finished run computed, in memory: the trials, each model's Activity, its
    training curves (trainable models; name -> {curve: [values per step]}) and wall times."""

    trials: Trials
    activities: dict[str, Activity]
    training: dict[str, dict] = field(default_factory=dict)
    timings: dict[str, dict] = field(default_factory=dict)


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


def execute(scn, partial: str, *, workers: int, quiet: bool = False) -> RunOutput:
    """Run every model of a validated scenario on its trials, into `partial` (chunks, weights).

    Finished chunks already in `partial/chunks` are checked (sim/chunks.py: digest, and the
    model, parameters, inputs, trial indices and seed they were made from) and reused; a damaged
    or foreign chunk is reported and recomputed, never read as data.
    """
    from attnsim.chunks import load_chunk
    from attnsim.models.base import capabilities_of
    from attnsim.models.registry import load_family

    os.makedirs(os.path.join(partial, "chunks"), exist_ok=True)
    os.makedirs(os.path.join(partial, "weights"), exist_ok=True)
    scen_path = os.path.join(partial, "scenario.yaml")
    if not os.path.exists(scen_path):
        with open(scen_path + ".tmp", "w") as fh:
            yaml.safe_dump(scn.model_dump(mode="json"), fh, sort_keys=False)
        os.replace(scen_path + ".tmp", scen_path)
    seed = scn.seed
    search_path = tuple(scn.plugin_path)
    trials = build_trials(scn.task, seed=derive_seed(seed, "task"))
    inputs_path = os.path.join(partial, "inputs.npy")
    np.save(inputs_path, trials.inputs)
    inputs_digest = _digest(trials.inputs, trials.dt_ms, list(trials.channels))
    chunks = plan_chunks(trials.n_trials, scn.run.chunk_trials)

    timings: dict[str, dict] = {}
    # Brian2's runtime code paths iterate over hash-ordered sets; a fixed hash seed in
    # the worker processes makes repeated runs bit-identical (measured: without it the
    # Wong-Wang model's second chunk differed between processes).
    os.environ["PYTHONHASHSEED"] = "0"
    trainable = {m.name for m in scn.models
                 if "trainable" in capabilities_of(load_family(m.family, search_path))}
    pending_fit, totals, fit_names = {}, {}, set()
    todo: dict[str, list] = {}
    done_parts: dict[str, dict[int, Activity]] = {}
    metas: dict[str, dict] = {}
    for m in scn.models:
        mdir = os.path.join(partial, "chunks", m.name)
        os.makedirs(mdir, exist_ok=True)
        wpath = os.path.join(partial, "weights", f"{m.name}.npz")
        metas[m.name] = {"model": m.name, "family": m.family, "params": _digest(m.params), "inputs": inputs_digest}
        if m.name in trainable and not os.path.exists(wpath):
            # chunks made with other weights are not this run's: drop them with the weights
            for f in os.listdir(mdir):
                os.remove(os.path.join(mdir, f))
        items, have = [], {}
        for k, idx in enumerate(chunks):
            path = os.path.join(mdir, f"{k:05d}.npz")
            cseed = derive_seed(seed, "run", m.name, k)
            if os.path.exists(path):
                reasons: list[str] = []
                act = load_chunk(path, {**metas[m.name], "chunk": k, "trials": idx, "seed": cseed}, reasons)
                if act is not None:
                    have[k] = act
                    continue
                _say(quiet, f"chunk {k} of model {m.name!r} is not usable ({'; '.join(reasons)}): recomputing it")
                os.remove(path)
            items.append((k, idx, cseed, path))
        todo[m.name], done_parts[m.name] = items, have
        totals[m.name] = sum(len(i[1]) for i in items)
        if m.name in trainable and not os.path.exists(wpath):
            pending_fit[m.name] = wpath
            fit_names.add(m.name)

    if any(todo.values()) or pending_fit:
        _run_pool(scn, trials, partial, workers, quiet, inputs_path, todo, pending_fit, totals, fit_names,
                  trainable, metas, timings, search_path)

    activities, training = {}, {}
    for m in scn.models:
        parts = done_parts[m.name]
        for k, idx, cseed, path in todo[m.name]:
            reasons = []
            act = load_chunk(path, {**metas[m.name], "chunk": k, "trials": idx, "seed": cseed}, reasons)
            if act is None:
                raise RunError(f"chunk {k} of model {m.name!r} was written but does not read back "
                               f"({'; '.join(reasons)}); is the disk full? Resume with "
                               f"`attnsim run --resume {partial}`")
            parts[k] = act
        activities[m.name] = Activity.concatenate([parts[k] for k in range(len(chunks))])
        curves = os.path.join(partial, "weights", f"{m.name}.curves.json")
        if os.path.exists(curves):
            with open(curves) as fh:
                training[m.name] = json.load(fh)
    return RunOutput(trials=trials, activities=activities, training=training, timings=timings)


def _run_pool(scn, trials, partial, workers, quiet, inputs_path, todo, pending_fit, totals, fit_names,
              trainable, metas, timings, search_path) -> None:
    seed = scn.seed
    ctx = mp.get_context("spawn")
    from multiprocessing.managers import SyncManager
    manager = SyncManager(ctx=ctx)
    manager.start(initializer=worker.ignore_sigint)   # the progress queue must outlive a Ctrl-C
    queue = manager.Queue()
    thread, _ = (None, None) if quiet else _progress_thread(queue, totals, fit_names)
    q = None if quiet else queue
    try:
        pool = ProcessPoolExecutor(max_workers=workers, mp_context=ctx, initializer=worker.init_worker,
                                   initargs=(search_path,))
        try:
            futures = {}

            def submit_runs(m):
                wpath = os.path.join(partial, "weights", f"{m.name}.npz")
                weights = wpath if m.name in trainable else None
                for part in _split(todo[m.name], workers):
                    f = pool.submit(worker.run_job, m.family, m.params, inputs_path, part, trials.dt_ms,
                                    trials.channels, weights, q, m.name, scn.run.chunk_trials, search_path,
                                    metas[m.name])
                    futures[f] = ("run", m)

            for m in scn.models:
                if m.name in pending_fit:
                    f = pool.submit(worker.fit_job, m.family, m.params, scn.task, trials.dt_ms, trials.channels,
                                    derive_seed(seed, "fit", m.name), pending_fit[m.name],
                                    os.path.join(partial, "weights", f"{m.name}.curves.json"), q, m.name,
                                    search_path)
                    futures[f] = ("fit", m)
                elif todo[m.name]:
                    submit_runs(m)
            while futures:
                done, _ = wait(list(futures), return_when=FIRST_COMPLETED)
                for f in done:
                    what, m = futures.pop(f)
                    try:
                        result = f.result()
                    except BrokenProcessPool:
                        raise RunError(f"a worker process died while running model {m.name!r} (out of memory, "
                                       f"or killed); finished chunks are kept: resume with "
                                       f"`attnsim run --resume {partial}`") from None
                    t = timings.setdefault(m.name, {"fit_s": 0.0, "build_s": 0.0, "run_s": 0.0})
                    if what == "fit":
                        t["fit_s"] += round(result, 3)
                        if todo[m.name]:
                            submit_runs(m)
                    else:
                        t["build_s"] += round(result["build_s"], 3)
                        t["run_s"] += round(result["run_s"], 3)
        except BaseException:
            # Ctrl-C (or a failed job): stop the workers now rather than wait for their chunks;
            # a chunk file exists only once complete, so nothing half-done is kept
            for proc in list(getattr(pool, "_processes", {}).values()):
                proc.terminate()
            pool.shutdown(wait=False, cancel_futures=True)
            raise
        pool.shutdown(wait=True)
    finally:
        if thread is not None:
            queue.put(None)
            thread.join(timeout=5)
        manager.shutdown()


def remove_scratch(run_dir: str) -> None:
    """Drop the resume scaffolding (finished chunks, the inputs copy) of a complete run."""
    for scratch in ("chunks", "inputs.npy"):
        p = os.path.join(run_dir, scratch)
        if os.path.isdir(p):
            shutil.rmtree(p)
        elif os.path.exists(p):
            os.remove(p)


def finish(partial: str, final: str) -> None:
    """Publish a complete run directory under its final name."""
    remove_scratch(partial)
    if os.path.isdir(final) and not os.listdir(final):
        os.rmdir(final)
    os.replace(partial, final)


def write_json(path: str, data) -> None:
    tmp = path + ".tmp"
    with open(tmp, "w") as fh:
        json.dump(data, fh, indent=2, sort_keys=False, allow_nan=False)
        fh.write("\n")
    os.replace(tmp, path)


def complete(scn, partial: str, *, workers: int, started: float, quiet: bool = False,
             figures: bool = True, scheduler: str | None = None) -> tuple[dict, RunOutput]:
    """Run every model, then write results.h5, summary.json, figures and provenance.json into
    `partial` (provenance last: its presence marks the directory's content complete).
    Returns (summary, what was computed)."""
    from attnsim.plots.registry import draw
    from attnsim.provenance import provenance
    from attnsim.store import write_results
    from attnsim.summary import build_summary

    out = execute(scn, partial, workers=workers, quiet=quiet)
    run = run_data(scn, out)
    write_results(os.path.join(partial, "results.h5"), out.trials, out.activities,
                  {n: (run.families[n], kind) for n, kind in model_kinds(scn).items()}, scn.record,
                  capabilities=run.capabilities)
    summary = build_summary(scn, out.trials, out.activities, model_kinds(scn), out.training)
    write_json(os.path.join(partial, "summary.json"), summary)
    if figures:
        fig_dir = os.path.join(partial, "figures")
        os.makedirs(fig_dir, exist_ok=True)
        for name in scn.figures:
            draw(name, run, summary, fig_dir, partial)
    write_json(os.path.join(partial, "provenance.json"), provenance(scn.seed, out.timings, started))
    return summary, out


def model_kinds(scn) -> dict[str, str]:
    """Model name -> "brain" / "artificial" (as the class declares it)."""
    from attnsim.models.base import kind_of
    from attnsim.models.registry import load_family
    return {m.name: kind_of(load_family(m.family, scn.plugin_path)) for m in scn.models}


def run_data(scn, out: RunOutput):
    """The RunData figures draw from, for a finished execute()."""
    from attnsim.models.base import capabilities_of
    from attnsim.models.registry import load_family
    from attnsim.store import RunData
    return RunData(trials=out.trials, activities=out.activities,
                   families={m.name: m.family for m in scn.models},
                   capabilities={m.name: capabilities_of(load_family(m.family, scn.plugin_path)) for m in scn.models},
                   training=out.training, search_path=tuple(scn.plugin_path))

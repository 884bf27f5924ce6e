"""Work done in a worker process: build a model once, train it if it learns, run chunks of
trials, and store each finished chunk (arrays, checked on resume: sim/chunks.py).

Two kinds of job, each a Dask task (sim/engine.py):

- `fit_task`: train one trainable model, save its weights and curves;
- `chunk_task`: run one chunk of trials on one model and save the chunk file. A chunk whose
  file already verifies is not recomputed (a retried task after its worker died having
  written it), so the chunk files are the source of truth.

Building a model (a Brian2 network, code generation) can cost more than a chunk, so built
models are kept in this process (`_MODELS`, least recently used first out, at most
`MODEL_CACHE_SIZE`), keyed by (family, params digest, weights digest): a worker builds each
model once and runs many chunks on it. Chunks are padded to the scenario's chunk size, and a
model's run() draws every random number from the chunk's seed, so a chunk's numbers do not
depend on which worker ran it or what that worker ran before.

Jobs run one at a time per process (`_RUN_LOCK`): Brian2's device and preferences are
process-wide, so a worker started with several threads still runs models one after another.
Jobs receive validated objects (the task's Spec, the model's resolved params), never raw
scenario dicts to validate again.
"""
from __future__ import annotations

import hashlib
import json
import os
import threading
import time
from collections import OrderedDict

import numpy as np


from attnsim.errors import ModelFailure
from attnsim.jobs import ChunkJob, FitJob
from attnsim.worker_env import ignore_sigint, init_worker  # noqa: F401  (the pool initializer)


def _sample_batch_factory(task_spec):
    from attnsim.tasks import build_trials

    def sample_batch(n: int, rng: np.random.Generator):
        trials = build_trials(task_spec, seed=int(rng.integers(0, 2**31 - 1)), n_trials=n)
        return trials.inputs, trials.target, trials.loss_mask()
    return sample_batch


def _build(family: str, params: dict, search_path: tuple[str, ...], name: str):
    from attnsim.models.registry import load_family
    cls = load_family(family, search_path)
    try:
        return cls(cls.Params(**params))
    except Exception as e:  # noqa: BLE001
        raise ModelFailure(f"model {name!r} (family {family}): building it failed: {type(e).__name__}: {e}") from None


def _call(what: str, name: str, family: str, fn, *args, **kwargs):
    """fn(*args, **kwargs), with any exception of the model turned into a ModelFailure naming it."""
    try:
        return fn(*args, **kwargs)
    except (KeyboardInterrupt, MemoryError):
        raise
    except ModelFailure:
        raise
    except Exception as e:  # noqa: BLE001
        raise ModelFailure(f"model {name!r} (family {family}): {what} failed: {type(e).__name__}: {e}") from None


def fit_job(family: str, params: dict, task_spec, dt_ms: float, channels: tuple, seed: int,
            weights_path: str, curves_path: str, queue=None, name: str = "",
            search_path: tuple[str, ...] = ()) -> float:
    """Train a trainable model; save weights (npz) and training curves (JSON). Returns seconds."""
    from attnsim.jsonable import jsonable
    t0 = time.perf_counter()
    model = _build(family, params, search_path, name)

    def progress(done, total):
        if queue is not None:
            queue.put(("fit", name, done, total))
    curves = _call("fit", name, family, model.fit, _sample_batch_factory(task_spec), dt_ms, tuple(channels),
                   seed=seed, progress=progress)
    state = _call("state()", name, family, model.state)
    tmp = weights_path + ".tmp.npz"
    np.savez(tmp, **state)
    os.replace(tmp, weights_path)
    with open(curves_path + ".tmp", "w") as fh:
        json.dump(jsonable(curves or {}), fh)
    os.replace(curves_path + ".tmp", curves_path)
    return time.perf_counter() - t0


MODEL_CACHE_SIZE = 4
_MODELS: "OrderedDict[tuple, object]" = OrderedDict()
_RUN_LOCK = threading.RLock()


def _file_digest(path: str | None) -> str:
    if not path:
        return ""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()[:32]


def _cached_model(family: str, params: dict, weights_path: str | None, search_path, name: str):
    """(model, seconds spent building it here: 0.0 when it came from this process's cache)."""
    key = (family, json.dumps(params, sort_keys=True, default=str), _file_digest(weights_path))
    model = _MODELS.get(key)
    if model is not None:
        _MODELS.move_to_end(key)
        return model, 0.0
    t0 = time.perf_counter()
    model = _build(family, params, search_path, name)
    if weights_path:
        with np.load(weights_path) as z:
            state = {k: z[k] for k in z.files}
        _call("load_state()", name, family, model.load_state, state)
    _MODELS[key] = model
    while len(_MODELS) > MODEL_CACHE_SIZE:
        _MODELS.popitem(last=False)
    return model, time.perf_counter() - t0


def run_chunk(job: ChunkJob) -> dict:
    """One chunk (sim/jobs.py). Returns timings, or {"failure": message} when the model raised
    (a value, not an exception, so Dask does not retry a deterministic failure)."""
    from attnsim.chunks import load_chunk, save_chunk
    from attnsim.models.activity import Activity
    meta = {**job.meta, "chunk": job.chunk, "trials": list(map(int, job.trials)), "seed": int(job.seed)}
    if os.path.exists(job.path) and load_chunk(job.path, meta, []) is not None:
        return {"build_s": 0.0, "run_s": 0.0, "n_trials": len(job.trials), "reused": True}
    name, family = job.name, job.family
    try:
        with _RUN_LOCK:
            model, build_s = _cached_model(family, job.params, job.weights_path, job.search_path, name)
            t1 = time.perf_counter()
            inputs = np.load(job.inputs_path, mmap_mode="r")
            idx = list(job.trials)
            batch = np.ascontiguousarray(inputs[idx])
            size = job.batch_size
            if size and len(idx) < size:
                pad = np.zeros((size - len(idx),) + batch.shape[1:], dtype=batch.dtype)
                batch = np.concatenate([batch, pad], axis=0)
            act = _call("run", name, family, model.run, batch, job.dt_ms, tuple(job.channels),
                        seed=int(job.seed))
            if not isinstance(act, Activity):
                raise ModelFailure(f"model {name!r} (family {family}): run() returned {type(act).__name__}, "
                                   "expected attnsim.models.activity.Activity")
            if act.n_trials != len(batch):
                raise ModelFailure(f"model {name!r} (family {family}): run() returned {act.n_trials} trials "
                                   f"for a batch of {len(batch)}")
            act = act.head(len(idx))
            run_s = time.perf_counter() - t1
            save_chunk(job.path, act, meta)
    except ModelFailure as e:
        return {"failure": str(e)}
    return {"build_s": build_s, "run_s": run_s, "n_trials": len(idx), "reused": False}


def run_fit(job: FitJob) -> dict:
    """Train one model (sim/jobs.py). Returns {"fit_s"} or {"failure": message}."""
    if os.path.exists(job.weights_path):
        return {"fit_s": 0.0}
    try:
        with _RUN_LOCK:
            s = fit_job(job.family, job.params, job.task_spec, job.dt_ms, job.channels, job.seed,
                        job.weights_path, job.curves_path, None, job.name, job.search_path)
    except ModelFailure as e:
        return {"failure": str(e)}
    return {"fit_s": s}


def chunk_task(job: ChunkJob, after=None) -> dict:
    """Dask task: run_chunk in an interpreter with PYTHONHASHSEED=0 (`after`: the fit it waits for)."""
    from attnsim.worker_env import run_pinned
    if isinstance(after, dict) and "failure" in after:
        return after
    return run_pinned(job.search_path, run_chunk, job)


def fit_task(job: FitJob) -> dict:
    """Dask task: run_fit in an interpreter with PYTHONHASHSEED=0."""
    from attnsim.worker_env import run_pinned
    return run_pinned(job.search_path, run_fit, job)

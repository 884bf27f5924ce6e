"""Work done in a worker process: build a model once, train it if it learns, run chunks of
trials, and store each finished chunk (arrays, checked on resume: sim/chunks.py).

Each worker is a fresh process (spawn), so a model may set Brian2's global device without
affecting other models. Jobs receive validated objects (the task's Spec, the model's resolved
params), never raw scenario dicts to validate again.
"""
from __future__ import annotations

import json
import os
import sys
import time

import numpy as np


class ModelFailure(Exception):
    """A model raised while it was built, trained or run; the message names the model and step.

    Raised in the worker and re-raised in the parent (it pickles as its message), so a broken
    user model ends the run with a clear error instead of a traceback from another process.
    """


def ignore_sigint() -> None:
    import signal
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def init_worker(plugin_path: tuple[str, ...] = ()) -> None:
    """Pool initializer: outside parts importable, and Ctrl-C left to the parent.

    `plugin_path` folders are appended to sys.path before any job's arguments are unpickled, so
    a task Spec or model class defined beside the scenario can be sent to the worker.

    Brian2 installs a SIGINT handler at import that ends the running simulation early and keeps
    going; a worker would then save a truncated chunk as if it were complete. So import Brian2
    first (when installed), then ignore SIGINT; the parent stops the workers itself.
    """
    for folder in plugin_path:
        if folder not in sys.path:
            sys.path.append(folder)
    try:
        import brian2  # noqa: F401  (installs its handler now, so ours comes last)
    except ImportError:
        pass
    ignore_sigint()


def ignore_interrupts() -> None:
    """Pool initializer without outside parts (kept for callers of the previous name)."""
    init_worker(())


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


def run_job(family: str, params: dict, inputs_path: str, chunks: list[tuple[int, list[int], int, str]],
            dt_ms: float, channels: tuple, weights_path: str | None, queue=None, name: str = "",
            batch_size: int | None = None, search_path: tuple[str, ...] = (),
            chunk_meta: dict | None = None) -> dict:
    """Run chunks [(chunk_id, trial indices, seed, out_path)] on one model built once.

    Every chunk is padded with silent trials to `batch_size`, so a model that simulates a batch
    at once sees the same batch (and draws the same random numbers) however the chunks are spread
    over workers. Each chunk is stored with `chunk_meta` plus its index, trials and seed, which
    a resume checks before it trusts the file.
    """
    from attnsim.chunks import save_chunk
    from attnsim.models.activity import Activity
    t0 = time.perf_counter()
    model = _build(family, params, search_path, name)
    if weights_path:
        with np.load(weights_path) as z:
            state = {k: z[k] for k in z.files}
        _call("load_state()", name, family, model.load_state, state)
    build_s = time.perf_counter() - t0
    inputs = np.load(inputs_path, mmap_mode="r")
    sim_s = 0.0
    for chunk_id, idx, seed, out_path in chunks:
        t1 = time.perf_counter()
        batch = np.ascontiguousarray(inputs[idx])
        if batch_size and len(idx) < batch_size:
            pad = np.zeros((batch_size - len(idx),) + batch.shape[1:], dtype=batch.dtype)
            batch = np.concatenate([batch, pad], axis=0)
        act = _call("run", name, family, model.run, batch, dt_ms, tuple(channels), seed=seed)
        if not isinstance(act, Activity):
            raise ModelFailure(f"model {name!r} (family {family}): run() returned {type(act).__name__}, "
                               "expected attnsim.models.activity.Activity")
        if act.n_trials != len(batch):
            raise ModelFailure(f"model {name!r} (family {family}): run() returned {act.n_trials} trials "
                               f"for a batch of {len(batch)}")
        act = act.head(len(idx))
        sim_s += time.perf_counter() - t1
        save_chunk(out_path, act, {**(chunk_meta or {}), "chunk": chunk_id, "trials": list(map(int, idx)),
                                   "seed": int(seed)})
        if queue is not None:
            queue.put(("run", name, len(idx), None))
    return {"build_s": build_s, "run_s": sim_s, "n_chunks": len(chunks)}

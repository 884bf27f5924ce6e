"""Work done in a worker process: build a model once, train it if it learns,
run chunks of trials, save each finished chunk (so a run can resume).

Each worker is a fresh process (spawn), so a model may set Brian2's global
device without affecting other models.
"""
from __future__ import annotations

import json
import os
import pickle
import time

import numpy as np


def ignore_sigint() -> None:
    import signal
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def ignore_interrupts() -> None:
    """Pool initializer: Ctrl-C is the parent's to handle.

    Brian2 installs a SIGINT handler at import that ends the running simulation
    early and keeps going; a worker would then save a truncated chunk as if it
    were complete. So import Brian2 first (when installed), then ignore SIGINT;
    the parent stops the workers itself.
    """
    try:
        import brian2  # noqa: F401  (installs its handler now, so ours comes last)
    except ImportError:
        pass
    ignore_sigint()


def _sample_batch_factory(task_spec: dict):
    from pydantic import TypeAdapter

    from attnsim.scenario.schema import TaskSpec
    from attnsim.tasks import build_trials

    spec = TypeAdapter(TaskSpec).validate_python(task_spec)

    def sample_batch(n: int, rng: np.random.Generator):
        trials = build_trials(spec, seed=int(rng.integers(0, 2**31 - 1)), n_trials=n)
        return trials.inputs, trials.target, trials.loss_mask()
    return sample_batch


def _build(family: str, params: dict):
    from attnsim.models.registry import load_family
    cls = load_family(family)
    return cls(cls.Params(**params))


def fit_job(family: str, params: dict, task_spec: dict, dt_ms: float, channels: tuple, seed: int,
            weights_path: str, curves_path: str, queue=None, name: str = "") -> float:
    """Train an artificial model; save weights (npz) and training curves (JSON). Returns seconds."""
    t0 = time.perf_counter()
    model = _build(family, params)

    def progress(done, total):
        if queue is not None:
            queue.put(("fit", name, done, total))
    curves = model.fit(_sample_batch_factory(task_spec), dt_ms, tuple(channels), seed=seed, progress=progress)
    tmp = weights_path + ".tmp.npz"
    np.savez(tmp, **model.state())
    os.replace(tmp, weights_path)
    with open(curves_path + ".tmp", "w") as fh:
        json.dump(_jsonable(curves), fh)
    os.replace(curves_path + ".tmp", curves_path)
    return time.perf_counter() - t0


def run_job(family: str, params: dict, inputs_path: str, chunks: list[tuple[int, list[int], int, str]],
            dt_ms: float, channels: tuple, weights_path: str | None, queue=None, name: str = "",
            batch_size: int | None = None) -> dict:
    """Run chunks [(chunk_id, trial indices, seed, out_path)] on one model built once.

    Every chunk is padded with silent trials to `batch_size`, so a model that
    simulates a batch at once sees the same batch (and draws the same random
    numbers) however the chunks are spread over workers.
    """
    t0 = time.perf_counter()
    model = _build(family, params)
    if weights_path:
        with np.load(weights_path) as z:
            model.load_state({k: z[k] for k in z.files})
    build_s = time.perf_counter() - t0
    inputs = np.load(inputs_path, mmap_mode="r")
    sim_s = 0.0
    for chunk_id, idx, seed, out_path in chunks:
        t1 = time.perf_counter()
        batch = np.ascontiguousarray(inputs[idx])
        if batch_size and len(idx) < batch_size:
            pad = np.zeros((batch_size - len(idx),) + batch.shape[1:], dtype=batch.dtype)
            batch = np.concatenate([batch, pad], axis=0)
        act = model.run(batch, dt_ms, tuple(channels), seed=seed).head(len(idx))
        sim_s += time.perf_counter() - t1
        tmp = out_path + ".tmp"
        with open(tmp, "wb") as fh:
            pickle.dump(act, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, out_path)   # a chunk file exists only when complete
        if queue is not None:
            queue.put(("run", name, len(idx), None))
    return {"build_s": build_s, "run_s": sim_s, "n_chunks": len(chunks)}


def _jsonable(x):
    if isinstance(x, dict):
        return {str(k): _jsonable(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [_jsonable(v) for v in x]
    if isinstance(x, np.ndarray):
        return _jsonable(x.tolist())
    if isinstance(x, (np.floating, float)):
        return None if not np.isfinite(x) else float(x)
    if isinstance(x, (np.integer,)):
        return int(x)
    return x

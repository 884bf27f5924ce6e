"""Dask as the execution engine: cluster and client lifecycle, task submission, progress.

A run (or every point of a sweep at once) is a set of RunPlans (sim/runner.py). Each plan
becomes tasks on one Dask client:

    fit(point, model)                       one per trainable model still to train
    chunk(point, model, chunk)  <- fit      one per chunk of trials still to run

so the unit of work is one (sweep point, seed, model, chunk of trials), a trained model's
chunks wait for its fit, and the chunks of every point are in flight together. When the last
task of a plan finishes, `on_done(plan)` is called in this process (a sweep writes that
point's summary and figures there). Building a model can cost as much as a chunk, so the
chunks, in submission order, are cut into one contiguous block per worker and each block
prefers its worker (a loose restriction: an idle worker still steals, a lost worker's chunks
go elsewhere); a worker then builds few models and keeps them in its cache (sim/worker.py).

Where the tasks run:

- by default a `LocalCluster` of `workers` processes with one thread each, whose worker
  processes are started with PYTHONHASHSEED=0 (`PinnedNanny`: this distributed version
  replaces a pre-spawn PYTHONHASHSEED of "0" with its own seed) and one BLAS/OpenMP thread;
- `scheduler="tcp://host:port"`: a running cluster. Each worker's hash seed is checked
  (`client.run`); a worker without PYTHONHASHSEED=0 runs its chunks in one child process
  started with it (sim/worker_env.py), so every worker gives the same numbers. The run
  directory must be on a filesystem the workers share (they read inputs.npy and write the
  chunk files).

Failures: a task lost with its worker is retried by Dask (`RETRIES`); since a chunk file is
written atomically and a chunk whose file verifies is not recomputed, a lost worker costs only
its chunk and changes no number. A model that raises returns {"failure": message} (not
retried: it would raise again), which ends the run with a ModelFailure. Ctrl-C closes the
cluster at once; finished chunks stay on disk for `--resume`.
"""
from __future__ import annotations

import contextlib
import logging
import signal
import sys
import uuid

from distributed import Nanny
from distributed.diagnostics.plugin import WorkerPlugin

from attnsim.jobs import plan_jobs
from attnsim.main_script import main_script_hidden

RETRIES = 2
_ENV = {"PYTHONHASHSEED": "0", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1"}


class PinnedNanny(Nanny):
    """A Nanny whose worker processes start with `_ENV` set (hash seed 0, one BLAS thread)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.pre_spawn_env.update(_ENV)
        self.env.update(_ENV)


class WorkerSetup(WorkerPlugin):
    """On every worker, now and when it is restarted: outside parts importable, Brian2 imported
    so that Ctrl-C never cuts a simulation short (and ignored on a local cluster's workers,
    which this process stops), its own code-generation cache (sim/worker_env.py)."""

    def __init__(self, plugin_path=(), ignore_interrupts: bool = True):
        self.plugin_path = tuple(plugin_path)
        self.ignore_interrupts = ignore_interrupts

    def setup(self, worker):
        from attnsim.worker_env import init_worker
        init_worker(self.plugin_path, self.ignore_interrupts)


def _no_sigint():
    """Ignore SIGINT while the local cluster spawns its workers (they inherit it); returns the old handler."""
    try:
        return signal.signal(signal.SIGINT, signal.SIG_IGN)
    except ValueError:               # not the main thread: nothing to do
        return None


class Engine:
    """A Dask client for the length of a `with` block: `Engine(workers=2)` starts a local
    cluster, `Engine(scheduler="tcp://...")` connects to a running one."""

    def __init__(self, workers: int = 1, scheduler: str | None = None, quiet: bool = True, plugin_path=()):
        self.workers, self.scheduler, self.quiet = workers, scheduler, quiet
        self.plugin_path = tuple(plugin_path)
        self.cluster = self.client = None
        self._main_hidden = contextlib.ExitStack()
        self._plugins: set[tuple] = set()
        self._logs: dict[str, int] = {}

    def _say(self, message: str) -> None:
        if not self.quiet:
            print(message, file=sys.stderr)

    def __enter__(self) -> "Engine":
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.close(fast=exc[0] is not None)

    def start(self) -> None:
        from distributed import Client, LocalCluster
        from attnsim.errors import RunError
        # worker deaths and shutdowns are reported by this engine, not as log noise
        for name in ("distributed", "distributed.nanny", "distributed.scheduler", "distributed.worker",
                     "distributed.core", "distributed.comm"):
            lg = logging.getLogger(name)
            self._logs[name] = lg.level
            lg.setLevel(logging.CRITICAL)
        if self.scheduler:
            try:
                self.client = Client(self.scheduler, timeout="20s")
            except (OSError, TimeoutError) as e:
                raise RunError(f"--scheduler {self.scheduler}: cannot connect ({type(e).__name__}: {e}); is a "
                               "scheduler running there (`dask scheduler`)?") from None
            self._check_workers()
        else:
            # the cluster spawns (and may restart) workers until it is closed (sim/main_script.py)
            self._main_hidden.enter_context(main_script_hidden())
            old = _no_sigint()
            try:
                self.cluster = LocalCluster(n_workers=self.workers, threads_per_worker=1, processes=True,
                                            worker_class=PinnedNanny, dashboard_address=":0",
                                            silence_logs=logging.CRITICAL)
                self.client = Client(self.cluster)
            finally:
                if old is not None:
                    signal.signal(signal.SIGINT, old)
            dash = self.client.dashboard_link if "dashboard" in self.cluster.scheduler.services else None
            self._say(f"dask: local cluster of {self.workers} worker process(es); "
                      + (f"dashboard {dash}" if dash else "dashboard off (install bokeh for it)"))
        self.add_plugin_path(self.plugin_path)

    def _check_workers(self) -> None:
        from attnsim.errors import RunError
        from attnsim.worker_env import describe
        try:
            self.client.wait_for_workers(1, timeout=30)
        except TimeoutError:
            raise RunError(f"--scheduler {self.scheduler}: no worker connected within 30 s; start some with "
                           f"`PYTHONHASHSEED=0 dask worker {self.scheduler} --nthreads 1`") from None
        info = self.client.run(describe)
        loose = [addr for addr, d in info.items() if not d["hash_seed_fixed"]]
        self._say(f"dask: scheduler {self.scheduler}, {len(info)} worker(s)")
        if loose:
            self._say(f"dask: {len(loose)} worker(s) not started with PYTHONHASHSEED=0 (a nanny sets its own): "
                      "they run each chunk in a child process started with it. To avoid the extra process, "
                      f"start workers with `PYTHONHASHSEED=0 dask worker {self.scheduler} --no-nanny --nthreads 1`")

    def add_plugin_path(self, plugin_path) -> None:
        """Make the folders importable on every worker (now and after a restart) before any task."""
        key = tuple(plugin_path)
        if key in self._plugins:
            return
        self.client.register_plugin(WorkerSetup(key, ignore_interrupts=self.cluster is not None),
                                    name=f"attnsim-setup-{uuid.uuid4().hex[:12]}")
        self._plugins.add(key)

    def close(self, fast: bool = False) -> None:
        """Close the client (and the local cluster). `fast`: after an error or Ctrl-C, stop the
        workers without waiting for their running chunks."""
        try:
            if self.client is not None:
                self.client.close(timeout=2 if fast else 10)
            if self.cluster is not None:
                self.cluster.close(timeout=2 if fast else 10)
        except Exception:  # noqa: BLE001  (closing after a failure: the first error is the one to report)
            if not fast:
                raise
        finally:
            self.client = self.cluster = None
            self._main_hidden.close()
            for name, level in self._logs.items():
                logging.getLogger(name).setLevel(level)

    # ---- submission -------------------------------------------------------------------------

    def submit_plan(self, plan, jobs=None, places=None) -> list:
        """Submit a plan's fits and chunks; returns [(future, job)] (sim/jobs.py).

        places: for each job of `jobs` (default plan_jobs(plan)), the worker it should
        preferably run on, or None (a loose restriction: another worker takes it when that
        one is gone, and an idle worker may steal it)."""
        from attnsim import worker
        self.add_plugin_path(tuple(plan.scn.plugin_path))
        run_id = uuid.uuid4().hex[:10]
        futures, fits = [], {}
        jobs = plan_jobs(plan) if jobs is None else jobs
        places = places or [None] * len(jobs)
        for job, place in zip(jobs, places):
            where = {} if place is None else {"workers": [place], "allow_other_workers": True}
            if job.kind == "fit":
                f = self.client.submit(worker.fit_task, job, key=f"attnsim-fit-{job.name}-{run_id}",
                                       retries=RETRIES, pure=False)
                fits[job.name] = f
            else:
                f = self.client.submit(worker.chunk_task, job, fits.get(job.name),
                                       key=f"attnsim-chunk-{job.name}-{job.chunk}-{run_id}",
                                       retries=RETRIES, pure=False, **where)
            futures.append((f, job))
        return futures

    def _places(self, jobs: dict[int, list]) -> dict[int, list]:
        """Preferred workers: all chunks in submission order, cut into one contiguous block per
        worker, so that a worker runs few models (each built once there) instead of every
        worker building every model of a sweep. Fits have no preference."""
        addrs = sorted(self.client.scheduler_info()["workers"])
        order = [(i, j) for i in sorted(jobs) for j, job in enumerate(jobs[i]) if job.kind == "run"]
        places = {i: [None] * len(js) for i, js in jobs.items()}
        if len(addrs) < 2:
            return places
        for n, (i, j) in enumerate(order):
            places[i][j] = addrs[n * len(addrs) // len(order)]
        return places

    def run(self, plans, on_done=None, progress=None) -> None:
        """Run every plan's tasks; `on_done(plan)` when a plan's last task is done (plans with
        nothing to do first). Raises ModelFailure for a model that failed, RunError for a task
        whose workers kept dying; the remaining tasks are cancelled."""
        from distributed import as_completed
        from distributed.client import FutureCancelledError
        from distributed.scheduler import KilledWorker
        from attnsim.interrupts import raise_if_interrupted
        from attnsim.errors import ModelFailure, RunError
        from attnsim.progress import Progress
        own = progress is None
        if own:
            trials, fits = {}, {}
            for p in plans:
                for m in p.scn.models:
                    trials[m.name] = trials.get(m.name, 0) + p.trials_to_run(m.name)
                    fits[m.name] = fits.get(m.name, 0) + (m.name in p.fits)
            progress = Progress(trials, fits, quiet=self.quiet)
        owner, what, left, everything = {}, {}, {}, []
        try:
            jobs = {i: plan_jobs(p) for i, p in enumerate(plans) if p.has_work}
            places = self._places(jobs)
            for i, p in enumerate(plans):
                if i not in jobs:
                    continue
                fs = self.submit_plan(p, jobs[i], places[i])
                left[i] = len(fs)
                for f, w in fs:
                    owner[f.key], what[f.key] = i, w
                    everything.append(f)
            for i, p in enumerate(plans):
                if i not in left and on_done is not None:
                    on_done(p)
            for f in as_completed(everything):
                raise_if_interrupted()
                i = owner[f.key]
                plan = plans[i]
                job = what[f.key]
                name = job.name
                try:
                    result = f.result()
                except KilledWorker:
                    raise RunError(f"workers kept dying while running model {name!r} (out of memory, or "
                                   f"killed {RETRIES + 1} times); finished chunks are kept: resume with "
                                   f"`attnsim run --resume {plan.partial}`") from None
                except FutureCancelledError:
                    raise RunError(f"the cluster cancelled a task of model {name!r} (did the scheduler stop?); "
                                   f"finished chunks are kept: resume with `attnsim run --resume {plan.partial}`") \
                        from None
                if "failure" in result:
                    raise ModelFailure(result["failure"])
                t = plan.timings.setdefault(name, {"fit_s": 0.0, "build_s": 0.0, "run_s": 0.0})
                if job.kind == "fit":
                    t["fit_s"] = round(t["fit_s"] + result["fit_s"], 3)
                    progress.fit_done(name)
                else:
                    t["build_s"] = round(t["build_s"] + result["build_s"], 3)
                    t["run_s"] = round(t["run_s"] + result["run_s"], 3)
                    progress.trials_done(name, job.n_trials)
                left[i] -= 1
                if left[i] == 0 and on_done is not None:
                    on_done(plan)
        except BaseException:
            for f in everything:
                if not f.done():
                    f.cancel()
            raise
        finally:
            if own:
                progress.close()


def run_in_process(plans, on_done=None) -> None:
    """The same jobs as `Engine.run`, one after another without Dask, in this process when its
    hash seed is 0 and else in one pinned child (sim/worker_env.py): the sequential reference
    the engine is measured and tested against."""
    from attnsim import worker
    from attnsim.errors import ModelFailure
    from attnsim.interrupts import raise_if_interrupted
    for plan in plans:
        for job in plan_jobs(plan):
            raise_if_interrupted()
            result = (worker.fit_task if job.kind == "fit" else worker.chunk_task)(job)
            if "failure" in result:
                raise ModelFailure(result["failure"])
            t = plan.timings.setdefault(job.name, {"fit_s": 0.0, "build_s": 0.0, "run_s": 0.0})
            for k in ("fit_s", "build_s", "run_s"):
                if k in result:
                    t[k] = round(t[k] + result[k], 3)
        if on_done is not None:
            on_done(plan)

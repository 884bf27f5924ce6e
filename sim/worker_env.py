"""The process a model runs in: importable outside parts, Ctrl-C left to the parent, a private
Brian2 code-generation cache, and a fixed string-hash seed.

Why each matters:

- Outside parts: a task Spec or model class defined beside the scenario is found through the
  scenario's `plugin_path`; those folders go on `sys.path` before any job argument is
  unpickled.
- Ctrl-C: Brian2 installs a SIGINT handler at import that ends the running simulation early
  and carries on, so a worker would save a truncated chunk as if it were complete. Brian2 is
  imported first (in the main thread: its import calls signal.signal) with that behaviour
  switched off (`core.stop_on_keyboard_interrupt`), and a worker whose parent stops it (a
  local cluster's, a pool's) ignores SIGINT altogether.
- Code-generation cache: Brian2 compiles each Cython code object into a module named by the
  hash of its code, in `codegen.runtime.cython.cache_dir` (`~/.cython` by default). Every
  attnsim process on a machine uses one directory, `<cache root>/cython/shared`, with Brian2's
  per-module file lock on (`codegen.runtime.cython.multiprocess_safe`): two processes that need
  the same module build it once, the second waiting for the first, and a run started beside
  another reuses everything the other compiled.
- Hash seed: Brian2's runtime code paths iterate over hash-ordered sets of strings, so the
  rate models' results depend on the interpreter's string-hash seed. Every chunk runs in an
  interpreter started with PYTHONHASHSEED=0 (`sys.flags.hash_randomization == 0`): a worker
  started otherwise (e.g. by hand with `dask worker`, whose nanny sets its own seed) forwards
  its jobs to one persistent child process started with it (`run_pinned`).
"""
from __future__ import annotations

import os
import pickle
import signal
import sys
import threading

_STATE: dict = {"child": None}
_LOCK = threading.Lock()


def hash_seed_fixed() -> bool:
    """True when this interpreter's string hashes are those of PYTHONHASHSEED=0."""
    return sys.flags.hash_randomization == 0


def add_plugin_path(plugin_path) -> None:
    for folder in plugin_path or ():
        if folder not in sys.path:
            sys.path.append(folder)


def ignore_sigint() -> None:
    """Ignore Ctrl-C in this process (only possible from its main thread; elsewhere a no-op)."""
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGINT, signal.SIG_IGN)


def _cache_root() -> str:
    from attnsim.models.microcircuit.standalone import cache_root
    return str(cache_root())


def codegen_cache_dir() -> str:
    """The Cython cache directory every attnsim process on this machine shares (created here)."""
    d = os.path.join(_cache_root(), "cython", "shared")
    os.makedirs(d, exist_ok=True)
    return d


def prepare_process(plugin_path=()) -> None:
    """Everything above for the current process (idempotent; cheap after the first call)."""
    add_plugin_path(plugin_path)
    try:
        import brian2
    except ImportError:
        return
    # a Ctrl-C reaching this process must never end a simulation early (its chunk would look
    # complete): Brian2's handler then passes it on to the previous one
    brian2.prefs["core.stop_on_keyboard_interrupt"] = False
    brian2.prefs["codegen.runtime.cython.multiprocess_safe"] = True   # the per-module lock
    d = codegen_cache_dir()
    if brian2.prefs["codegen.runtime.cython.cache_dir"] != d:
        brian2.prefs["codegen.runtime.cython.cache_dir"] = d


def init_worker(plugin_path: tuple[str, ...] = (), ignore_interrupts: bool = True) -> None:
    """Process-pool initializer (and Dask worker setup): outside parts, Brian2 imported, SIGINT
    ignored (`ignore_interrupts`: for workers whose parent stops them; a worker started by hand
    keeps its Ctrl-C, which then stops the worker rather than a simulation)."""
    prepare_process(plugin_path)
    if ignore_interrupts:
        ignore_sigint()


def _init_child() -> None:
    """Initializer of the pinned child: as a worker, and it ends when its parent does (a worker
    killed with SIGKILL cannot stop it, so it watches for being re-parented)."""
    init_worker(())
    parent = os.getppid()

    def watch():
        import time
        while os.getppid() == parent:
            time.sleep(1.0)
        os._exit(0)
    threading.Thread(target=watch, daemon=True, name="attnsim-parent-watch").start()


def _child_main(plugin_path, payload: bytes):
    """In the pinned child: unpickle (fn, args) once the outside parts are importable, run it."""
    prepare_process(plugin_path)
    fn, args = pickle.loads(payload)
    return fn(*args)


def run_pinned(plugin_path, fn, *args):
    """fn(*args) in an interpreter with PYTHONHASHSEED=0: here if this one is, else in one
    persistent spawned child of this process (so its model cache lives on between jobs)."""
    if hash_seed_fixed():
        prepare_process(plugin_path)
        return fn(*args)
    import multiprocessing as mp
    from concurrent.futures import ProcessPoolExecutor
    from attnsim.main_script import main_script_hidden
    with _LOCK:
        if _STATE["child"] is None:
            saved = os.environ.get("PYTHONHASHSEED")
            os.environ["PYTHONHASHSEED"] = "0"          # read by the child's interpreter at start
            # a nanny's worker is a daemonic process, which multiprocessing forbids to have
            # children; the child is ours to stop (it exits when this process's pipe closes)
            me = mp.current_process()
            daemon = me._config.get("daemon")
            me._config["daemon"] = False
            try:
                with main_script_hidden():                  # sim/main_script.py
                    _STATE["child"] = ProcessPoolExecutor(max_workers=1, mp_context=mp.get_context("spawn"),
                                                          initializer=_init_child)
                    _STATE["child"].submit(int, 0).result()   # start it now, while the variable is set
            finally:
                me._config["daemon"] = daemon
                if saved is None:
                    os.environ.pop("PYTHONHASHSEED", None)
                else:
                    os.environ["PYTHONHASHSEED"] = saved
        child = _STATE["child"]
    from concurrent.futures.process import BrokenProcessPool
    try:
        return child.submit(_child_main, tuple(plugin_path), pickle.dumps((fn, args))).result()
    except BrokenProcessPool:
        with _LOCK:                      # the child died: start a new one next time; Dask retries this job
            if _STATE["child"] is child:
                _STATE["child"] = None
        raise


def describe() -> dict:
    """What the engine checks on each worker: its hash seed and whether jobs are forwarded."""
    return {"pid": os.getpid(), "PYTHONHASHSEED": os.environ.get("PYTHONHASHSEED"),
            "hash_seed_fixed": hash_seed_fixed(), "host": os.uname().nodename}

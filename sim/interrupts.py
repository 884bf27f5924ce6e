"""Ctrl-C that is never lost while a run is going on.

Python's default SIGINT handler raises KeyboardInterrupt in whatever code the main thread is
running. When that code is a `__del__` method or a weakref callback (a Dask client runs many
of them while it waits on its futures), the interpreter prints "Exception ignored in ..." and
carries on: the run would go on to the end and be published as if Ctrl-C had never been
pressed. `catch_interrupts()` installs, for the length of a `with` block, a handler that
records the interrupt before it raises; `raise_if_interrupted()`, called at the run's
checkpoints (each finished task, before a sweep point or a run directory is published),
raises it again, so a swallowed Ctrl-C stops the run at the next checkpoint at the latest.

The handler is installed from the main thread only, and not where SIGINT is ignored (a worker
whose parent stops it). It wraps the handler it finds: Python's default one (or none) is
replaced by "record, raise KeyboardInterrupt"; a host's own handler (Brian2's, which stops a
running simulation and otherwise calls the default; a notebook kernel's) still runs, after the
interrupt is recorded, so a Ctrl-C always stops the run at the next checkpoint at the latest.
"""
from __future__ import annotations

import signal
import threading
from contextlib import contextmanager

_STATE = {"interrupted": False, "depth": 0}


def _recorder(previous):
    def handler(signum, frame):
        _STATE["interrupted"] = True
        if callable(previous):
            previous(signum, frame)
        else:
            raise KeyboardInterrupt
    return handler


def raise_if_interrupted() -> None:
    """Raise KeyboardInterrupt if Ctrl-C was pressed inside `catch_interrupts()` and its
    exception was swallowed on the way (each interrupt is raised here once)."""
    if _STATE["interrupted"]:
        _STATE["interrupted"] = False
        raise KeyboardInterrupt


@contextmanager
def catch_interrupts():
    """Record every SIGINT received in the block (see the module docstring); nests."""
    installed = None
    if _STATE["depth"] == 0 and threading.current_thread() is threading.main_thread():
        previous = signal.getsignal(signal.SIGINT)
        if previous is not signal.SIG_IGN:
            signal.signal(signal.SIGINT, _recorder(previous))
            installed = previous
            _STATE["interrupted"] = False
    _STATE["depth"] += 1
    try:
        yield
    finally:
        _STATE["depth"] -= 1
        if installed is not None:
            signal.signal(signal.SIGINT, installed)
            _STATE["interrupted"] = False

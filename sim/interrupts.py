"""Ctrl-C that is never lost while a run is going on.

Python's default SIGINT handler raises KeyboardInterrupt in whatever code the main thread is
running. When that code is a `__del__` method or a weakref callback (a Dask client runs many
of them while it waits on its futures), the interpreter prints "Exception ignored in ..." and
carries on: the run would go on to the end and be published as if Ctrl-C had never been
pressed. `catch_interrupts()` installs, for the length of a `with` block, a handler that
records the interrupt before it raises; `raise_if_interrupted()`, called at the run's
checkpoints (each finished task, before a sweep point or a run directory is published),
raises it again, so a swallowed Ctrl-C stops the run at the next checkpoint at the latest.

The handler is installed only from the main thread and only over Python's own default
handler, so a host with its own SIGINT handling (a notebook kernel, a test runner, Brian2's
"stop the simulation" handler) keeps it.
"""
from __future__ import annotations

import signal
import threading
from contextlib import contextmanager

_STATE = {"interrupted": False, "depth": 0}


def _record_and_raise(signum, frame):
    _STATE["interrupted"] = True
    raise KeyboardInterrupt


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
    if (_STATE["depth"] == 0 and threading.current_thread() is threading.main_thread()
            and signal.getsignal(signal.SIGINT) is signal.default_int_handler):
        installed = signal.signal(signal.SIGINT, _record_and_raise)
        _STATE["interrupted"] = False
    _STATE["depth"] += 1
    try:
        yield
    finally:
        _STATE["depth"] -= 1
        if installed is not None:
            signal.signal(signal.SIGINT, installed)
            _STATE["interrupted"] = False

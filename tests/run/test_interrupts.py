"""Ctrl-C swallowed by a finalizer still stops a run (sim/interrupts.py)."""
import os
import signal
import time

import pytest

from attnsim.interrupts import catch_interrupts, raise_if_interrupted


class _InterruptedFinalizer:
    """Receives SIGINT inside __del__, where Python prints 'Exception ignored' and goes on."""

    def __del__(self):
        os.kill(os.getpid(), signal.SIGINT)
        time.sleep(0.2)


def _swallow_one_interrupt():
    obj = _InterruptedFinalizer()
    del obj


@pytest.fixture
def sigint(request):
    """SIGINT set to `request.param`'s handler for the test (Brian2, once imported by another
    test, installs its own), restored afterwards."""
    old = signal.signal(signal.SIGINT, request.param)
    yield request.param
    signal.signal(signal.SIGINT, old)


def _brian2_like(signum, frame):
    """A host handler that, outside a simulation, calls the default one (as Brian2's does)."""
    signal.default_int_handler(signum, frame)


@pytest.mark.parametrize("sigint", [signal.default_int_handler, _brian2_like], indirect=True)
def test_an_interrupt_swallowed_by_a_finalizer_is_raised_at_the_next_checkpoint(sigint):
    with catch_interrupts():
        _swallow_one_interrupt()                       # no exception gets out of here
        with pytest.raises(KeyboardInterrupt):
            raise_if_interrupted()
        raise_if_interrupted()                         # raised once, not again
    assert signal.getsignal(signal.SIGINT) is sigint


@pytest.mark.parametrize("sigint", [signal.default_int_handler], indirect=True)
def test_control_without_the_guard_the_interrupt_is_lost(sigint):
    _swallow_one_interrupt()
    raise_if_interrupted()                             # nothing recorded: the Ctrl-C is gone


def test_a_host_handler_still_runs_and_the_checkpoint_raises():
    seen = []
    old = signal.signal(signal.SIGINT, lambda s, f: seen.append(s))
    try:
        with catch_interrupts():
            os.kill(os.getpid(), signal.SIGINT)
            time.sleep(0.1)
            assert seen == [signal.SIGINT]             # the host's handler ran, raised nothing
            with pytest.raises(KeyboardInterrupt):
                raise_if_interrupted()
    finally:
        signal.signal(signal.SIGINT, old)


def test_an_ignored_sigint_stays_ignored():
    old = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        with catch_interrupts():
            assert signal.getsignal(signal.SIGINT) is signal.SIG_IGN
            os.kill(os.getpid(), signal.SIGINT)
            time.sleep(0.05)
            raise_if_interrupted()
    finally:
        signal.signal(signal.SIGINT, old)

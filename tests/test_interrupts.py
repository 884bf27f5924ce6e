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


def test_an_interrupt_swallowed_by_a_finalizer_is_raised_at_the_next_checkpoint():
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
    with catch_interrupts():
        _swallow_one_interrupt()                       # no exception gets out of here
        with pytest.raises(KeyboardInterrupt):
            raise_if_interrupted()
        raise_if_interrupted()                         # raised once, not again
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


def test_control_without_the_guard_the_interrupt_is_lost():
    _swallow_one_interrupt()
    raise_if_interrupted()                             # nothing recorded: the Ctrl-C is gone


def test_a_host_handler_is_left_alone():
    seen = []
    old = signal.signal(signal.SIGINT, lambda s, f: seen.append(s))
    try:
        with catch_interrupts():
            assert signal.getsignal(signal.SIGINT) is not signal.default_int_handler
            os.kill(os.getpid(), signal.SIGINT)
            time.sleep(0.1)
            raise_if_interrupted()
        assert seen == [signal.SIGINT]
    finally:
        signal.signal(signal.SIGINT, old)

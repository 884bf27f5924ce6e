"""Run BLAS single-threaded while an artificial model computes.

These models multiply small matrices (batch x ~64) thousands of times per
trial batch; a multi-threaded BLAS then spends more time waking and syncing
threads than computing, and on a shared 2-core machine it ran 5-20x slower.
threadpoolctl is used when installed; otherwise OpenBLAS (as bundled with
numpy) is called directly through ctypes; if neither works this is a no-op.
"""
from __future__ import annotations

import contextlib
import ctypes
import glob
import os

import numpy as np

_GET = ("scipy_openblas_get_num_threads64_", "openblas_get_num_threads64_", "openblas_get_num_threads")
_SET = ("scipy_openblas_set_num_threads64_", "openblas_set_num_threads64_", "openblas_set_num_threads")
_lib_funcs: tuple | None | bool = False     # False = not looked up yet


def _openblas():
    global _lib_funcs
    if _lib_funcs is False:
        _lib_funcs = None
        libdir = os.path.join(os.path.dirname(os.path.dirname(np.__file__)), "numpy.libs")
        for path in glob.glob(os.path.join(libdir, "*openblas*")):
            try:
                lib = ctypes.CDLL(path)
            except OSError:
                continue
            get = next((getattr(lib, n) for n in _GET if hasattr(lib, n)), None)
            set_ = next((getattr(lib, n) for n in _SET if hasattr(lib, n)), None)
            if get is not None and set_ is not None:
                get.restype = ctypes.c_int
                set_.argtypes = [ctypes.c_int]
                _lib_funcs = (get, set_)
                break
    return _lib_funcs


@contextlib.contextmanager
def single_thread_blas():
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        threadpool_limits = None
    if threadpool_limits is not None:
        with threadpool_limits(limits=1, user_api="blas"):
            yield
        return
    funcs = _openblas()
    if funcs is None:
        yield
        return
    get, set_ = funcs
    before = get()
    set_(1)
    try:
        yield
    finally:
        set_(before)

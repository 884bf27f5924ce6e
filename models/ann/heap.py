"""Keep freed array memory in the C heap while an artificial model trains or runs.

A training step allocates a few dozen arrays of 0.1-10 MB (per-step gates,
their derivatives, attention weights: T * B * G values) and frees them before
the next step. glibc's malloc serves blocks above its mmap threshold (128 kB
at start, raised dynamically only up to the largest block freed so far) with
fresh mmap()s and returns them on free(), and trims the heap top beyond its
trim threshold; every new block then page-faults its pages in again, zeroed
by the kernel: thousands of minor page faults per step at batch 32, 150
steps, hidden 64, a large share of a float32 step. PyTorch avoids the same
cost with its caching allocator. Raising both thresholds for the duration
lets free() keep those pages and the next step reuse them:

    M_MMAP_THRESHOLD = 32 MB   blocks below this come from the heap
    M_TRIM_THRESHOLD = 1 GB    the heap top is not returned to the OS

On exit the thresholds go back to glibc's initial values (128 kB each; fixed
from then on rather than adjusted dynamically) and malloc_trim(0) returns the
kept memory. Without glibc (macOS, musl, Windows) this is a no-op. Nested
uses are allowed: only the outermost one changes the settings.
"""
from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import sys

_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD = -1, -3
_KEEP = {_M_MMAP_THRESHOLD: 32 << 20, _M_TRIM_THRESHOLD: 1 << 30}
_DEFAULT = {_M_MMAP_THRESHOLD: 128 << 10, _M_TRIM_THRESHOLD: 128 << 10}
_libc: object = False          # False = not looked up yet, None = not glibc
_depth = 0


def _glibc():
    global _libc
    if _libc is False:
        _libc = None
        if sys.platform.startswith("linux"):
            try:
                lib = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
                lib.mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
                lib.malloc_trim.argtypes = [ctypes.c_size_t]
                lib.gnu_get_libc_version          # present in glibc only
                _libc = lib
            except (OSError, AttributeError):
                _libc = None
    return _libc


@contextlib.contextmanager
def keep_freed_memory():
    """Within the block, freed blocks below 32 MB stay in the heap for reuse (see module doc)."""
    global _depth
    lib = _glibc()
    if lib is None or _depth:
        _depth += 1
        try:
            yield
        finally:
            _depth -= 1
        return
    for k, v in _KEEP.items():
        lib.mallopt(k, v)
    _depth += 1
    try:
        yield
    finally:
        _depth -= 1
        for k, v in _DEFAULT.items():
            lib.mallopt(k, v)
        lib.malloc_trim(0)

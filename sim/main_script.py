"""Worker processes started safely from a script that has no main guard.

Dask's local cluster and the pinned child (sim/worker_env.py) start their processes with
Python's "spawn" method, and spawn prepares each new interpreter by running the parent's main
script again, as the module `__mp_main__` (or importing it again by name after `python -m`).
A script that calls `attnsim.run` at its top level, outside `if __name__ == "__main__":`, then
calls it again inside every starting worker, and multiprocessing stops there with "An attempt
has been made to start a new process before the current process has finished its bootstrapping
phase"; a script piped to `python -` names a file `<stdin>` that the worker cannot open.

attnsim's workers need nothing from the main script: a job names its model family by registry
name or as `module:Class` and imports it there. So, unless the call comes from inside a main
guard of a real script file, the main module's `__file__` and `__spec__` are hidden from
multiprocessing while attnsim starts and keeps worker processes (`main_script_hidden`), and the
workers start without running the script. Inside a main guard nothing is hidden, so a family
defined in the script itself (`family: "__main__:MyModel"`) keeps working there.
Notebooks, the REPL and `python -c` have no main file and need nothing.
"""
from __future__ import annotations

import ast
import os
import sys
from contextlib import contextmanager

_MISSING = object()


def _guard_ranges(path: str) -> list[tuple[int, int]]:
    """Line ranges (first, last) of the bodies of `if __name__ == "__main__":` blocks in a file."""
    try:
        with open(path, encoding="utf-8") as fh:
            tree = ast.parse(fh.read(), filename=path)
    except (OSError, SyntaxError, ValueError):
        return []
    ranges = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.If) or not isinstance(node.test, ast.Compare):
            continue
        sides = [node.test.left, *node.test.comparators]
        names = any(isinstance(s, ast.Name) and s.id == "__name__" for s in sides)
        main = any(isinstance(s, ast.Constant) and s.value == "__main__" for s in sides)
        if names and main and node.body:
            ranges.append((node.body[0].lineno, node.body[-1].end_lineno or node.body[-1].lineno))
    return ranges


def called_inside_main_guard() -> bool:
    """True when the main script's top-level frame is executing inside its main guard."""
    main = sys.modules.get("__main__")
    path = getattr(main, "__file__", None)
    if main is None or not path or not os.path.isfile(path):
        return False
    frame = sys._getframe(1)
    while frame is not None:
        if frame.f_globals is main.__dict__ and frame.f_code.co_name == "<module>":
            return any(lo <= frame.f_lineno <= hi for lo, hi in _guard_ranges(path))
        frame = frame.f_back
    return False


def main_would_rerun() -> bool:
    """True when a spawned process would run (or fail to run) the main script again."""
    main = sys.modules.get("__main__")
    if main is None:
        return False
    name = getattr(getattr(main, "__spec__", None), "name", None)
    if name is not None:
        return name != "__main__" and not name.endswith(".__main__")
    return getattr(main, "__file__", None) is not None


@contextmanager
def main_script_hidden():
    """Within the block, processes started with "spawn" do not run the main script again.

    Nothing is hidden when the call comes from inside a main guard (the script is safe to
    re-run there) or when there is no main script (notebook, REPL, `python -c`).
    """
    main = sys.modules.get("__main__")
    if main is None or not main_would_rerun() or called_inside_main_guard():
        yield
        return
    saved = {key: main.__dict__.get(key, _MISSING) for key in ("__file__", "__spec__")}
    main.__dict__.pop("__file__", None)
    main.__spec__ = None
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is _MISSING:
                main.__dict__.pop(key, None)
            else:
                main.__dict__[key] = value

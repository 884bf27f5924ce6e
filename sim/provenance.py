"""provenance.json: what produced a run (versions, seed, command, git revision, host, timings)."""
from __future__ import annotations

import importlib.metadata
import os
import platform
import subprocess
import sys
import time


def _version(pkg: str) -> str | None:
    try:
        return importlib.metadata.version(pkg)
    except importlib.metadata.PackageNotFoundError:
        return None


def git_revision() -> dict:
    here = os.path.dirname(os.path.abspath(__file__))
    try:
        rev = subprocess.run(["git", "rev-parse", "HEAD"], cwd=here, capture_output=True, text=True, timeout=5)
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=here,
                               capture_output=True, text=True, timeout=5)
        if rev.returncode == 0:
            return {"revision": rev.stdout.strip(), "dirty": bool(dirty.stdout.strip())}
    except (OSError, subprocess.SubprocessError):
        pass
    return {"revision": None, "dirty": None}


# the revision each run started from, keyed by its start time (`run_started`): provenance.json is
# written at the end, when the tree may hold newer commits than the code the run imported
_AT_START: dict[float, dict] = {}


def run_started(started: float) -> None:
    """Record the git revision at a run's start (`started`: its time.time())."""
    _AT_START[started] = git_revision()


def provenance(seed: int, timings: dict, started: float) -> dict:
    """The record of a run that started at `started`; its git revision is the one at the start where
    `run_started` recorded it, else the current one."""
    return {
        "attnsim": _version("attnsim"),
        "python": sys.version.split()[0],
        "packages": {p: _version(p) for p in ("numpy", "scipy", "brian2", "matplotlib", "pydantic", "h5py", "pyyaml")},
        "seed": seed,
        "command": sys.argv,
        "git": _AT_START.get(started) or git_revision(),
        "host": {"name": platform.node(), "platform": platform.platform(), "cpus": os.cpu_count()},
        "started": time.strftime("%Y-%m-%dT%H:%M:%S%z", time.localtime(started)),
        "wall_s": round(time.time() - started, 3),
        "timings": timings,
    }

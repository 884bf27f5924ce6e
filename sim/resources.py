"""Memory and disk a run will need, estimated before it starts; an impossible run is refused.

Per model, the class may say how big one trial's activity is (optional in the model protocol)::

    def footprint(self, n_steps: int, dt_ms: float) -> dict:
        return {"values_per_trial": ..., "spikes_per_trial": ...}   # rate values; expected spikes

Estimate (bytes), with T trials of S steps and C input channels, V rate values and K spikes per trial:
    inputs       T * S * C * 8                              (float64, in memory and inputs.npy)
    activity     T * (V * 8 + K * 16)                       (float64 rates; int64 ids + float64 times)
    memory       inputs + 2 * sum(activity)                 (the run's arrays, and a bootstrap's copy)
    disk         inputs + sum(activity) + sum(stored)       (chunks of trials, then results.h5, whose
                                                             float32 rates and spike tables are
                                                             counted before compression)
A sweep adds up its points, each estimated with its own task and models: memory is the largest
point's (one point's arrays are held at a time), disk the sum (every point is kept), and the
trial count the sum of trials x models. Models that do not declare a footprint are counted by
their inputs only (the estimate says so).

A run of more than MAX_MODEL_TRIALS model-trials is refused whatever the machine: at that size
the scenario is a typo (n_trials: 100000 in a sweep of 400 points), not an experiment.
"""
from __future__ import annotations

import os
import shutil
from dataclasses import dataclass, field

GIB = 1024 ** 3
MAX_MODEL_TRIALS = 10_000_000


@dataclass
class Estimate:
    memory_bytes: int
    disk_bytes: int
    lines: list[str] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)    # models without a footprint
    model_trials: int = 0                               # trials x models, summed over sweep points


def _fmt(n: float) -> str:
    for unit, size in (("GiB", GIB), ("MiB", 1024 ** 2), ("KiB", 1024)):
        if n >= size:
            return f"{n / size:.1f} {unit}"
    return f"{int(n)} B"


def estimate(scn) -> Estimate:
    """The Estimate of a scenario, a sweep's points added up (module docstring)."""
    if scn.sweep is None:
        return _estimate_plain(scn)
    from attnsim.scenario.load import validate_point
    from attnsim.sweep import sweep_points
    resolved = scn.model_dump(mode="json")
    points = [_estimate_plain(validate_point(resolved, values, seed)[0]) for values, seed in sweep_points(resolved)]
    memory = max(p.memory_bytes for p in points)
    disk = sum(p.disk_bytes for p in points)
    unknown = sorted({n for p in points for n in p.unknown})
    lines = [f"{len(points)} sweep points, {_fmt(disk)} on disk in all; the largest point: "
             + "; ".join(max(points, key=lambda p: p.disk_bytes).lines)]
    return Estimate(memory, disk, lines, unknown, sum(p.model_trials for p in points))


def _estimate_plain(scn) -> Estimate:
    """The Estimate of a scenario without a sweep (module docstring)."""
    from attnsim.models.registry import load_family
    from attnsim.tasks import build_trials
    probe = build_trials(scn.task, seed=0, n_trials=1)
    n_trials, n_steps, n_channels = scn.task.n_trials, probe.inputs.shape[1], probe.inputs.shape[2]
    inputs = n_trials * n_steps * n_channels * 8
    activity = stored = 0
    lines, unknown = [f"inputs: {n_trials} trials x {n_steps} steps x {n_channels} channels = {_fmt(inputs)}"], []
    # a model built here only to ask its footprint: its constructor must not build a network
    for m in scn.models:
        cls = load_family(m.family, scn.plugin_path)
        fp = getattr(cls, "footprint", None)
        if fp is None:
            unknown.append(m.name)
            continue
        try:
            info = fp(cls(cls.Params(**m.params)), n_steps, probe.dt_ms)
            values, spikes = int(info.get("values_per_trial", 0)), float(info.get("spikes_per_trial", 0.0))
        except Exception:  # noqa: BLE001 (an estimate must never stop a run that could work)
            unknown.append(m.name)
            continue
        a = n_trials * (values * 8 + spikes * 16)
        s = n_trials * ((values * 4 if "rates" in scn.record else 0) + (spikes * 16 if "spikes" in scn.record else 0))
        activity += a
        stored += s
        lines.append(f"{m.name}: {values} rate values and ~{spikes:.3g} spikes per trial -> {_fmt(a)} in memory")
    memory = inputs + 2 * activity
    disk = inputs + activity + stored
    return Estimate(int(memory), int(disk), lines, unknown, n_trials * len(scn.models))


def available_memory_bytes() -> int | None:
    """MemAvailable from /proc/meminfo (Linux), else None."""
    try:
        with open("/proc/meminfo") as fh:
            for line in fh:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        return None
    return None


def free_disk_bytes(path: str) -> int:
    """Free bytes on the file system that holds `path` (or its nearest existing parent)."""
    p = os.path.abspath(path)
    while not os.path.exists(p):
        parent = os.path.dirname(p)
        if parent == p:
            break
        p = parent
    return shutil.disk_usage(p).free


def check_resources(scn, run_dir: str, *, in_memory: bool = False) -> Estimate:
    """Raise RunError when the estimate exceeds the available memory or the free disk, or the
    run is absurdly large (MAX_MODEL_TRIALS). Reads only: nothing is written before the check."""
    from attnsim.errors import RunError
    est = estimate(scn)
    problems = []
    if est.model_trials > MAX_MODEL_TRIALS:
        problems.append(f"trials: {est.model_trials:,} model-trials (trials x models"
                        f"{', over all sweep points' if scn.sweep is not None else ''}), more than the "
                        f"{MAX_MODEL_TRIALS:,} one run may hold")
    mem = available_memory_bytes()
    if mem is not None and est.memory_bytes > mem:
        problems.append(f"memory: needs about {_fmt(est.memory_bytes)}, {_fmt(mem)} available")
    free = free_disk_bytes(run_dir)
    if est.disk_bytes > free:
        problems.append(f"disk: needs about {_fmt(est.disk_bytes)} under {os.path.dirname(os.path.abspath(run_dir))}, "
                        f"{_fmt(free)} free")
    if problems:
        raise RunError(f"scenario {scn.name!r} will not fit on this machine: " + "; ".join(problems)
                       + ". Estimate: " + "; ".join(est.lines)
                       + ". Run fewer trials (--set task.n_trials=N), record less (record: [rates]), "
                         "or use a machine with more room.")
    return est


def available_cores() -> int:
    """The cores this process may run on (its CPU affinity), the default worker count."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:          # no affinity on this platform
        return max(1, os.cpu_count() or 1)

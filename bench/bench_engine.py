"""The Dask engine on this machine: a sweep on a local cluster of 2 workers against the
sequential run, and the engine's per-task overhead against the chunks' simulation time.

A sweep of 8 grid points x 2 seeds (16 points) of the rate-competition network on the
sustained task (2 s trials), each point 2 chunks of 8 trials:

  sequential   every point one after another, its chunks one after another in one process
               (no Dask; sim/engine.py:run_in_process), as the runner worked before.
  local2       the whole sweep on LocalCluster(2): every point's chunks submitted at once.
               ratio engine_sweep_local2_vs_sequential = local2 wall / sequential wall
               (cluster start-up included; 0.5 is a perfect 2x on 2 cores).
  overhead     one point's chunks again on a warm LocalCluster(1): (wall of Engine.run -
               the chunks' own build + simulation seconds) / their simulation seconds.
               ratio engine_overhead_fraction (goal < 0.05).

The per-task overhead f bounds the speed-up on a cluster of W workers with enough tasks:
speed-up ~ W / (1 + f), for T tasks of mean duration d as long as T >> W and d is large
against the scheduler's latency (milliseconds per task).
Usage: python bench/bench_engine.py   (about 3 minutes on 2 cores)
"""
from __future__ import annotations

import os
import shutil
import tempfile
import time

SCENARIO = {
    "name": "bench-engine",
    "seed": 7,
    "task": {"kind": "sustained", "n_trials": 16,
             "timing": {"fixation": "300 ms", "cue": "200 ms", "delay": "1000 ms", "stimulus": "300 ms",
                        "response": "200 ms"}},
    "models": [{"name": "rate", "family": "rate_competition"}],
    "record": ["rates"],
    "analysis": ["accuracy", "persistence_time"],
    "run": {"chunk_trials": 8},
    "sweep": {"grid": {"models.0.params.cue_bias_nA": [0.0, 0.005, 0.01, 0.015, 0.02, 0.025, 0.03, 0.035]},
              "seeds": [1, 2], "plot": [{"metric": "accuracy"}]},
}


def sequential(scn, resolved, root: str) -> float:
    from attnsim.engine import run_in_process
    from attnsim.runner import collect, plan_run, write_run
    from attnsim.scenario.load import validate_point
    from attnsim.sweep import sweep_points
    t0 = time.perf_counter()
    for index, (values, seed) in enumerate(sweep_points(resolved)):
        p_scn, _ = validate_point(resolved, values, seed)
        plan = plan_run(p_scn, os.path.join(root, f"{index:03d}"), quiet=True)
        run_in_process([plan])
        write_run(p_scn, plan.partial, collect(plan), started=0.0, figures=False)
    return time.perf_counter() - t0


def local2(scn, resolved, root: str) -> tuple[float, dict]:
    from attnsim.sweep import run_sweep
    t0 = time.perf_counter()
    summary = run_sweep(scn, resolved, root, workers=2, started=0.0, quiet=True, point_figures=False)
    return time.perf_counter() - t0, summary


def overhead(scn, resolved, root: str) -> float:
    from attnsim.engine import Engine
    from attnsim.runner import plan_run
    from attnsim.scenario.load import validate_point
    from attnsim.sweep import sweep_points
    values, seed = sweep_points(resolved)[0]
    p_scn, _ = validate_point(resolved, values, seed)
    with Engine(workers=1, quiet=True) as eng:
        warm = plan_run(p_scn, os.path.join(root, "warm"), quiet=True)
        eng.run([warm])                                   # imports, code generation, first build
        fractions = []
        for rep in range(3):
            plan = plan_run(p_scn, os.path.join(root, f"rep{rep}"), quiet=True)
            t0 = time.perf_counter()
            eng.run([plan])
            wall = time.perf_counter() - t0
            t = plan.timings["rate"]
            fractions.append((wall - t["build_s"] - t["run_s"]) / t["run_s"])
    return min(fractions)


def main() -> None:
    from attnsim.api import load_scenario
    scn = load_scenario(SCENARIO)
    resolved = scn.model_dump(mode="json")
    root = tempfile.mkdtemp(prefix="bench-engine-")
    try:
        t_seq = sequential(scn, resolved, os.path.join(root, "seq"))
        t_par, summary = local2(scn, resolved, os.path.join(root, "par.partial"))
        n = len(summary["sweep"]["points"])
        import json

        def models(*parts):
            with open(os.path.join(root, *parts, "summary.json")) as fh:
                return json.load(fh)["models"]
        same = all(models("seq", f"{i:03d}") == models("par.partial", "points", f"{i:03d}") for i in range(n))
        f = overhead(scn, resolved, os.path.join(root, "ovh"))
        print(f"sweep of {n} points: sequential {t_seq:.1f} s, LocalCluster(2) {t_par:.1f} s; "
              f"same summaries: {same}")
        print(f"ratio engine_sweep_local2_vs_sequential {t_par / t_seq:.3f}")
        print(f"ratio engine_overhead_fraction {f:.4f}")
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()

"""First-run (build) cost of each model of a scenario, to state a scenario's wall time cold.

    ATTNSIM_CACHE_DIR=$(mktemp -d) python bench/build_cost.py scenarios/compare_attention.yaml
    # run it twice with the same ATTNSIM_CACHE_DIR: the first is cold (Brian2 code generation,
    # Cython and C++ compilation, the microcircuit's standalone build), the second cached

For every model of the scenario (its params) and every task of its sweep grid (or its task), one
process builds the model and simulates 2 trials; the seconds of that first run are printed per
model and task, and their sum. Brian2 models compile on their first run; ANN families are timed
untrained (their training is not a build cost and is in the scenario's own timings). The cold
minus cached difference is what an empty cache adds to `attnsim run`; with N workers compiling
different models at once it is an upper bound of the wall time added.
"""
from __future__ import annotations

import sys
import time

import attnsim
from attnsim.models.registry import load_family
from attnsim.tasks import build_trials, task_spec
from attnsim.worker_env import prepare_process


def main(argv) -> int:
    scn = attnsim.load_scenario(argv[0])
    resolved = scn.model_dump(mode="json")
    grid = ((resolved.get("sweep") or {}).get("grid") or {}).get("task") or [resolved["task"]]
    prepare_process(tuple(scn.plugin_path))
    total = 0.0
    for k, task in enumerate(grid):
        spec = task_spec(task, tuple(scn.plugin_path))
        trials = build_trials(spec, seed=1, n_trials=2)
        for m in scn.models:
            cls = load_family(m.family, tuple(scn.plugin_path))
            t0 = time.perf_counter()
            model = cls(cls.Params(**m.params))
            model.run(trials.inputs, trials.dt_ms, trials.channels, seed=1)
            dt = time.perf_counter() - t0
            total += dt
            print(f"task {k} ({spec.kind}) {m.name:14s} {dt:8.1f} s", flush=True)
    print(f"total {total:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

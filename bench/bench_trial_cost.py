"""Per-trial cost of the spiking competition network: build once / run many vs. rebuild per trial.

Prints, for trials of the default selective task (1.2 s each):
  batched     one network of `--batch` trials, built on the first run(); the timed run() is a later call.
              ratio = run() wall time / time inside Brian2's simulation loop (goal <= 1.2).
  batch=1     the same reuse with one trial per network (per-step overhead no longer shared).
  rebuild     a fresh model and Network for every trial (what build-once avoids).
Usage: python bench/bench_trial_cost.py [--batch 8] [--rebuild-trials 3] [--N_E 400]
"""
from __future__ import annotations

import argparse
import time

from attnsim.models.spiking_competition import SpikingCompetition
from attnsim.models.spiking_competition_params import SpikingCompetitionParams
from attnsim.tasks.selective import make_selective

TIMING = dict(fixation=300, cue=200, stimulus=500, response=200)


def trials(n, seed=0):
    return make_selective(n_trials=n, dt_ms=1.0, timing_ms=TIMING, contrasts=[0.1, 0.3, 0.5],
                          conditions=["attend_A", "attend_B", "neutral"], seed=seed)


def timed_run(model, tr, seed):
    t0 = time.perf_counter()
    model.run(tr.inputs, tr.dt_ms, tr.channels, seed=seed)
    return time.perf_counter() - t0, model.last_timing["sim_loop_s"]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--batch", type=int, default=8)
    ap.add_argument("--rebuild-trials", type=int, default=3)
    ap.add_argument("--N_E", type=int, default=400)
    a = ap.parse_args()
    params = SpikingCompetitionParams(N_E=a.N_E, max_batch_trials=a.batch)
    tr = trials(a.batch)
    print(f"N_E={a.N_E}, trial = {tr.n_steps} ms, sim dt = {params.sim_dt_ms} ms")

    model = SpikingCompetition(params)
    first, first_loop = timed_run(model, tr, seed=1)
    wall, loop = timed_run(model, trials(a.batch, seed=1), seed=2)
    n = a.batch
    print(f"batched  (batch={n}): first call {first:.2f} s ({first - first_loop:.2f} s build + codegen/compile), "
          f"later call {wall / n:.3f} s/trial, sim loop {loop / n:.3f} s/trial, ratio {wall / loop:.3f}, "
          f"builds {model.build_count}")

    one = SpikingCompetition(SpikingCompetitionParams(N_E=a.N_E, max_batch_trials=1))
    timed_run(one, tr.subset([0]), seed=1)
    w1 = l1 = 0.0
    for k in range(a.rebuild_trials):
        w, l_ = timed_run(one, tr.subset([k]), seed=10 + k)
        w1, l1 = w1 + w, l1 + l_
    m = a.rebuild_trials
    print(f"batch=1  (reuse): {w1 / m:.3f} s/trial, sim loop {l1 / m:.3f} s/trial, ratio {w1 / l1:.3f}")

    wr = lr = 0.0
    for k in range(m):
        fresh = SpikingCompetition(SpikingCompetitionParams(N_E=a.N_E, max_batch_trials=1))
        w, l_ = timed_run(fresh, tr.subset([k]), seed=10 + k)
        wr, lr = wr + w, lr + l_
    print(f"rebuild per trial: {wr / m:.3f} s/trial, sim loop {lr / m:.3f} s/trial, ratio {wr / lr:.3f}")
    print(f"batched vs rebuild per trial: {wr / m / (wall / n):.1f}x cheaper per trial")


if __name__ == "__main__":
    main()

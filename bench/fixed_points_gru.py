"""Wall time of attnsim.dynamics.fixed_points on a GRU of the size the scenarios use.

    python bench/fixed_points_gru.py [--steps 600] [--n-init 128]

Trains the GRU of scenarios/compare_attention.yaml (hidden 64, step 20 ms, sigma_in as there) on
its selective task, then finds the fixed points at every epoch's held inputs (one search per
distinct input: fixation, cue per condition, stimulus per condition and contrast, response),
starting from states sampled on the model's own trajectories over 60 trials. Prints the training
time, the search time per epoch input and in all, and each epoch's counts.
"""
from __future__ import annotations

import argparse
import time

import numpy as np


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--steps", type=int, default=600, help="training step budget (the family's default)")
    ap.add_argument("--n-init", type=int, default=128)
    ap.add_argument("--seed", type=int, default=42)
    args = ap.parse_args()

    import attnsim
    from attnsim.dynamics import fixed_points
    from attnsim.models.registry import FAMILIES
    from attnsim.tasks import build_trials

    scn = attnsim.load_scenario("scenarios/compare_attention.yaml")
    spec = scn.task
    cls = FAMILIES.get("gru").obj
    model = cls(cls.Params(sigma_in=0.0948683, max_steps=args.steps))
    trials = build_trials(spec, seed=args.seed, n_trials=60)

    def sample_batch(n, rng):
        t = build_trials(spec, seed=int(rng.integers(0, 2**31 - 1)), n_trials=n)
        return t.inputs, t.target, t.loss_mask()

    t0 = time.perf_counter()
    hist = model.fit(sample_batch, trials.dt_ms, trials.channels, seed=args.seed)
    t_fit = time.perf_counter() - t0
    print(f"GRU hidden {model.params.hidden}: trained {hist['steps']} steps in {t_fit:.1f} s, "
          f"last accuracy {np.mean(hist['accuracy'][-10:]):.3f}", flush=True)
    t_all, n_inputs = 0.0, 0
    for epoch in trials.epochs:
        t0 = time.perf_counter()
        res = fixed_points(model, trials, epochs=epoch, n_init=args.n_init, seed=args.seed)
        dt = time.perf_counter() - t0
        t_all, n_inputs = t_all + dt, n_inputs + len(res)
        print(f"{epoch}: {len(res)} inputs in {dt:.1f} s (trajectories included)", flush=True)
        for label, fp in res.items():
            c = fp.counts()
            print(f"  {label:<60} " + ", ".join(f"{v} {k}" for k, v in c.items() if v), flush=True)
    print(f"fixed_points: {n_inputs} epoch inputs, {args.n_init} initial states each, {t_all:.1f} s wall "
          f"({t_all / n_inputs:.2f} s per input)")


if __name__ == "__main__":
    main()

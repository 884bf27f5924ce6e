"""The fixed points of your own model (my_models.py), found by attnsim.dynamics.

    python examples/own_model/fixed_points.py          (from the repository root)

LinearAccumulator declares the `dynamical` capability, so attnsim.dynamics.fixed_points finds its
fixed points at each epoch's held inputs, from the states it visits on the task's trials. It is
linear: one stable point a* = W u + b per input, decaying with its time constant tau_ms. A model
without the capability gets "n/a: <family> has no dynamical capability" instead.
"""
import os
import sys

import numpy as np

import attnsim
from attnsim.dynamics import fixed_points
from attnsim.tasks import build_trials

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from my_models import LinearAccumulator, LinearAccumulatorParams  # noqa: E402

scn = attnsim.load_scenario(os.path.join(HERE, "scenario.yaml"))
trials = build_trials(scn.task, seed=1, n_trials=30)
model = LinearAccumulator(LinearAccumulatorParams(tau_ms=80))


def sample_batch(n, rng):
    t = build_trials(scn.task, seed=int(rng.integers(0, 2**31 - 1)), n_trials=n)
    return t.inputs, t.target, t.loss_mask()


model.fit(sample_batch, trials.dt_ms, trials.channels, seed=0)
for label, fp in fixed_points(model, trials, epochs=("fixation", "cue"), n_init=32).items():
    print(fp.table())
    u = fp.u
    print(f"  expected a* = W u + b = {np.round(model.W @ u + model.b, 4)}\n")

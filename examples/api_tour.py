"""attnsim from Python: load a scenario, run it in memory and on disk, read it back, draw.

    python examples/api_tour.py            # about a minute on 2 cores

Each step is what a notebook cell would hold.
"""
import os
import tempfile

import attnsim

HERE = os.path.dirname(os.path.abspath(__file__))

# 1. A bundled scenario, made smaller for a quick look (any key can be overridden).
scn = attnsim.load_scenario("scenarios/sustained_delay.yaml", overrides={"task.n_trials": 8})
print(scn.name, scn.task.kind, [m.name for m in scn.models])

# 2. Your own model beside a bundled one: the scenario names it as module:Class.
own = attnsim.load_scenario(os.path.join(HERE, "own_model", "scenario.yaml"),
                            overrides={"task.n_trials": 30, "models": [
                                {"name": "mine", "family": "my_models:LinearAccumulator"},
                                {"name": "rnn", "family": "rnn", "params": {"hidden": 16, "max_steps": 60}}]})
res = attnsim.run(own)                          # in memory: nothing is left on disk
print(res)
for name in res.models:
    print(f"  {name:6s} accuracy {res.metrics[name]['accuracy']['all']:.2f}")
print("  rates of 'mine':", res.activity["mine"].rates.shape, "(trials, steps, units)")
fig = res.figure("psychometric")                # a matplotlib Figure
print("  figure:", type(fig).__name__)

# 3. The same run written to a directory, and read back.
with tempfile.TemporaryDirectory() as tmp:
    out = os.path.join(tmp, "own-model")
    attnsim.run(own, out=out)
    old = attnsim.open_run(out)
    assert old.summary == res.summary           # same scenario and seed, same numbers
    print("  read back:", old)
    print(old.expectation_table())

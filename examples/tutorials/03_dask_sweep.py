"""A sweep on a local Dask cluster

A `sweep:` block runs every point of a grid of scenario values (times `seeds`) as a complete
sub-run. `attnsim.run(..., workers=2)` starts a local Dask cluster of two worker processes and
spreads the trial chunks over them; `scheduler="tcp://host:8786"` (or `run.scheduler` in the
file) sends them to a running cluster instead. The numbers do not depend on the number of workers:
each chunk draws its own seed from the scenario's.
"""
import os

import attnsim

OUT = os.environ.get("ATTNSIM_TUTORIAL_OUT", ".")
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

scn = attnsim.load_scenario(os.path.join(ROOT, "scenarios", "selective_attention.yaml"), overrides={
    "task.n_trials": 24,
    "task.coherence": [0.0],
    "models": [{"name": "rate", "family": "rate_competition"}],
    "figures": [],
    "expect": [],
    "sweep": {"grid": {"task.cue_strength": [0.0, 0.25, 0.5, 1.0]},
              "plot": [{"metric": "accuracy", "condition": "all"}]},
})
result = attnsim.run(scn, out=os.path.join(OUT, "run"), workers=2, quiet=True)
for row in result.table("accuracy"):
    print(row)
import shutil  # noqa: E402
shutil.copyfile(os.path.join(OUT, "run", "figures", "sweep_accuracy.png"), os.path.join(OUT, "sweep_accuracy.png"))

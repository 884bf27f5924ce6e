"""The comparison report, read in a notebook

A scenario with `report: true` writes `report.md` and `scorecard.json` beside its results: per
model, the attention signatures measured on its sensory population (brain) or hidden units (ANN),
each with its interval and verdict, or "n/a" with what the model lacks. `attnsim.open_run` reads a
finished run back; the scorecard is plain JSON.
"""
import json
import os

import attnsim

OUT = os.environ.get("ATTNSIM_TUTORIAL_OUT", ".")
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OWN = os.path.join(ROOT, "examples", "own_model")

scn = attnsim.load_scenario(os.path.join(OWN, "scenario.yaml"), overrides={
    "task.n_trials": 30,
    "models": [{"name": "rate", "family": "rate_competition"},
               {"name": "rnn", "family": "rnn", "params": {"hidden": 16, "max_steps": 60}}]})
attnsim.run(scn, out=os.path.join(OUT, "run"), quiet=True)

run = attnsim.open_run(os.path.join(OUT, "run"))
print(run)
report = open(os.path.join(run.run_dir, "report.md")).read()
print(report[:1500])
score_path = os.path.join(run.run_dir, "scorecard.json")
if os.path.isfile(score_path):
    score = json.load(open(score_path))
    print("scorecard keys:", list(score)[:10])
run.figure("comparison").savefig(os.path.join(OUT, "comparison.png"), dpi=80)

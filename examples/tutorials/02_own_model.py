"""Your own model beside the bundled ones

A model family is any class with the model protocol (`attnsim.models.base`): a `Params`
dataclass and `fit`, `run`, `state`, `load_state`. `examples/own_model/my_models.py` holds a
leaky linear accumulator; a scenario names it as `module:Class` and it runs on the same trials as
the bundled families, with the same metrics, figures and checks. `attnsim.models.check_family`
says what a new class gets wrong before a scenario uses it, and `attnsim.model_card` gives it the
same documentation page as a bundled family.
"""
import os
import sys

import attnsim
from attnsim.model_card import model_card
from attnsim.models import check_family

OUT = os.environ.get("ATTNSIM_TUTORIAL_OUT", ".")
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OWN = os.path.join(ROOT, "examples", "own_model")
sys.path.insert(0, OWN)
from my_models import LinearAccumulator  # noqa: E402

print(check_family(LinearAccumulator))          # the conformance checks a family must pass
print(model_card(LinearAccumulator, "my_models:LinearAccumulator").split("## Departures")[0][-1200:])

scn = attnsim.load_scenario(os.path.join(OWN, "scenario.yaml"), overrides={
    "task.n_trials": 30,
    "models": [{"name": "mine", "family": "my_models:LinearAccumulator"},
               {"name": "rate", "family": "rate_competition"},
               {"name": "rnn", "family": "rnn", "params": {"hidden": 16, "max_steps": 60}}]})
result = attnsim.run(scn, quiet=True)           # in memory
for name in result.models:
    print(f"{name:5s} accuracy {result.metrics[name]['accuracy']['all']:.2f}")
result.figure("psychometric").savefig(os.path.join(OUT, "psychometric.png"), dpi=80)

"""The default scenario: spiking and rate models on cued selective-attention trials

`scenarios/selective_attention.yaml` runs the Brunel & Wang 2001 / Wang 2002 spiking network and
the Wong & Wang 2006 rate model on the same trials: a cue names location A or B (or neither), then
two stimuli appear at coherence 0 or 0.512, and each model decides. This page runs it with fewer
trials (24 instead of 72)
so that the documentation builds in minutes; `attnsim run scenarios/selective_attention.yaml`
runs the whole file and writes the same figures into its run directory.
"""
import os

import attnsim

OUT = os.environ.get("ATTNSIM_TUTORIAL_OUT", ".")
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

scn = attnsim.load_scenario(os.path.join(ROOT, "scenarios", "selective_attention.yaml"),
                            overrides={"task.n_trials": 24})
result = attnsim.run(scn, out=os.path.join(OUT, "run"), quiet=True)
print(result)
print(result.expectation_table())
for name in result.models:
    print(name, {label: round(value, 3) for label, value in result.metrics[name]["accuracy"].items()
                 if isinstance(value, float)})

# figures are drawn on demand from the run (the run directory holds the same ones as files)
for figure in ("rates", "psychometric"):
    for stem, fig in result.figures(figure).items():
        fig.savefig(os.path.join(OUT, f"{stem}.png"), dpi=80)

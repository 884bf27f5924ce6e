"""The default scenario: spiking and rate models on cued selective-attention trials

`scenarios/selective_attention.yaml` runs the Brunel & Wang 2001 / Wang 2002 spiking network and
the Wong & Wang 2006 rate model on the same trials: a cue names location A or B (or neither), then
two stimuli appear at coherence 0 or 0.512, and each model decides. The file is a sweep over
coherence, one point per value. This page runs it with fewer trials (24 per point instead of 72)
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
for row in result.table("accuracy"):
    print(row)

# each sweep point is a complete run: its activity, metrics and figures
point = result.point(len(result.points) - 1)
point.figure("rates").savefig(os.path.join(OUT, "rates.png"), dpi=80)
point.figure("psychometric").savefig(os.path.join(OUT, "psychometric.png"), dpi=80)

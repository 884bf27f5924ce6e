"""Pilot for scenarios/validation/divided_capacity_dual.yaml (separate seed from the validation run).

For each model and contrast: run focused and divided dual-report trials, set the report criterion
by the file's rule (midpoint of the mean evidence at the cued location on focused trials with the
target present vs absent; one criterion then for both locations and every condition), and print P_single at the cued location. Never computes d' ratios.
Usage: python bench/pilot_divided_dual.py FAMILY N_TRIALS CUE_STRENGTH C1 [C2 ...] [--params k=v ...]
"""
import sys
import time

import numpy as np

from attnsim.models.registry import load_family
from attnsim.tasks.dual_report import make_dual_report

TIMING = {"fixation": 300.0, "cue": 200.0, "stimulus": 500.0, "response": 200.0}
SEED = 99
DISTRACTOR = 0.5


def main(argv):
    family, n, cue = argv[0], int(argv[1]), float(argv[2])
    rest = argv[3:]
    params = {}
    if "--params" in rest:
        k = rest.index("--params")
        params = {kv.split("=")[0]: float(kv.split("=")[1]) for kv in rest[k + 1:]}
        rest = rest[:k]
    cls = load_family(family)
    model = cls(cls.Params(**params))
    for c in map(float, rest):
        tr = make_dual_report(n_trials=n, dt_ms=1.0, timing_ms=TIMING, contrasts=[c],
                              conditions=["focused_A", "focused_B", "divided"], cue_strength=cue,
                              distractor_ratio=DISTRACTOR, seed=SEED)
        t0 = time.perf_counter()
        act = model.run(tr.inputs, tr.dt_ms, tr.channels, seed=SEED)
        dt = time.perf_counter() - t0
        ev, pres = act.location_evidence, tr.target
        cued = tr.conditions["cued"]
        f = np.flatnonzero(cued >= 0)
        ev_c, pres_c = ev[f, cued[f]], pres[f, cued[f]]
        crit = 0.5 * (ev_c[pres_c == 1].mean() + ev_c[pres_c == 0].mean())
        rep = (ev > crit).astype(int)
        p_single = float(np.mean(rep[f, cued[f]] == pres[f, cued[f]]))
        print(f"{family} c={c:g} cue={cue:g} n={n}: criterion {crit:.3f} P_single {p_single:.3f} "
              f"(ev present {ev[pres == 1].mean():.2f} absent {ev[pres == 0].mean():.2f}) {dt / n:.3f} s/trial",
              flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])

"""Pilot for scenarios/validation/divided_capacity_dual_ann.yaml: the input noise of each trained network.

Rule (stated in the scenario file before its run): for each family, train on dual-report trials of the
scenario's timing, contrast and cue with each sigma_in of a grid, then score P_single = fraction correct
of the cued location's report on focused trials of a SEPARATE pilot set; take the sigma_in whose
P_single is nearest 0.80 (required within [0.75, 0.85]). Seeds 99 (training) and 98 (pilot trials),
never the scenario's. Never computes a d' ratio.
Usage: python bench/pilot_divided_dual_ann.py N_PILOT_TRIALS SIGMA [SIGMA ...] [--families f1,f2]
"""
import sys
import time

import numpy as np

from attnsim.models.registry import load_family
from attnsim.tasks.dual_report import make_dual_report

TIMING = {"fixation": 300.0, "cue": 200.0, "stimulus": 500.0, "response": 200.0}
CONTRAST, CUE, DISTRACTOR, DT_MS = 0.2, 0.25, 0.5, 1.0
FAMILIES = ("dot_product_attention", "rnn", "gru", "lstm", "ei_rnn")
CONDITIONS = ["focused_A", "focused_B", "divided"]


def trials(n, seed):
    return make_dual_report(n_trials=n, dt_ms=DT_MS, timing_ms=TIMING, contrasts=[CONTRAST],
                            conditions=CONDITIONS, cue_strength=CUE, distractor_ratio=DISTRACTOR, seed=seed)


def sample_batch(n, rng):
    tr = trials(n, int(rng.integers(2**31)))
    mask = np.zeros(tr.n_steps, dtype=bool)
    mask[tr.epochs["response"]] = True
    return tr.inputs, tr.target, mask


def p_single(act, tr):
    cued = tr.conditions["cued"]
    f = np.flatnonzero(cued >= 0)
    return float(np.mean(act.location_reports[f, cued[f]] == tr.target[f, cued[f]]))


def main(argv):
    families = FAMILIES
    if "--families" in argv:
        k = argv.index("--families")
        families = tuple(argv[k + 1].split(","))
        argv = argv[:k] + argv[k + 2:]
    n, sigmas = int(argv[0]), [float(s) for s in argv[1:]]
    pilot = trials(n, 98)
    for fam in families:
        cls = load_family(fam)
        for sigma in sigmas:
            t0 = time.perf_counter()
            model = cls(cls.Params(sigma_in=sigma))
            hist = model.fit(sample_batch, DT_MS, pilot.channels, seed=99)
            act = model.run(pilot.inputs, DT_MS, pilot.channels, seed=97)
            print(f"{fam} sigma_in={sigma:g}: P_single {p_single(act, pilot):.3f} "
                  f"(training steps {hist['steps']}, {time.perf_counter() - t0:.1f} s)", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])

"""Row 11 over network seeds: the spike-field locking change of a sweep run's sensory population.

docs/reference.md row 11 (Fries, Reynolds, Rorie & Desimone 2001): attend-in minus attend-out
locking (PPC1 above its trial-shuffled floor) in the gamma (35-90 Hz) and low (4-17 Hz) bands,
`attnsim.analysis.spike_field_change.spike_field_changes` on each seed's sensory view (with its
jackknife interval over trials), then the mean over seeds with a t interval over seeds (the
change spans two condition labels, which a scenario `expect` entry cannot name, so the run
itself does not judge it; scenarios/validation/attention_circuit_spiking_signatures.yaml).

    python bench/spike_field_over_seeds.py RUN_DIR [MODEL ...]
"""
from __future__ import annotations

import glob
import os
import sys

import numpy as np
from scipy.stats import t as t_dist


def per_seed(run_dir: str, model: str) -> list[dict]:
    from attnsim.analysis.sensory import sensory_view
    from attnsim.analysis.spike_field_change import spike_field_changes
    from attnsim.api import open_run

    out = []
    for point in sorted(glob.glob(os.path.join(run_dir, "points", "*"))):
        res = open_run(point)
        trials, act = res.trials, res.activities[model]
        view = sensory_view(trials, act)
        jk = spike_field_changes(view.trials, view.activity)
        out.append({band: (j.estimate, j.ci_lo, j.ci_hi, j.floor) for band, j in jk.items()})
    return out


def over_seeds(rows: list[dict], band: str) -> tuple[float, float, float, int]:
    """Mean over seeds of the change and its 95 % t interval over seeds."""
    v = np.array([r[band][0] for r in rows if r[band][0] is not None], float)
    m = float(v.mean())
    if v.size < 2:
        return m, float("nan"), float("nan"), int(v.size)
    h = float(t_dist.ppf(0.975, v.size - 1) * v.std(ddof=1) / np.sqrt(v.size))
    return m, m - h, m + h, int(v.size)


def main(argv: list[str]) -> None:
    run_dir, models = argv[0], argv[1:] or ["circuit"]
    for model in models:
        rows = per_seed(run_dir, model)
        for band in ("gamma", "low"):
            seeds = "; ".join(f"{r[band][0]:+.4f} [{r[band][1]:+.4f}, {r[band][2]:+.4f}] floor {r[band][3]:.4f}"
                              if r[band][0] is not None and r[band][1] is not None else "n/a" for r in rows)
            m, lo, hi, n = over_seeds(rows, band)
            print(f"{model} {band}: mean over {n} seeds {m:+.4f} [{lo:+.4f}, {hi:+.4f}]; per seed: {seeds}")


if __name__ == "__main__":
    main(sys.argv[1:])

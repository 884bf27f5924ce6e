"""Export a run to NWB and open it with pynwb

`attnsim export RUN_DIR --nwb` (or `attnsim.nwb_export.export_nwb`) writes one Neurodata Without
Borders file per model: the trials table with every condition label, the task epochs, the input
channels, the population rates and, for spiking models, the spike trains as units. Any NWB tool
reads them; here pynwb does.
"""
import os

import numpy as np
from matplotlib.figure import Figure
from pynwb import NWBHDF5IO

import attnsim
from attnsim.nwb_export import export_nwb

OUT = os.environ.get("ATTNSIM_TUTORIAL_OUT", ".")
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

scn = attnsim.load_scenario(os.path.join(ROOT, "scenarios", "selective_attention.yaml"), overrides={
    "task.n_trials": 12, "task.coherence": [0.512],
    "models": [{"name": "rate", "family": "rate_competition"}], "figures": [], "expect": []})
run = attnsim.run(scn, out=os.path.join(OUT, "run"), quiet=True)
point = run.point(0) if run.is_sweep else run
files = export_nwb(point, os.path.join(OUT, "nwb"))
for path in files:
    with NWBHDF5IO(path, "r") as io:
        nwb = io.read()
        print(os.path.basename(path), "|", nwb.session_description[:70])
        print("  trials:", len(nwb.trials), "columns:", list(nwb.trials.colnames)[:8])
        print("  epochs:", sorted(set(nwb.epochs["tags"][:][i][0] for i in range(len(nwb.epochs)))))
        print("  acquisition / processing:", list(nwb.acquisition), list(nwb.processing))

# the population rates as stored in the file (first 3 s), drawn from the NWB file alone
with NWBHDF5IO(files[0], "r") as io:
    nwb = io.read()
    module = nwb.processing["attnsim"]
    rates = next(iter(module.data_interfaces.values()))
    series = rates if hasattr(rates, "data") else next(iter(rates.roi_response_series.values()))
    data = series.data[:]
    fig = Figure(figsize=(5, 3))
    ax = fig.subplots()
    n = min(len(data), 3000)
    t_s = series.starting_time + np.arange(n) / series.rate if series.rate else series.timestamps[:n]
    ax.plot(t_s, data[:n])
    ax.set_xlabel("time (s)")
    ax.set_ylabel(f"{series.name} ({series.unit})")
    fig.tight_layout()
    fig.savefig(os.path.join(OUT, "nwb_rates.png"), dpi=80)
    print("drew", series.name, data.shape)

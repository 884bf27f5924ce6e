"""Store the verdicts of finished validation runs for the model cards: docs/validation/<scenario>.json.

    python docs/record_validation.py RUN_DIR [RUN_DIR ...]

Each record keeps what a card shows (models with their families, every expectation with its
estimate, interval, rule, verdict and source) and how the run was made (the command with its
overrides, the date and the wall time), so a card can say that a verdict comes from a reduced run.
"""
from __future__ import annotations

import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
KEEP = ("model", "metric", "condition", "group", "rule", "range", "value", "prediction", "rivals", "estimate",
        "ci_lo", "ci_hi", "n_trials", "n_seeds", "verdict", "known_deviation", "calibration", "source", "where", "over")


def record(run_dir: str) -> str:
    with open(os.path.join(run_dir, "summary.json")) as fh:
        summary = json.load(fh)
    prov_path = os.path.join(run_dir, "provenance.json")
    prov = json.load(open(prov_path)) if os.path.isfile(prov_path) else {}
    command = prov.get("command") or []
    args = command[2:] if len(command) > 2 else command
    overrides = [args[i + 1] for i, a in enumerate(args[:-1]) if a == "--set"]
    file = next((a for a in args if a.endswith(".yaml")), None)
    if file and os.path.isabs(file):
        file = os.path.relpath(file, os.path.dirname(HERE))
    out = {"scenario": summary["scenario"],
           "file": file,
           "overrides": overrides,
           "started": prov.get("started"), "wall_s": prov.get("wall_s"),
           "models": {name: {"family": info.get("family"), "kind": info.get("kind")}
                      for name, info in summary.get("models", {}).items()},
           "expectations": [{k: e.get(k) for k in KEEP} for e in summary.get("expectations", [])]}
    path = os.path.join(HERE, "validation", f"{summary['scenario']}.json")
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as fh:
        json.dump(out, fh, indent=1)
        fh.write("\n")
    return path


if __name__ == "__main__":
    if len(sys.argv) < 2:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    for run_dir in sys.argv[1:]:
        print(record(run_dir))

"""Sweeps: a grid of scenario values x seeds, one complete sub-run per point.

Points live in `<run>/points/<index>/` (each a run directory of its own with
results.h5, summary.json, provenance.json). A point whose provenance.json
exists is finished and is skipped on resume. The top-level summary.json lists
every point's values, seed and metrics, and evaluates expectations on the
points their `where:` selects (metrics averaged over seeds).
"""
from __future__ import annotations

import json
import os
import shutil
import sys

import numpy as np

from attnsim.expectations import lookup
from attnsim.scenario.load import sweep_points, validate_point
from attnsim.jsonable import jsonable
from attnsim.summary import SUMMARY_DIGITS


def _matches(values: dict, where: dict | None) -> bool:
    if not where:
        return True
    for k, v in where.items():
        if k not in values:
            return False
        got = values[k]
        if isinstance(v, (int, float)) and isinstance(got, (int, float)):
            if not np.isclose(float(v), float(got)):
                return False
        elif got != v:
            return False
    return True


def evaluate_sweep_expectations(expect: list[dict], points: list[dict]) -> list[dict]:
    out = []
    for ex in expect:
        vals, notes = [], []
        for p in points:
            if not _matches(p["values"], ex.get("where")):
                continue
            metrics = p["models"].get(ex["model"], {}).get("metrics", {})
            v, note = lookup(metrics, ex["metric"], ex["condition"], ex.get("group"))
            if v is None:
                notes.append(note)
            else:
                vals.append(v)
        value = float(np.mean(vals)) if vals else None
        lo, hi = ex["range"]
        note = "" if vals else (notes[0] if notes else f"no sweep point matches where={ex.get('where')}")
        if vals:
            note = f"mean over {len(vals)} point(s)"
        out.append({**ex, "range": [lo, hi], "value": value,
                    "pass": bool(value is not None and lo <= value <= hi), "note": note})
    return out


def run_sweep(scn, resolved: dict, partial: str, *, workers: int, started: float, quiet: bool,
              point_figures: bool = True, scheduler: str | None = None) -> dict:
    from attnsim.runner import complete, remove_scratch
    points = []
    plan = sweep_points(resolved)
    for index, (values, seed) in enumerate(plan):
        pdir = os.path.join(partial, "points", f"{index:03d}")
        label = ", ".join(f"{k}={json.dumps(v) if isinstance(v, (dict, list)) else v}" for k, v in values.items())
        if not os.path.exists(os.path.join(pdir, "provenance.json")):
            if not quiet:
                print(f"sweep point {index + 1}/{len(plan)}: {label[:100]}, seed {seed}", file=sys.stderr)
            if os.path.isdir(pdir) and not os.path.isdir(os.path.join(pdir, "chunks")):
                shutil.rmtree(pdir)
            os.makedirs(pdir, exist_ok=True)
            p_scn, p_resolved = validate_point(resolved, values, seed)
            complete(p_scn, pdir, workers=workers, started=started, quiet=quiet, figures=point_figures)
            remove_scratch(pdir)
        with open(os.path.join(pdir, "summary.json")) as fh:
            s = json.load(fh)
        points.append({"index": index, "values": values, "seed": seed, "dir": os.path.relpath(pdir, partial),
                       "task": s["task"], "models": s["models"]})
    from attnsim.expectations import all_pass, evaluate_sweep
    expectations = evaluate_sweep([e.model_dump() for e in scn.expect], points, partial, scn.seed, _matches)
    models = {m.name: {"family": m.family, "kind": points[0]["models"][m.name]["kind"] if points else "",
                       "metrics": {}} for m in scn.models}
    return {"scenario": scn.name, "seed": scn.seed, "task": scn.task.kind, "n_trials": scn.task.n_trials,
            "models": models, "sweep": jsonable({"grid": resolved["sweep"]["grid"], "seeds": resolved["sweep"]["seeds"],
                                                 "points": points}, SUMMARY_DIGITS),
            "expectations": jsonable(expectations, SUMMARY_DIGITS), "all_expectations_pass": all_pass(expectations)}

"""Sweeps: a grid of scenario values x seeds, one complete sub-run per point.

Expansion (`sweep_points`, `point_data`) lives here; the loader (sim/scenario/load.py)
validates every point before anything runs, and the grid's size is checked by the schema
before any point is expanded.

Points live in `<run>/points/<index>/` (each a run directory of its own with
results.h5, summary.json, provenance.json). Every unfinished point's chunks are
submitted together to one Dask client, so points run in parallel; a point's
outputs are written when its last chunk is done. A point whose provenance.json
exists is finished and is skipped on resume; an unfinished one keeps its
finished chunks. The top-level summary.json lists
every point's values, seed and metrics, and evaluates expectations on the
points their `where:` selects (metrics averaged over seeds).
"""
from __future__ import annotations

import copy
import itertools
import json
import os

import numpy as np

from attnsim.expectations import lookup
from attnsim.jsonable import jsonable
from attnsim.scenario.overrides import apply_override
from attnsim.summary import SUMMARY_DIGITS


def sweep_points(resolved: dict) -> list[tuple[dict, int]]:
    """[(values {dotted key: value}, seed)] of a resolved scenario's sweep grid x seeds, in run
    order (the last grid key varies fastest, then the seed)."""
    sweep = resolved["sweep"]
    keys = list(sweep["grid"])
    seeds = sweep.get("seeds") or [resolved["seed"]]
    return [(dict(zip(keys, combo)), seed)
            for combo in itertools.product(*(sweep["grid"][k] for k in keys)) for seed in seeds]


def point_data(resolved: dict, values: dict, seed: int) -> dict:
    """The plain scenario of one sweep point: no sweep, no report or expectations (the sweep
    evaluates those over its points), the grid values applied, the point's seed."""
    data = copy.deepcopy(resolved)
    data.pop("sweep", None)
    data["report"] = False
    data["expect"] = []
    for key, value in values.items():
        apply_override(data, f"{key}={json.dumps(value)}")
    data["seed"] = seed
    return data


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


def run_sweep(scn, resolved: dict, partial: str, *, started: float, quiet: bool, workers: int = 1,
              point_figures: bool = True, scheduler: str | None = None, engine=None) -> dict:
    """Run every unfinished point of a sweep, all at once on one Dask client (sim/engine.py),
    and write each point's results, summary and figures as soon as its last chunk is done.

    The client is `engine` when given, else a cluster made for this call: the one at
    `scheduler` (default: the scenario's run.scheduler), or a local one of `workers` processes.
    """
    from attnsim.interrupts import raise_if_interrupted
    from attnsim.run_dir import RunDir
    from attnsim.scenario.load import validate_point
    from attnsim.runner import collect, plan_run, write_run
    plan = sweep_points(resolved)
    rd = RunDir(partial)
    rd.write_scenario(resolved)       # what `attnsim run --resume` reads
    pending, labels = [], {}
    for index, (values, seed) in enumerate(plan):
        point_dir = rd.point(index)
        if point_dir.is_complete:
            continue
        point_dir.start_point()
        p_scn, _ = validate_point(resolved, values, seed)
        point = plan_run(p_scn, point_dir.path, quiet=quiet)
        point.tag = f"{index:03d}"
        label = ", ".join(f"{k}={json.dumps(v) if isinstance(v, (dict, list)) else v}" for k, v in values.items())
        labels[point.tag] = f"sweep point {index + 1}/{len(plan)}: {label[:100]}, seed {seed}"
        pending.append(point)

    if pending:
        def finish_point(point):
            raise_if_interrupted()
            write_run(point.scn, point.partial, collect(point), started=started, figures=point_figures,
                      kinds=point.kinds())
            RunDir(point.partial).remove_scratch()
            if progress.bars:
                progress.bars[("points", "")].write(f"{labels[point.tag]}: done")
            progress.point_done()

        from attnsim.engine import Engine
        from attnsim.progress import Progress
        trials, fits = {}, {}
        for p in pending:
            for m in p.scn.models:
                trials[m.name] = trials.get(m.name, 0) + p.trials_to_run(m.name)
                fits[m.name] = fits.get(m.name, 0) + (m.name in p.fits)
        def go(eng):
            nonlocal progress
            progress = Progress(trials, fits, points=len(plan), done_points=len(plan) - len(pending), quiet=quiet)
            try:
                eng.run(pending, on_done=finish_point, progress=progress)
            finally:
                progress.close()
        progress = None
        if engine is not None:
            go(engine)
        else:
            with Engine(workers=workers, scheduler=scheduler or scn.run.scheduler, quiet=quiet,
                        plugin_path=scn.plugin_path) as eng:
                go(eng)

    points = []
    for index, (values, seed) in enumerate(plan):
        point_dir = rd.point(index)
        s = point_dir.read_summary()
        points.append({"index": index, "values": values, "seed": seed, "dir": os.path.relpath(point_dir.path, partial),
                       "task": s["task"], "models": s["models"]})
    from attnsim.expectations import all_pass, evaluate_sweep
    expectations = evaluate_sweep([e.model_dump() for e in scn.expect], points, partial, scn.seed, _matches)
    models = {m.name: {"family": m.family, "kind": points[0]["models"][m.name]["kind"] if points else "",
                       "metrics": {}} for m in scn.models}
    return {"scenario": scn.name, "seed": scn.seed, "task": scn.task.kind, "n_trials": scn.task.n_trials,
            "models": models, "sweep": jsonable({"grid": resolved["sweep"]["grid"], "seeds": resolved["sweep"]["seeds"],
                                                 "points": points}, SUMMARY_DIGITS),
            "expectations": jsonable(expectations, SUMMARY_DIGITS), "all_expectations_pass": all_pass(expectations)}

"""The Python API: load a scenario, run it, open a finished run. The CLI is a shell over these.

    import attnsim
    scn = attnsim.load_scenario("scenarios/sustained_delay.yaml", overrides={"task.n_trials": 12})
    res = attnsim.run(scn)                     # in memory: no run directory is left behind
    res = attnsim.run(scn, out="runs/x")       # also writes runs/x (results.h5, summary.json, figures)
    old = attnsim.open_run("runs/x")           # the same Result, read back

A scenario is a path to a YAML file, a dict of the same content, or a Scenario from
load_scenario. A relative path that does not exist from the working directory is looked up
among the bundled scenarios, so `attnsim.run("scenarios/selective_attention.yaml")` works from
any folder.
"""
from __future__ import annotations

import json
import os
import shutil
import tempfile
import time

from attnsim.errors import RunError, ScenarioError
from attnsim.result import Result


def bundled_scenarios_dir() -> str:
    """The bundled scenarios: the repository's scenarios/ folder, installed as attnsim.scenarios."""
    import importlib.util
    spec = importlib.util.find_spec("attnsim.scenarios")
    if spec is not None and spec.submodule_search_locations:
        return list(spec.submodule_search_locations)[0]
    return os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir, "scenarios"))


def _find_file(path: str) -> str:
    path = os.fspath(path)
    if os.path.exists(path) or os.path.isabs(path):
        return path
    rel = path[len("scenarios/"):] if path.startswith("scenarios/") else path
    candidate = os.path.join(bundled_scenarios_dir(), rel)
    return candidate if os.path.exists(candidate) else path


def _override_items(overrides) -> list[str]:
    if overrides is None:
        return []
    if isinstance(overrides, dict):
        return [f"{k}={json.dumps(v)}" for k, v in overrides.items()]
    if isinstance(overrides, str):
        return [overrides]
    return list(overrides)


def load_scenario(source, overrides=None, seed: int | None = None):
    """A validated Scenario from a YAML path or a dict, with `overrides` applied.

    overrides: {"task.n_trials": 90, "models.0.params.N_E": 800} or ["task.n_trials=90", ...].
    Raises ScenarioError (its `.messages` name the file, line, key, what was expected).
    """
    from attnsim.scenario.load import load_document, load_file
    from attnsim.scenario.schema import Scenario
    items = _override_items(overrides)
    if isinstance(source, Scenario):
        source = source.model_dump(mode="json")
    if isinstance(source, dict):
        from attnsim.scenario.yaml_lines import LinedDocument
        scn, _ = load_document(LinedDocument(data=source, lines={}, path="<scenario dict>"), items, seed)
        return scn
    if not isinstance(source, (str, os.PathLike)):
        raise ScenarioError([f"load_scenario: expected a path, a dict or a Scenario, got {type(source).__name__}"])
    scn, _ = load_file(_find_file(source), overrides=items, seed=seed)
    return scn


def run(scenario, out: str | None = None, *, workers: int | None = None, overrides=None, seed: int | None = None,
        quiet: bool = True, resume: str | None = None, weights_from: str | None = None,
        scheduler: str | None = None) -> Result:
    """Run every model of a scenario on the same trials and return the Result.

    out: the run directory to write (written as OUT.partial and renamed when complete); None keeps
        the run in memory (its scratch files live in a temporary folder, removed at the end).
    workers: parallel worker processes (default: the scenario's run.workers, else the cores this
        process may use; the numbers are the same for any count).
    resume: an interrupted run's OUT.partial directory (its scenario.yaml is used; give no scenario).
    weights_from: a finished run directory whose trained weights are reused instead of training.
    scheduler: address of a running Dask scheduler (default: the scenario's run.scheduler, else a
        local cluster of `workers` processes).
    Raises ScenarioError for a bad scenario, RunError for a run that cannot start or go on;
    Ctrl-C raises KeyboardInterrupt with every finished chunk kept in OUT.partial.

    What happens, in order (steps 1-4 write nothing, so a refusal leaves no directory behind):

    1. Load the scenario and validate it, every sweep point included (sim/scenario/load.py;
       a grid's size is checked before it is expanded): ScenarioError.
    2. Check the options (workers, weights_from) and name the run directory, OUT.partial or a
       temporary folder (sim/run_dir.py `prepare`): RunError.
    3. Estimate memory, disk and model-trials, every sweep point added up, and refuse a run
       that cannot fit or is absurd (sim/resources.py): RunError.
    4. Start the engine: a local Dask cluster, or the connection to `scheduler`
       (sim/engine.py): RunError.
    5. Plan each run (a sweep: each unfinished point): write scenario.yaml, build the trials
       once and write their inputs, list the chunks and fits left to do, reusing verified
       chunks of an interrupted run (sim/runner.py `plan_run`).
    6. Train the trainable models, then run every chunk of trials on every model, as jobs on
       the engine's workers (sim/jobs.py, sim/worker.py).
    7. Collect each model's activity from its chunks into a Result (sim/runner.py `collect`).
    8. Write results.h5, summary.json, figures and provenance.json, the last marking the run
       complete; a sweep writes each point as its last chunk finishes, then its own summary
       and figure (sim/run_dir.py `RunDir`).
    9. Write the report when the scenario asks for one (sim/report.py, through RunDir).
    10. Rename OUT.partial to OUT, dropping the chunks and inputs kept for resuming.
    """
    from attnsim.interrupts import catch_interrupts
    with catch_interrupts():
        return _run(scenario, out, workers=workers, overrides=overrides, seed=seed, quiet=quiet, resume=resume,
                    weights_from=weights_from, scheduler=scheduler)


def _run(scenario, out, *, workers, overrides, seed, quiet, resume, weights_from, scheduler) -> Result:
    from attnsim import run_dir
    from attnsim.interrupts import raise_if_interrupted
    from attnsim.provenance import run_started
    from attnsim.resources import available_cores, check_resources
    started = time.time()
    run_started(started)
    if resume is not None:
        if scenario is not None:
            raise RunError("resume: the scenario is the one stored in the run directory; pass scenario=None")
        path = os.path.join(os.fspath(resume).rstrip("/"), "scenario.yaml")
        if not os.path.exists(path):
            raise RunError(f"--resume {resume}: no scenario.yaml inside; is this an attnsim run directory?")
        scn = load_scenario(path)
    elif overrides is not None or seed is not None or not _is_scenario(scenario):
        scn = load_scenario(scenario, overrides, seed)
    else:
        scn = scenario
    workers = workers or scn.run.workers or available_cores()
    if workers < 1:
        raise RunError(f"workers: must be at least 1 (got {workers})")
    if weights_from and scn.sweep is not None:
        raise RunError("--weights-from: not supported for sweeps (each point trains its own models)")
    if weights_from and not os.path.isdir(os.path.join(weights_from, "weights")):
        raise RunError(f"--weights-from {weights_from}: no weights/ folder in that directory")

    from attnsim.engine import Engine
    scratch = partial = None
    try:
        if resume is not None or out is not None:
            partial, final = run_dir.prepare(out, scn.name, resume)     # names only: nothing written
        else:
            final = None
        check_resources(scn, partial or tempfile.gettempdir(), in_memory=final is None)
        # the cluster (or the scheduler's connection) before the run directory: a scheduler that
        # cannot be reached leaves nothing behind
        with Engine(workers=workers, scheduler=scheduler or scn.run.scheduler, quiet=quiet,
                    plugin_path=scn.plugin_path) as engine:
            if final is None:
                scratch = tempfile.mkdtemp(prefix=f"attnsim-{scn.name}-")
                partial = os.path.join(scratch, "run.partial")
            if weights_from:
                run_dir.RunDir(partial).copy_weights(run_dir.RunDir(weights_from))
            result = _run_into(scn, partial, engine=engine, quiet=quiet, started=started, on_disk=final is not None)
        raise_if_interrupted()
        if final is not None:
            run_dir.RunDir(partial).publish(final)
            result.run_dir = final
        return result
    except OSError as e:
        if e.errno in (28, 122):   # ENOSPC, EDQUOT
            where = "the temporary folder" if scratch else f"{partial}"
            raise RunError(f"the disk is full while writing {where} ({e.strerror}); finished chunks are kept"
                           + ("" if scratch else f": free space and resume with `attnsim run --resume {partial}`")) \
                from None
        raise
    finally:
        if scratch is not None:
            shutil.rmtree(scratch, ignore_errors=True)


def _is_scenario(obj) -> bool:
    from attnsim.scenario.schema import Scenario
    return isinstance(obj, Scenario)


def _run_into(scn, partial: str, *, engine, quiet: bool, started: float, on_disk: bool) -> Result:
    from attnsim import runner
    from attnsim.run_dir import RunDir
    resolved = scn.model_dump(mode="json")
    rd = RunDir(partial)
    if scn.sweep is not None:
        from attnsim.sweep import run_sweep
        summary = run_sweep(scn, resolved, partial, started=started, quiet=quiet, point_figures=on_disk,
                            engine=engine)
        rd.write_sweep(scn, summary, started=started, figures=on_disk)
        result = Result(scenario=resolved, summary=summary)
        runs = None
    else:
        result = runner.complete(scn, partial, engine=engine, started=started, quiet=quiet, figures=on_disk)
        summary = result.summary
        runs = {partial: result}
    if scn.report and on_disk:
        rd.write_report(resolved, summary, runs=runs)
    return result


def open_run(run_dir: str) -> Result:
    """The Result of a finished run directory (results.h5, summary.json, scenario.yaml, weights/)."""
    from attnsim.run_dir import RunDir
    from attnsim.store import read_results
    run_dir = os.fspath(run_dir).rstrip("/")
    needed = ["summary.json", "scenario.yaml"]
    missing = [f for f in needed if not os.path.exists(os.path.join(run_dir, f))]
    if missing:
        hint = " (an unfinished run: resume it with `attnsim run --resume DIR`)" if run_dir.endswith(".partial") else ""
        raise RunError(f"{run_dir}: not a finished attnsim run directory (missing {', '.join(missing)}){hint}")
    rd = RunDir(run_dir)
    result = Result(scenario=rd.read_scenario(), summary=rd.read_summary(), run_dir=run_dir)
    if result.is_sweep:
        return result
    h5 = rd.file("results.h5")
    if not os.path.exists(h5):
        raise RunError(f"{run_dir}: not a finished attnsim run directory (missing results.h5)")
    data = read_results(h5)
    result.trials, result.activities, result.capabilities = data.trials, data.activities, data.capabilities
    for name in result.models:
        curves = rd.read_curves(name)
        if curves is not None:
            result.training[name] = curves
    return result


def sweep_plan(scn) -> list[tuple[dict, int]]:
    """[(grid values, seed)] of a sweep scenario's points, in run order."""
    from attnsim.sweep import sweep_points
    return sweep_points(scn.model_dump(mode="json"))

"""Export a finished run to NWB (Neurodata Without Borders, nwb.org): one file per model.

`attnsim export RUN_DIR --nwb [--out DIR]` calls `export_nwb(attnsim.open_run(RUN_DIR))`, which
writes `<out_dir>/<run name>_<model>.nwb` (out_dir defaults to RUN_DIR/nwb) with pynwb, so that
NWB tools (pynwb, nwbinspector, NWB Widgets, DANDI) open a simulated session like a recorded one.

Session clock. A run's trials are independent simulations of the same duration
T = n_steps * dt_ms / 1000 s; the file lays them end to end with no gap, so trial i covers
[i T, (i + 1) T) and a time t_ms within trial i is the session time

    t_session = i * T + t_ms / 1000      (seconds).

Layout of one file (model `m`, n trials, S task steps of dt_ms, C input channels):
  general            session_start_time = provenance.json "started"; identifier = UUID5 of
                     (run directory name, model); notes = the resolved scenario (YAML);
                     source_script / was_generated_by = the attnsim version
  intervals/trials   start_time, stop_time, one column per Trials.conditions key (condition,
                     contrast, ...), target (or target_A, target_B on a two-location task),
                     choice (0 = A, 1 = B, -1 none), reaction_time (s from stimulus onset, NaN
                     where none), correct (bool), report_A / report_B and evidence_A / evidence_B
                     where the model gave per-location reports
  intervals/epochs   one interval per trial per task epoch (fixation, cue, stimulus, ...), tags
                     [epoch name, "trial_<i>"], columns epoch, trial_index; empty epochs skipped
  stimulus/inputs    TimeSeries (n S, C), unit "a.u.", rate 1000 / dt_ms: the task's drive
  processing/attnsim/group_rates   TimeSeries (n S', G): mean rate of each of the model's G
                     groups (Activity.groups order; the description lists them), unit
                     Activity.rate_unit ("Hz" or "a.u."), rate 1000 / Activity.dt_ms
  processing/attnsim/rates         TimeSeries (n S', U): every recorded unit's rate, only when
                     the model recorded more units than groups
  units              spiking models with recorded spikes: one row per (population, node id),
                     every neuron of each recorded group (group_sizes), silent ones included;
                     spike_times in session seconds; columns model, population, node_id

Samples of a rate series are at i T + k dt (k = 0 .. S' - 1); when S' dt differs from the trial
duration the series carries explicit timestamps instead of a rate.

References: Rübel et al. (2022) eLife 11:e78362 (NWB); the NWB best practices checked by
nwbinspector (https://nwbinspector.readthedocs.io).
"""
from __future__ import annotations

import datetime
import importlib.metadata
import json
import os
import uuid

import numpy as np
import yaml

from attnsim.errors import RunError

# DynamicTable columns a TimeIntervals table already defines: a condition key that collides is
# stored as condition_<key>
_RESERVED = {"start_time", "stop_time", "tags", "timeseries", "id"}


def export_nwb(result, out_dir: str | None = None) -> list[str]:
    """Write one NWB file per model of `result` (an attnsim Result) and return their paths.

    out_dir: the folder to write (created); default RUN_DIR/nwb. A Result kept in memory
        (run_dir None) needs an explicit out_dir.
    A sweep's run directory is exported point by point, into out_dir/point_NNN/ (each point has
    its own trials). Raises RunError for a sweep kept in memory (its points' activity is not kept)
    or a Result without trials.
    """
    from pynwb import NWBHDF5IO
    if out_dir is None:
        if result.run_dir is None:
            raise RunError("export_nwb: a run kept in memory needs out_dir")
        out_dir = os.path.join(result.run_dir, "nwb")
    if result.trials is None and getattr(result, "is_sweep", False) and result.run_dir is not None:
        paths = []
        for i, point in enumerate(result.points):
            paths += export_nwb(result.point(i), out_dir=os.path.join(out_dir, f"point_{point['index']:03d}"))
        return paths
    if result.trials is None:
        where = result.run_dir or "this result"
        raise RunError(f"{where}: a sweep has no trials of its own; export one of its point directories")
    os.makedirs(out_dir, exist_ok=True)
    run_name = _run_name(result)
    paths = []
    for model in result.models:
        if model not in result.activity:
            continue
        nwbfile = build_nwbfile(result, model)
        path = os.path.join(out_dir, f"{run_name}_{model}.nwb")
        with NWBHDF5IO(path, "w") as io:
            io.write(nwbfile)
        paths.append(path)
    return paths


def build_nwbfile(result, model: str):
    """The in-memory pynwb NWBFile of one model (the layout in the module docstring)."""
    from pynwb import NWBFile
    trials, act = result.trials, result.activity[model]
    prov = _provenance(result)
    version = prov.get("attnsim") or _attnsim_version()
    scenario = result.scenario or {}
    family = result.summary.get("models", {}).get(model, {}).get("family", "")
    name = scenario.get("name") or result.summary.get("scenario") or "attnsim run"
    start = _start_time(prov)
    description = " ".join(str(scenario.get("description") or "").split())
    optional = {}
    if any(a["name"] == "was_generated_by" for a in NWBFile.__init__.__docval__["args"]):   # pynwb >= 3
        optional["was_generated_by"] = [["attnsim", str(version)]]
    nwbfile = NWBFile(
        session_description=f"{name}: {description}" if description else f"attnsim scenario {name}",
        identifier=str(uuid.uuid5(uuid.NAMESPACE_URL, f"attnsim:{_run_name(result)}:{model}")),
        session_start_time=start,
        session_id=f"{_run_name(result)}_{model}".replace("/", "_"),
        experiment_description=(f"Simulation: model {model!r} (family {family}) on the scenario's trials; "
                                f"trials are laid end to end, {_trial_s(trials):g} s each, no gap."),
        notes=_scenario_yaml(result),
        source_script=f"attnsim {version}",
        source_script_file_name="attnsim",
        data_collection=(f"simulated with attnsim {version}, seed {result.summary.get('seed')}, "
                         f"capabilities {sorted(result.capabilities.get(model, ()))}"),
        keywords=["simulation", "attention", "attnsim"],
        subject=_subject(model, family, start),
        **optional,
    )
    _add_trials(nwbfile, trials, act)
    _add_epochs(nwbfile, trials)
    _add_inputs(nwbfile, trials)
    _add_rates(nwbfile, trials, act, model)
    if act.spikes:
        nwbfile.units = _units(act, model, trials, _resolution_s(scenario, model))
    return nwbfile


def _subject(model: str, family: str, born: datetime.datetime):
    """The simulated network as the NWB subject: built at the session start (date_of_birth), sex
    "U"; no species (a model has none), which nwbinspector reports as a best-practice violation."""
    from pynwb.file import Subject
    return Subject(subject_id=model, sex="U", date_of_birth=born,
                   description=f"simulated network: attnsim model {model!r} (family {family}), "
                               f"instantiated at the start of the run")


def _resolution_s(scenario: dict, model: str) -> float | None:
    """Spike-time resolution (s): the model's integration step where its params declare one
    (`sim_dt_ms`: spike times are multiples of it), else None (unknown)."""
    for m in scenario.get("models", ()):
        if m.get("name") == model and (m.get("params") or {}).get("sim_dt_ms"):
            return float(m["params"]["sim_dt_ms"]) / 1000.0
    return None


# -- the session -------------------------------------------------------------------------------
def _run_name(result) -> str:
    if result.run_dir:
        return os.path.basename(os.fspath(result.run_dir).rstrip("/"))
    return str((result.scenario or {}).get("name") or result.summary.get("scenario") or "attnsim")


def _provenance(result) -> dict:
    path = os.path.join(result.run_dir, "provenance.json") if result.run_dir else None
    if path and os.path.exists(path):
        with open(path) as fh:
            return json.load(fh)
    return {}


def _attnsim_version() -> str:
    try:
        return importlib.metadata.version("attnsim")
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


def _start_time(prov: dict) -> datetime.datetime:
    """provenance.json "started" (local time with its UTC offset); now (UTC) where absent."""
    started = prov.get("started")
    if started:
        for parse in (lambda s: datetime.datetime.strptime(s, "%Y-%m-%dT%H:%M:%S%z"),
                      datetime.datetime.fromisoformat):
            try:
                t = parse(started)
            except ValueError:
                continue
            return t if t.tzinfo is not None else t.replace(tzinfo=datetime.timezone.utc)
    return datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)


def _scenario_yaml(result) -> str:
    path = os.path.join(result.run_dir, "scenario.yaml") if result.run_dir else None
    if path and os.path.exists(path):
        with open(path) as fh:
            return fh.read()
    return yaml.safe_dump(result.scenario, sort_keys=False)


def _trial_s(trials) -> float:
    """Duration of one trial (s): n_steps * dt_ms / 1000."""
    return trials.n_steps * trials.dt_ms / 1000.0


# -- intervals ---------------------------------------------------------------------------------
def _trial_columns(trials, act) -> dict[str, tuple[np.ndarray, str]]:
    """name -> (per-trial values, description) of the trials table, beyond start/stop."""
    n = trials.n_trials
    cols: dict[str, tuple[np.ndarray, str]] = {}
    for key, values in trials.conditions.items():
        v = np.asarray(values)
        v = v.astype(str) if v.dtype.kind in "OUS" else v
        cols[f"condition_{key}" if key in _RESERVED else key] = (v, f"task label {key!r} of the trial")
    target = np.asarray(trials.target)
    choice = np.asarray(act.choice).astype(np.int64)
    if target.ndim == 2:
        if target.shape[1] != 2:
            raise RunError(f"trials.target has shape {target.shape}; expected (n_trials,) or (n_trials, 2)")
        for j, loc in enumerate("AB"):
            cols[f"target_{loc}"] = (target[:, j].astype(np.int64), f"target present at location {loc} (1) or not (0)")
    else:
        cols["target"] = (target.astype(np.int64), "correct choice: 0 = A, 1 = B")
    cols["choice"] = (choice, "the model's choice: 0 = A, 1 = B, -1 = none")
    rt = np.asarray(act.reaction_time_ms, dtype=float) / 1000.0
    cols["reaction_time"] = (rt, "reaction time (s) from stimulus onset; NaN where the model did not decide")
    reports = act.location_reports
    if reports is not None:
        reports = np.asarray(reports).astype(np.int64)
        for j, loc in enumerate("AB"):
            cols[f"report_{loc}"] = (reports[:, j], f"report at location {loc}: 1 present, 0 absent, -1 none")
    if act.location_evidence is not None:
        ev = np.asarray(act.location_evidence, dtype=float)
        for j, loc in enumerate("AB"):
            cols[f"evidence_{loc}"] = (ev[:, j], f"decision variable behind the report at {loc} (larger = present)")
    if target.ndim == 1:
        cols["correct"] = (choice == target, "choice == target (no choice counts as wrong)")
    elif reports is not None:
        cols["correct"] = (np.all(reports == target, axis=1), "both location reports equal the targets")
    for name, (v, _) in cols.items():
        if len(v) != n:
            raise RunError(f"trials column {name!r} has {len(v)} values for {n} trials")
    return cols


def _add_trials(nwbfile, trials, act) -> None:
    cols = _trial_columns(trials, act)
    for name, (_, desc) in cols.items():
        nwbfile.add_trial_column(name=name, description=desc)
    T = _trial_s(trials)
    for i in range(trials.n_trials):
        nwbfile.add_trial(start_time=i * T, stop_time=(i + 1) * T,
                          **{name: _scalar(v[i]) for name, (v, _) in cols.items()})


def _scalar(x):
    """A numpy scalar as the plain Python value hdmf stores with one dtype per column."""
    return x.item() if isinstance(x, np.generic) else x


def _add_epochs(nwbfile, trials) -> None:
    nwbfile.add_epoch_column(name="epoch", description="task epoch name")
    nwbfile.add_epoch_column(name="trial_index", description="index of the trial (row of the trials table)")
    T, dt = _trial_s(trials), trials.dt_ms / 1000.0
    for i in range(trials.n_trials):
        for name, s in trials.epochs.items():
            if s.stop <= s.start:
                continue
            nwbfile.add_epoch(start_time=i * T + s.start * dt, stop_time=i * T + s.stop * dt,
                              tags=[name, f"trial_{i}"], epoch=name, trial_index=i)


# -- time series -------------------------------------------------------------------------------
def _end_to_end(x: np.ndarray) -> np.ndarray:
    """(n_trials, steps, k) -> (n_trials * steps, k): trials laid end to end on the session clock."""
    return np.ascontiguousarray(x.reshape(x.shape[0] * x.shape[1], x.shape[2]))


def _clock(n_trials: int, n_steps: int, dt_ms: float, trial_s: float) -> dict:
    """TimeSeries timing keywords: a rate when the samples tile the trials, else timestamps (s)."""
    if np.isclose(n_steps * dt_ms / 1000.0, trial_s, rtol=0, atol=1e-12):
        return {"rate": 1000.0 / dt_ms, "starting_time": 0.0}
    t = (np.arange(n_trials)[:, None] * trial_s + np.arange(n_steps)[None, :] * dt_ms / 1000.0).ravel()
    return {"timestamps": t}


def _compressed(data):
    from hdmf.backends.hdf5.h5_utils import H5DataIO
    return H5DataIO(data, compression="gzip", compression_opts=4, shuffle=True)


def _add_inputs(nwbfile, trials) -> None:
    from pynwb import TimeSeries
    nwbfile.add_stimulus(TimeSeries(
        name="inputs", data=_compressed(_end_to_end(np.asarray(trials.inputs, dtype=np.float32))), unit="a.u.",
        description=(f"task inputs (drive in [0, 1]), trials end to end; columns: {', '.join(trials.channels)}"),
        **_clock(trials.n_trials, trials.n_steps, trials.dt_ms, _trial_s(trials))))


def _add_rates(nwbfile, trials, act, model: str) -> None:
    from pynwb import TimeSeries
    mod = nwbfile.create_processing_module(name="attnsim", description=f"model {model!r} activity, trials end to end")
    names = list(act.groups)
    group_rates = np.stack([act.group_rate(g) for g in names], axis=2)       # (trials, steps, groups)
    clock = _clock(act.n_trials, act.rates.shape[1], act.dt_ms, _trial_s(trials))
    mod.add(TimeSeries(
        name="group_rates", data=_compressed(_end_to_end(group_rates.astype(np.float32))), unit=act.rate_unit,
        description=f"mean rate of each group of model {model!r}; columns: {', '.join(names)}", **clock))
    if act.rates.shape[2] > len(names):
        where = ", ".join(f"{g} [{s.start}:{s.stop}]" for g, s in act.groups.items())
        mod.add(TimeSeries(
            name="rates", data=_compressed(_end_to_end(np.asarray(act.rates, dtype=np.float32))),
            unit=act.rate_unit, description=f"rate of every recorded unit of model {model!r}; columns by group: {where}",
            **clock))


# -- units -------------------------------------------------------------------------------------
def _units(act, model: str, trials, resolution: float | None = None):
    """The Units table: one row per (population, node id), spike times on the session clock.

    Built as flat columns (one concatenation per group, one sort) rather than row by row, so a
    network of thousands of neurons exports in about the time of writing its spikes.
    """
    from hdmf.common import VectorData, VectorIndex
    from pynwb.misc import Units
    T = _trial_s(trials)
    times, counts, pops, node_ids = [], [], [], []
    for group, per_trial in act.spikes.items():
        ids = [np.asarray(t[0], dtype=np.int64) for t in per_trial]
        ts = [np.asarray(t[1], dtype=np.float64) / 1000.0 + i * T for i, t in enumerate(per_trial)]
        ids = np.concatenate(ids) if ids else np.zeros(0, np.int64)
        ts = np.concatenate(ts) if ts else np.zeros(0, np.float64)
        size = int(act.group_sizes.get(group, 0))
        n = max(size, int(ids.max()) + 1 if ids.size else 0)
        order = np.lexsort((ts, ids))                  # by node id, then time
        times.append(ts[order])
        counts.append(np.bincount(ids, minlength=n))
        pops.extend([group] * n)
        node_ids.append(np.arange(n))
    flat = np.concatenate(times) if times else np.zeros(0)
    ends = np.cumsum(np.concatenate(counts)) if counts else np.zeros(0, np.int64)
    node_ids = np.concatenate(node_ids) if node_ids else np.zeros(0, np.int64)
    spike_times = VectorData(name="spike_times", description="spike times (s) on the session clock",
                             data=_compressed(flat))
    columns = [spike_times,
               VectorIndex(name="spike_times_index", data=ends.astype(np.int64), target=spike_times),
               VectorData(name="model", description="attnsim model name", data=[model] * len(pops)),
               VectorData(name="population", description="recorded group (population) of the neuron", data=pops),
               VectorData(name="node_id", description="neuron index within its population", data=node_ids)]
    return Units(name="units", id=np.arange(len(pops)), columns=columns, resolution=resolution,
                 description=f"simulated neurons of model {model!r}, every neuron of each recorded group")

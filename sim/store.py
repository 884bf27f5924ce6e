"""results.h5: trials and every model's activity, readable with h5py alone.

Layout (see README "Run directory"):
  /trials/{inputs, target, conditions/<key>}     attrs: dt_ms, channels, epochs (JSON)
  /models/<name>/rates            (trials, units, time) float32, attrs unit, dt_ms
  /models/<name>/group_rates      (trials, groups, time) float32, attrs group_names, unit, dt_ms
  /models/<name>/{choice, reaction_time_ms, extras/<key>}
  /models/<name> attrs: family, kind, capabilities, groups, selective_groups, group_sizes, roles (JSON)
  /spikes/<model>.<group>/{timestamps (ms), node_ids, trial_ids}   SONATA-style spike tables
"""
from __future__ import annotations

import json
import h5py
import numpy as np

from attnsim.models.activity import Activity
from attnsim.result import Result
from attnsim.tasks.trials import Trials

_Z = dict(compression="gzip", compression_opts=4, shuffle=True)


# What figures and reports draw from: one run's data, the same type as attnsim.run's Result.
RunData = Result


def _write_trials(f: h5py.File, trials: Trials) -> None:
    g = f.create_group("trials")
    g.create_dataset("inputs", data=trials.inputs.astype(np.float32), **_Z)
    g.create_dataset("target", data=trials.target)
    g.attrs["dt_ms"] = trials.dt_ms
    g.attrs["channels"] = json.dumps(list(trials.channels))
    g.attrs["epochs"] = json.dumps({k: [s.start, s.stop] for k, s in trials.epochs.items()})
    c = g.create_group("conditions")
    for k, v in trials.conditions.items():
        c.create_dataset(k, data=v.astype("S") if v.dtype.kind in "OU" else v)


# per-location yes/no reports and their evidence (dual-report tasks): (trials, 2) each, stored when present
_LOCATION_FIELDS = ("location_reports", "location_evidence")


def _write_activity(f: h5py.File, name: str, family: str, kind: str, act: Activity, record: list[str],
                    capabilities=()) -> None:
    g = f.create_group(f"models/{name}")
    g.attrs.update(family=family, kind=kind, unit=act.rate_unit, dt_ms=act.dt_ms,
                   capabilities=json.dumps(sorted(capabilities)),
                   groups=json.dumps({k: [s.start, s.stop] for k, s in act.groups.items()}),
                   selective_groups=json.dumps(list(act.selective_groups)),
                   group_sizes=json.dumps(act.group_sizes), roles=json.dumps(act.roles))
    names = list(act.groups)
    group_rates = np.stack([act.group_rate(n) for n in names], axis=1)  # (trials, groups, time)
    d = g.create_dataset("group_rates", data=group_rates.astype(np.float32), **_Z)
    d.attrs.update(group_names=json.dumps(names), unit=act.rate_unit, dt_ms=act.dt_ms)
    if "rates" in record:
        d = g.create_dataset("rates", data=np.transpose(act.rates, (0, 2, 1)).astype(np.float32), **_Z)
        d.attrs.update(unit=act.rate_unit, dt_ms=act.dt_ms, axes="trials, units, time")
    g.create_dataset("choice", data=act.choice)
    g.create_dataset("reaction_time_ms", data=act.reaction_time_ms)
    for k in _LOCATION_FIELDS:
        if getattr(act, k) is not None:
            g.create_dataset(k, data=np.asarray(getattr(act, k)))
    for k, v in act.extras.items():
        g.create_dataset(f"extras/{k}", data=np.asarray(v), **_Z)
    if act.spikes is not None and "spikes" in record:
        for group, per_trial in act.spikes.items():
            s = f.create_group(f"spikes/{name}.{group}")
            ids = [np.asarray(t[0], dtype=np.uint32) for t in per_trial]
            ts = [np.asarray(t[1], dtype=np.float64) for t in per_trial]
            tr = [np.full(len(a), i, dtype=np.uint32) for i, a in enumerate(ids)]
            cat = (lambda xs, dt: np.concatenate(xs) if xs else np.zeros(0, dt))
            s.create_dataset("node_ids", data=cat(ids, np.uint32), **_Z)
            ts_d = s.create_dataset("timestamps", data=cat(ts, np.float64), **_Z)
            ts_d.attrs["units"] = "ms"
            s.create_dataset("trial_ids", data=cat(tr, np.uint32), **_Z)
            s.attrs.update(n_trials=len(per_trial), n_nodes=act.group_sizes.get(group, 0),
                           note="times relative to each trial's start; trial_ids index /trials")


def write_results(path: str, trials: Trials, activities: dict[str, Activity], families: dict[str, tuple[str, str]],
                  record: list[str], capabilities: dict[str, frozenset] | None = None) -> None:
    with h5py.File(path, "w") as f:
        f.attrs["format"] = "attnsim-results-1"
        _write_trials(f, trials)
        for name, act in activities.items():
            family, kind = families[name]
            _write_activity(f, name, family, kind, act, record, (capabilities or {}).get(name, ()))


def _read_trials(f: h5py.File) -> Trials:
    g = f["trials"]
    epochs = {k: slice(a, b) for k, (a, b) in json.loads(g.attrs["epochs"]).items()}
    cond = {}
    for k, d in g["conditions"].items():
        v = d[()]
        cond[k] = v.astype(str) if v.dtype.kind == "S" else v
    return Trials(dt_ms=float(g.attrs["dt_ms"]), inputs=g["inputs"][()].astype(float),
                  channels=tuple(json.loads(g.attrs["channels"])), target=g["target"][()], epochs=epochs,
                  conditions=cond)


def _read_activity(f: h5py.File, name: str) -> Activity:
    g = f[f"models/{name}"]
    groups = {k: slice(a, b) for k, (a, b) in json.loads(g.attrs["groups"]).items()}
    if "rates" in g:
        rates = np.transpose(g["rates"][()], (0, 2, 1)).astype(float)
    else:  # only group means stored: one unit per group
        gr = g["group_rates"][()].astype(float)
        names = json.loads(g["group_rates"].attrs["group_names"])
        rates = np.transpose(gr, (0, 2, 1))
        groups = {n: slice(i, i + 1) for i, n in enumerate(names)}
    spikes = None
    prefix = f"{name}."
    if "spikes" in f:
        per_group = {k[len(prefix):]: v for k, v in f["spikes"].items() if k.startswith(prefix)}
        if per_group:
            spikes = {}
            for group, s in per_group.items():
                ids, ts, tr = s["node_ids"][()], s["timestamps"][()], s["trial_ids"][()]
                n = int(s.attrs["n_trials"])
                spikes[group] = [(ids[tr == i].astype(int), ts[tr == i]) for i in range(n)]
    extras = {k: v[()] for k, v in g["extras"].items()} if "extras" in g else {}
    return Activity(rates=rates, dt_ms=float(g.attrs["dt_ms"]), groups=groups,
                    selective_groups=tuple(json.loads(g.attrs["selective_groups"])),
                    choice=g["choice"][()], reaction_time_ms=g["reaction_time_ms"][()],
                    rate_unit=str(g.attrs["unit"]), spikes=spikes,
                    group_sizes={k: int(v) for k, v in json.loads(g.attrs["group_sizes"]).items()}, extras=extras,
                    roles=json.loads(g.attrs.get("roles", "{}")),   # files written before roles: none
                    **{k: g[k][()] for k in _LOCATION_FIELDS if k in g})


def read_results(path: str) -> Result:
    with h5py.File(path, "r") as f:
        trials = _read_trials(f)
        names = list(f["models"]) if "models" in f else []
        acts = {n: _read_activity(f, n) for n in names}
        fams = {n: str(f[f"models/{n}"].attrs["family"]) for n in names}
        caps = {n: frozenset(json.loads(f[f"models/{n}"].attrs["capabilities"])) for n in names
                if "capabilities" in f[f"models/{n}"].attrs}
    return Result(trials=trials, activities=acts, families=fams, capabilities=caps)

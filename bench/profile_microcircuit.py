"""Where the simulation time goes, per Brian2 code object, measured with Brian2's own profiler.

What: runs one network with `Network.run(..., profile=True)` and reads `Network.profiling_info`
(the numbers `brian2.profiling_summary(net)` prints): the wall time spent in each code object
during the run loop, summed over all time steps. Prints a table with one row per code object
(name, seconds, share of the profiled total), sorted by time, then the same time grouped into
kinds of work (Poisson background, synapse push / spike queue, synaptic delivery, neuron state
update, threshold/reset, monitor, ...; the group shares sum to 100 %), and last one JSON line
with the groups.

Why: to know which part of a network to make faster before touching it (e.g. whether the PD14
column spends its time in the Poisson background, in the spike queue or in the delivery of
the recurrent synapses), and to compare the project's network with the plain Brian2 script.

Networks (--network):
  column       the project's PD14 column, attnsim.models.microcircuit.network.build_column,
               under the cpp_standalone device (C++ timers around each code object); project
               directory $ATTNSIM_CACHE_DIR/profile_column_<hash of the configuration>
               (default ~/.cache/attnsim), rebuilt incrementally by make -j2. Every
               ColumnConfig field can be set with --set key=value (the value is parsed with
               the field's type: bool, int, float, str, tuple; None for optional fields);
               --scale sets N_scaling and K_scaling together (full scale: --scale 1, ~10 GB).
  plain        bench/plain_brian2_microcircuit.py's network, built by that script's own main()
               (unchanged; its Network class is replaced in this process by one that runs with
               profile=True), in $ATTNSIM_CACHE_DIR/profile_plain_<scale>_<threads>_...
  competition  the project's spiking competition network (models/spiking_competition.py,
               SpikingCompetition, Wang 2002): Brian2 runtime device (cython), one batch of
               --trials trials of the built-in trial below; profiled by running the model's
               own stored Network with profile=True.
  plain_competition  bench/plain_brian2_wang2002.py's run_trial() (runtime device, one
               Network per trial; brian2.Network replaced in this process as for `plain`).
The competition networks run on the runtime device, where Brian2 times each *object*
(a SynapticPathway's spike push and delivery are then one row) instead of each code object,
and the groups' own (empty) run() calls appear as rows of their own, grouped as "other".
Built-in competition trial (as plain_brian2_wang2002.py): 1.2 s, cue A 300-1000 ms, stimuli
A / B (contrast 0.6 / 0.4) 500-1000 ms.

Groups are computed from the code-object names: each name is matched to the Brian2 object it
belongs to (the network object whose name is its longest prefix) and grouped by that object's
class (StateUpdater, Thresholder, SynapticPathway, PoissonInput, SpikeMonitor, ...) and, for
synaptic pathways, by the name's suffix (`_push_spikes` = spike queue); names that match no
object fall back to name patterns, and anything else is "other".

Caveat: the profiling timers themselves cost time (two clock reads per code object per step,
and in runtime mode a Python call), so a profiled run is slower than an unprofiled one and
cheap, frequent code objects are over-weighted; read the shares, not the absolute seconds.
The total of the profiled code objects is also printed next to Brian2's time for the whole
run loop; the difference is the loop's own overhead (clocks, scheduling) and the timers.

    python bench/profile_microcircuit.py                          # column, 0.1 scale, 1 s
    python bench/profile_microcircuit.py --set background=dc --t-sim 0.5
    python bench/profile_microcircuit.py --network plain --scale 0.1
    python bench/profile_microcircuit.py --network competition --trials 8
"""
from __future__ import annotations

import argparse
import ast
import contextlib
import dataclasses
import hashlib
import importlib.util
import io
import json
import os
import sys
import time
import types
import typing
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]

def cache_root() -> Path:
    return Path(os.path.expanduser(os.environ.get("ATTNSIM_CACHE_DIR", "~/.cache/attnsim")))


# ---------------------------------------------------------------- ColumnConfig from the command line
def _parse_typed(text: str, tp, field_name: str):
    """`text` as a value of type `tp` (a type, a typing construct or an unresolved string)."""
    if isinstance(tp, str):                      # unresolved annotation: best effort on its name
        tp = {"bool": bool, "int": int, "float": float, "str": str, "tuple": tuple}.get(tp.strip(), None)
    origin = typing.get_origin(tp)
    args = typing.get_args(tp)
    if origin in (typing.Union, types.UnionType):
        if text.strip().lower() == "none" and type(None) in args:
            return None
        errors = []
        for a in args:
            if a is type(None):
                continue
            try:
                return _parse_typed(text, a, field_name)
            except (ValueError, SyntaxError) as e:
                errors.append(str(e))
        raise ValueError(f"{field_name}={text!r}: " + "; ".join(errors))
    if origin is typing.Literal:
        for a in args:
            try:
                v = _parse_typed(text, type(a), field_name)
            except (ValueError, SyntaxError):
                continue
            if v == a:
                return v
        raise ValueError(f"{field_name}={text!r}: must be one of {list(args)}")
    if origin is not None:                       # tuple[...], list[...]: use the container
        tp = origin
    if tp is bool:
        t = text.strip().lower()
        if t in ("1", "true", "yes", "on"):
            return True
        if t in ("0", "false", "no", "off"):
            return False
        raise ValueError(f"{field_name}={text!r}: not a bool (true/false)")
    if tp is int:
        return int(text)
    if tp is float:
        return float(text)
    if tp is str:
        return text
    if tp in (tuple, list):
        t = text.strip()
        if t in ("", "()", "[]"):
            return tp()
        try:
            v = ast.literal_eval(t)
        except (ValueError, SyntaxError):
            v = tuple(s.strip() for s in t.split(","))
        if not isinstance(v, (tuple, list)):
            v = (v,)
        return tp(_tuplify(v)) if tp is tuple else list(v)
    try:                                         # anything else: a Python literal, else the string
        return ast.literal_eval(text)
    except (ValueError, SyntaxError):
        return text


def _tuplify(v):
    """Nested lists -> nested tuples (hashable, as a frozen dataclass wants)."""
    return tuple(_tuplify(x) for x in v) if isinstance(v, (list, tuple)) else v


def column_config(scale: float, settings: list[str]):
    """ColumnConfig from --scale and --set key=value pairs, generic over its fields."""
    from attnsim.models.microcircuit.network import ColumnConfig
    fields = {f.name: f for f in dataclasses.fields(ColumnConfig)}
    try:
        hints = typing.get_type_hints(ColumnConfig)
    except Exception:                            # an annotation that does not resolve: use the strings
        hints = {}
    values = {}
    for k in ("N_scaling", "K_scaling"):
        if k in fields:
            values[k] = float(scale)
    for s in settings:
        key, sep, text = s.partition("=")
        key = key.strip()
        if not sep:
            raise SystemExit(f"--set {s!r}: expected key=value")
        if key not in fields:
            raise SystemExit(f"--set {key}: ColumnConfig has no such field; fields: {', '.join(fields)}")
        try:
            values[key] = _parse_typed(text, hints.get(key, fields[key].type), key)
        except (ValueError, SyntaxError) as e:
            raise SystemExit(f"--set {s!r}: {e}")
    return ColumnConfig(**values)


# ---------------------------------------------------------------- grouping
def _object_index(net) -> dict:
    """name -> Brian2 object, for every object of the network and the objects they contain."""
    out = {}
    todo = list(net.objects)
    while todo:
        obj = todo.pop()
        name = getattr(obj, "name", None)
        if name is None or name in out:
            continue
        out[name] = obj
        todo.extend(getattr(obj, "contained_objects", []) or [])
    return out


def _owner_of(name: str, index: dict):
    """The object whose name is the longest prefix of the code-object name (at a '_' boundary)."""
    best = None
    for obj_name, obj in index.items():
        if (name == obj_name or name.startswith(obj_name + "_")) and (best is None or len(obj_name) > len(best[0])):
            best = (obj_name, obj)
    return best[1] if best else None


def group_of(name: str, index: dict) -> str:
    obj = _owner_of(name, index)
    cls = type(obj).__name__ if obj is not None else ""
    owner = getattr(obj, "group", None) or getattr(obj, "source", None)
    owner_cls = owner.__class__.__name__ if owner is not None else ""   # (a weakproxy's referent)
    if cls == "SynapticPathway":
        if name.endswith("_push_spikes") or "initialise_queue" in name:
            return "synapse push/spike queue"
        return "synaptic delivery (post pathway)" if getattr(obj, "prepost", "pre") == "post" \
            else "synaptic delivery (pre pathway)"
    if cls == "PoissonInput":
        return "Poisson background"
    if cls == "PoissonGroup" or (cls in ("Thresholder", "StateUpdater") and owner_cls == "PoissonGroup"):
        return "Poisson input (PoissonGroup)"
    if cls == "StateUpdater":
        return "synapse state update" if owner_cls == "Synapses" else "neuron state update"
    if cls in ("Thresholder", "Resetter"):
        return "threshold/reset"
    if cls.endswith("Monitor"):
        return "monitor"
    if cls == "SummedVariableUpdater":
        return "summed variables"
    if cls == "NetworkOperation":
        return "network_operation (Python)"
    if cls == "CodeRunner":                      # run_regularly: Poisson drive if it draws counts
        code = str(getattr(obj, "abstract_code", "")).lower()
        if "attnsim_csr_step" in code:          # models/microcircuit/csr_synapses.py
            return "csr synapses (push + delivery; rows built in step 0)"
        drive = "poisson" in code or "binomial" in code or "background" in obj.name.lower()
        return "Poisson background" if drive else "run_regularly"
    # no object found (or an unknown class): name patterns
    n = name.lower()
    if "push_spikes" in n or "spikequeue" in n or "initialise_queue" in n:
        return "synapse push/spike queue"
    if "poissoninput" in n or "background" in n:
        return "Poisson background"
    if "poissongroup" in n:
        return "Poisson input (PoissonGroup)"
    if "summed_variable" in n:
        return "summed variables"
    if "stateupdater" in n:
        return "neuron state update"
    if "thresholder" in n or "resetter" in n:
        return "threshold/reset"
    if "monitor" in n:
        return "monitor"
    if n.endswith("_pre") or "_pre_codeobject" in n:
        return "synaptic delivery (pre pathway)"
    if n.endswith("_post") or "_post_codeobject" in n:
        return "synaptic delivery (post pathway)"
    return "other"


def report(label: str, net, loop_s: float | None, extra: dict, note: str = "", top: int = 0) -> dict:
    """Print the per-code-object table and the grouped summary; return the JSON record."""
    info = [(name, float(t)) for name, t in net.profiling_info]     # Quantity in seconds -> float
    info.sort(key=lambda x: x[1], reverse=True)
    total = sum(t for _, t in info) or float("nan")
    index = _object_index(net)
    groups = {}
    w = max([len(n) for n, _ in info] + [20])
    print(f"\n== {label}: {len(info)} profiled code objects, {total:.3f} s profiled"
          + (f", Brian2 run loop {loop_s:.3f} s" if loop_s is not None else "") + " ==")
    if note:
        print(note)
    print(f"{'code object':<{w}}  {'seconds':>9}  {'share %':>7}  group")
    for k, (name, t) in enumerate(info):
        g = group_of(name, index)
        groups[g] = groups.get(g, 0.0) + t
        if not top or k < top:
            print(f"{name:<{w}}  {t:9.4f}  {100 * t / total:7.2f}  {g}")
    if top and len(info) > top:
        rest = sum(t for _, t in info[top:])
        print(f"{f'({len(info) - top} more)':<{w}}  {rest:9.4f}  {100 * rest / total:7.2f}")
    print(f"\n{'group':<34}  {'seconds':>9}  {'share %':>7}")
    order = sorted(groups, key=lambda g: groups[g], reverse=True)
    for g in order:
        print(f"{g:<34}  {groups[g]:9.4f}  {100 * groups[g] / total:7.2f}")
    print(f"{'total':<34}  {total:9.4f}  {100.0:7.2f}")
    rec = dict(network=label, **extra, profiled_s=round(total, 4),
               run_loop_s=None if loop_s is None else round(loop_s, 4),
               groups_pct={g: round(100 * groups[g] / total, 2) for g in order},
               groups_s={g: round(groups[g], 4) for g in order})
    return rec


class _Recorder:
    """A Network subclass factory: every instance runs with profile=True and is remembered."""
    def __init__(self, base):
        rec = self
        self.instances = []

        class ProfiledNetwork(base):
            def __init__(self, *objs, **kw):
                super().__init__(*objs, **kw)
                rec.instances.append(self)

            def run(self, duration, *a, **kw):
                kw["profile"] = True
                return super().run(duration, *a, **kw)

        self.cls = ProfiledNetwork


def _load(path: Path, name: str):
    spec = importlib.util.spec_from_file_location(name, path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


# ---------------------------------------------------------------- networks
def profile_column(a) -> dict:
    import brian2 as b2
    from attnsim.models.microcircuit.network import build_column

    cfg = column_config(a.scale, a.set)
    cfg_d = dataclasses.asdict(cfg)
    key = json.dumps({"config": cfg_d, "t_sim_s": a.t_sim, "threads": a.threads,
                      "brian2": b2.__version__}, sort_keys=True, default=str)
    d = cache_root() / f"profile_column_{hashlib.sha256(key.encode()).hexdigest()[:16]}"
    print(f"column config: {cfg_d}\nproject directory: {d}", flush=True)
    b2.set_device("cpp_standalone", directory=str(d), build_on_run=False)
    b2.prefs.devices.cpp_standalone.openmp_threads = a.threads if a.threads > 1 else 0
    b2.prefs.devices.cpp_standalone.extra_make_args_unix = ["-j2"]
    b2.prefs.logging.console_log_level = "WARNING"
    b2.defaultclock.dt = float(cfg_d.get("dt_ms", 0.1)) * b2.ms
    b2.seed(a.seed)
    col = build_column(cfg)
    net = b2.Network(*col.objects)
    net.run(a.t_sim * b2.second, profile=True)
    t0 = time.perf_counter()
    b2.device.build(directory=str(d), compile=True, run=False, with_output=False)
    t_build = time.perf_counter() - t0
    for f in (d / "results").glob("attnsim_csr_*"):     # a kernel of an earlier build reported there
        f.unlink()
    t0 = time.perf_counter()
    b2.device.run(directory=str(d), with_output=False)
    t_run = time.perf_counter() - t0
    loop = float(getattr(b2.device, "_last_run_time", float("nan")))
    n_syn = int(sum(len(o) for o in col.objects if type(o).__name__ == "Synapses"))
    csr_build_s = 0.0
    for f in (d / "results").glob("attnsim_csr_*.txt"):      # csr layout: the kernel's own report
        lines = f.read_text().split()
        csr_build_s += float(lines[0])
        n_syn += sum(int(x) for x in lines[1:])
    n_spk = int(col.spikes.num_spikes)
    n = max(s.stop for s in col.slices.values())
    extra = dict(config=cfg_d, t_sim_s=a.t_sim, threads=a.threads, build_s=round(t_build, 2),
                 binary_wall_s=round(t_run, 3), n_neurons=int(n), n_synapses=n_syn,
                 csr_rows_build_s=round(csr_build_s, 3),
                 mean_rate_hz=round(n_spk / n / a.t_sim, 3))
    return report("column", net, loop, extra, top=a.top)


def profile_plain(a) -> dict:
    mod = _load(ROOT / "bench" / "plain_brian2_microcircuit.py", "plain_brian2_microcircuit")
    rec = _Recorder(mod.Network)
    mod.Network = rec.cls
    argv = sys.argv
    out = io.StringIO()
    sys.argv = [str(ROOT / "bench" / "plain_brian2_microcircuit.py"), "--scale", str(a.scale),
                "--t-sim", str(a.t_sim), "--threads", str(a.threads),
                "--dir", str(cache_root() / "profile_plain")]
    try:
        with contextlib.redirect_stdout(out):
            mod.main()
    finally:
        sys.argv = argv
    lines = [ln for ln in out.getvalue().splitlines() if ln.strip()]
    plain = json.loads(lines[-1]) if lines else {}
    print("plain_brian2_microcircuit.py printed:", json.dumps(plain))
    import brian2 as b2
    loop = float(getattr(b2.device, "_last_run_time", float("nan")))
    return report("plain", rec.instances[-1], loop, dict(scale=a.scale, t_sim_s=a.t_sim, threads=a.threads,
                                                        plain_output=plain), top=a.top)


RUNTIME_NOTE = ("(runtime device: one row per Brian2 object; a synaptic pathway's spike push and "
                "delivery are one row)")


def builtin_trial_inputs(n_trials: int):
    """(inputs (n, 1200, 4), channels) on 1 ms steps: plain_brian2_wang2002.py's built-in trial."""
    channels = ("stim_A", "stim_B", "cue_A", "cue_B")
    x = np.zeros((n_trials, 1200, 4))
    x[:, 300:1000, 2] = 1.0                      # cue A (cue_rate_hz = 40 Hz)
    x[:, 500:1000, 0] = 0.6                      # stimulus A (mu0 100 Hz x 0.6)
    x[:, 500:1000, 1] = 0.4                      # stimulus B
    return x, channels


def profile_competition(a) -> dict:
    import brian2 as b2
    from attnsim.models.spiking_competition import SpikingCompetition
    from attnsim.models.spiking_competition_params import SpikingCompetitionParams

    params = SpikingCompetitionParams(max_batch_trials=a.trials)
    model = SpikingCompetition(params)
    x, channels = builtin_trial_inputs(a.trials)
    model.run(x[:, :10], 1.0, channels, seed=1)     # build, generate and compile (not profiled)
    net = model.built.net
    plain_run = net.run
    net.run = lambda duration, *args, **kw: plain_run(duration, *args, **dict(kw, profile=True))
    t0 = time.perf_counter()
    model.run(x, 1.0, channels, seed=2)
    wall = time.perf_counter() - t0
    loop = float(b2.get_device()._last_run_time)
    extra = dict(trials=a.trials, trial_ms=x.shape[1], N_E=params.N_E, run_wall_s=round(wall, 3),
                 builds=model.build_count)
    return report("competition", net, loop, extra, RUNTIME_NOTE, a.top)


def profile_plain_competition(a) -> dict:
    import brian2 as b2
    mod = _load(ROOT / "bench" / "plain_brian2_wang2002.py", "plain_brian2_wang2002")
    b2.prefs.logging.console_log_level = "WARNING"
    extra_rates = mod.builtin_trial()
    mod.run_trial(extra_rates[:10], 1.0, seed=1)        # warm-up: code generation and compile
    rec = _Recorder(b2.Network)
    original = b2.Network
    b2.Network = rec.cls
    try:
        wall, run_s, loop, rates = mod.run_trial(extra_rates, 1.0, seed=10)
    finally:
        b2.Network = original
    extra = dict(trial_ms=extra_rates.shape[0], N_E=mod.N_E, per_trial_s=round(wall, 3),
                 rates_second_half_hz=[round(r, 2) for r in rates])
    return report("plain_competition", rec.instances[-1], loop, extra, RUNTIME_NOTE, a.top)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--network", choices=("column", "plain", "competition", "plain_competition"), default="column")
    ap.add_argument("--scale", type=float, default=0.1, help="N_scaling = K_scaling (column, plain)")
    ap.add_argument("--t-sim", type=float, default=1.0, help="biological seconds (column, plain)")
    ap.add_argument("--threads", type=int, default=1, help="OpenMP threads (column, plain)")
    ap.add_argument("--seed", type=int, default=1, help="brian2.seed (column)")
    ap.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                    help="ColumnConfig field (repeatable), e.g. --set background=dc")
    ap.add_argument("--top", type=int, default=0, help="print only the N slowest code objects (0: all)")
    ap.add_argument("--trials", type=int, default=1, help="trials side by side (competition)")
    a = ap.parse_args()
    if a.set and a.network != "column":
        ap.error("--set applies to --network column only")
    fn = dict(column=profile_column, plain=profile_plain, competition=profile_competition,
              plain_competition=profile_plain_competition)[a.network]
    rec = fn(a)
    print(json.dumps(rec, default=str))


if __name__ == "__main__":
    main()

"""How the models of a run compute: fixed points per task epoch, DSA and geometry between models.

The data behind the report's "How the models compute" section (attnsim.dynamics.words lays it
out in words and tables, attnsim.plots.dynamics_figures draws it). For one sweep point (one task)
and its seeds (realizations: one run of every model on the same trials), each given as trials,
each model's Activity and a way to get the model object back:

1. **Fixed points** (attnsim.dynamics.fixed_points), for every model with the `dynamical`
   capability, at each task epoch's input of the reference trials (`reference_trials`: the first
   cued condition at its lowest stimulus level, so that the stimulus epoch is the hardest
   decision the task asks), from `n_init` states sampled on the model's own trajectories on at
   most `n_traj` trials. A model without the capability is "n/a: no dynamical capability (...)"
   with the reason. Per epoch and seed: number of fixed points of each type and their unstable
   dimensions, and whether the epoch shows the **decision structure** of Wong & Wang 2006
   (docs/reference.md row 14): two stable points and a saddle with one unstable dimension whose
   two unstable branches reach the two stable points.
2. **Cue memory** (`cue_memory`): the mean state of the trials of each cue at the end of the cue
   epoch, then the noise-free dynamics with every input off (the cue removed: a delay) for
   `hold_ms`. The cue is held **in attractors** when the states of different cues settle at
   different stable points of the no-input dynamics (a working-memory network: Compte et al. 2000,
   Wang 2001), **by persistence** when their separation has not fallen below 1/e of its start
   after `hold_ms` without separate attractors (a slow, line-attractor-like decay), else it is
   forgotten after `persistence_ms` (the time the separation takes to fall to 1/e).
3. **DSA** (attnsim.dynamics.dsa.dsa_matrix) between every pair of models on the same condition x
   time samples (attnsim.dynamics.samples: the stimulus cells of the task, its `epoch`, a common
   time grid of `dt_ms`), with the within-architecture spread over seeds and the time-shuffled
   null (attnsim.dynamics.baselines). Each model's samples are its state population
   (`state_population`): an ANN's hidden units (its outputs are a readout of them), every
   recorded population of a brain model (spiking networks through their population rates).
4. **Geometry** beside it: the angular Procrustes shape distance (attnsim.dynamics.shape) and RSA
   (Spearman correlation of cross-validated RDMs, attnsim.dynamics.rsa) between the condition
   means, averaged over seeds, with their spread over seed pairs.

Costs are bounded by n_init, n_traj, n_shuffle and the time grid; `Computation.timings` holds
the seconds each part took.
"""
from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from typing import Callable, Sequence

import numpy as np

from attnsim.dynamics.fixed_points import TYPES as TYPES_SHOWN  # noqa: F401  (re-exported for words.py)
from attnsim.dynamics.fixed_points import FixedPoints, find_fixed_points, sample_states
from attnsim.errors import AttnsimError, NotApplicable

SPIKING_NOTE = "n/a: no dynamical capability (spiking: takes part in DSA through its population rates)"


def na_note(capabilities, family: str) -> str:
    """Why a model has no fixed points: the n/a text of the report."""
    if "spiking" in capabilities:
        return SPIKING_NOTE
    return (f"n/a: no dynamical capability ({family} declares no state update at fixed inputs; "
            "takes part in DSA through its recorded units)")


@dataclass
class Realization:
    """One run of every model on the same trials (one seed of a sweep point).

    trials: the Trials; activities: model name -> Activity; families: model name -> family;
    capabilities: model name -> its capabilities; kinds: model name -> "brain" / "artificial";
    model: name -> the model object ready to use (fitted / weights loaded), or raises
    NotApplicable saying why not; seed: the run's seed (labels only).
    """

    trials: object
    activities: dict
    families: dict
    capabilities: dict
    model: Callable[[str], object]
    kinds: dict = field(default_factory=dict)
    seed: int | None = None


def model_from_dir(point_dir: str, name: str, search_path: Sequence[str] = ()):
    """The model `name` of a run (or sweep point) directory, rebuilt from its scenario.yaml
    parameters and, for a trainable family, its trained weights (weights/<name>.npz)."""
    import yaml

    from attnsim.models.base import capabilities_of
    from attnsim.models.registry import load_family

    path = os.path.join(point_dir, "scenario.yaml")
    if not os.path.exists(path):
        raise NotApplicable(f"n/a: no scenario.yaml in {point_dir} to rebuild model {name!r} from")
    with open(path, encoding="utf-8") as fh:
        scn = yaml.safe_load(fh)
    spec = next((m for m in scn.get("models", []) if m.get("name") == name), None)
    if spec is None:
        raise NotApplicable(f"n/a: model {name!r} is not in {path}")
    search = tuple(search_path) or tuple(scn.get("plugin_path", ()))
    cls = load_family(spec["family"], search)
    model = cls(cls.Params(**(spec.get("params") or {})))
    if "trainable" in capabilities_of(cls):
        wpath = os.path.join(point_dir, "weights", f"{name}.npz")
        if not os.path.exists(wpath):
            raise NotApplicable(f"n/a: no trained weights of {name!r} in {os.path.dirname(wpath)}")
        with np.load(wpath) as z:
            model.load_state({k: z[k] for k in z.files})
    return model


def realization_from_run(run, point_dir: str | None = None, kinds: dict | None = None) -> Realization:
    """A Realization of a Result (a run in memory or read from results.h5); models are rebuilt
    from `point_dir` (default: the run's own directory), cached per name."""
    where = point_dir or getattr(run, "run_dir", None)
    cache: dict = {}

    def model(name):
        if name not in cache:
            if where is None:
                raise NotApplicable("n/a: the run has no directory to rebuild its models from")
            cache[name] = model_from_dir(where, name, getattr(run, "search_path", ()))
        return cache[name]
    caps = dict(getattr(run, "capabilities", {}) or {})
    fams = dict(getattr(run, "families", {}) or {})
    if kinds is None:
        from attnsim.models.base import kind_of
        from attnsim.models.registry import load_family
        kinds = {}
        for n in run.activities:
            try:
                kinds[n] = kind_of(load_family(fams[n], getattr(run, "search_path", ())))
            except Exception:  # noqa: BLE001  (a label only)
                kinds[n] = "artificial" if "trainable" in caps.get(n, ()) else "brain"
    return Realization(trials=run.trials, activities=run.activities, families=fams, capabilities=caps,
                       model=model, kinds=kinds, seed=(getattr(run, "summary", {}) or {}).get("seed"))


# ------------------------------------------------------------------------------ fixed points
def reference_trials(trials) -> tuple[np.ndarray, str]:
    """(bool mask, description) of the reference trials: the first cued condition (attend_A,
    focused_A, ...; else the first condition) at its lowest stimulus level (contrast, or |coherence|)."""
    n = trials.n_trials
    mask = np.ones(n, dtype=bool)
    said = []
    cond = trials.conditions.get("condition")
    if cond is not None:
        cond = np.asarray(cond).astype(str)
        values = list(dict.fromkeys(cond))
        cued = [v for v in values if v.endswith("_A")] or [v for v in values if "neutral" not in v] or values
        mask &= cond == cued[0]
        said.append(cued[0])
    for key, f in (("contrast", lambda v: v), ("coherence", np.abs)):
        if key in trials.conditions:
            level = f(np.asarray(trials.conditions[key], dtype=float))
            low = np.min(level[mask])
            mask &= np.isclose(level, low)
            said.append(f"{key} {low:g}")
            break
    return mask, ", ".join(said) or "all trials"


def epoch_inputs(trials, mask: np.ndarray) -> dict[str, np.ndarray]:
    """Epoch -> its input u (n_channels,): the most common epoch-mean input of the masked trials."""
    inputs = np.asarray(trials.inputs, dtype=float)[mask]
    out = {}
    for e, sl in trials.epochs.items():
        if sl.stop <= sl.start:
            continue
        u = np.round(inputs[:, sl].mean(axis=1), 9)
        vals, counts = np.unique(u, axis=0, return_counts=True)
        out[e] = vals[np.argmax(counts)]
    return out


def describe_input(u: np.ndarray, channels) -> str:
    on = [f"{c} {v:.3g}" for c, v in zip(channels, u) if abs(v) > 1e-12]
    return ", ".join(on) if on else "no input"


def decision_structure(fp: FixedPoints) -> bool:
    """Two stable points and a fixed saddle with one unstable dimension whose two branches reach
    two different stable points (the Wong & Wang 2006 decision structure, docs/reference.md row 14)."""
    if fp.note or len(fp.select("stable")) < 2:
        return False
    for s in fp.select("saddle"):
        if fp.n_unstable[s] != 1:
            continue
        ends = {c["reaches"] for c in fp.connections if c["saddle"] == s}
        ends = {e for e in ends if e >= 0 and fp.type[e] == "stable" and fp.is_fixed[e]}
        if len(ends) == 2:
            return True
    return False


def _integrate(dyn, x: np.ndarray, u: np.ndarray, duration_ms: float, n_keep: int = 50):
    """Noise-free trajectory from x (B, n) at input u for duration_ms: (times (K,), states (K, B, n))."""
    U = np.repeat(np.asarray(u, float)[None], len(x), axis=0)
    h = float(dyn.dt_ms)
    n = max(1, int(np.ceil(duration_ms / h)))
    every = max(1, n // n_keep)
    ts, xs = [0.0], [x.copy()]
    with np.errstate(all="ignore"):
        for t in range(n):
            x = x + h * dyn.velocity(x, U)
            if (t + 1) % every == 0 or t == n - 1:
                ts.append((t + 1) * h)
                xs.append(x.copy())
    return np.asarray(ts), np.stack(xs)


def cue_groups(trials) -> dict[str, np.ndarray]:
    """Cue label -> trial mask, over the trials whose cue-epoch input differs (e.g. attend_A, attend_B);
    empty when the task has no cue epoch or a single cue."""
    if "cue" not in trials.epochs or "condition" not in trials.conditions:
        return {}
    cond = np.asarray(trials.conditions["condition"]).astype(str)
    sl = trials.epochs["cue"]
    if sl.stop <= sl.start:
        return {}
    u = np.round(np.asarray(trials.inputs, float)[:, sl].mean(axis=1), 9)
    groups: dict[str, np.ndarray] = {}
    seen: list[np.ndarray] = []
    for c in dict.fromkeys(cond):
        uc = np.unique(u[cond == c], axis=0)
        if len(uc) != 1 or not np.any(uc[0] > 0) or any(np.allclose(uc[0], s) for s in seen):
            continue
        seen.append(uc[0])
        groups[c] = cond == c
    return groups if len(groups) >= 2 else {}


def cue_memory(dyn, trials, traj: np.ndarray, trial_idx: np.ndarray, rest: FixedPoints | None, *,
               hold_ms: float = 1000.0) -> dict:
    """Does the model hold the cue with every input off (module docstring, step 2)?

    traj: (n, steps, n_state) the model's trajectories on trials `trial_idx`; rest: the fixed
    points at no input (None: none found). Returns {"verdict": "attractors" / "persistence" /
    "forgets" / "n/a: ...", "persistence_ms", "hold_ms", "ends": {cue: index of the stable point
    reached or -1}, "separation": (K,) relative separation over "times_ms"}.
    """
    groups = cue_groups(trials)
    if not groups:
        return {"verdict": "n/a: the task has no cue epoch with two or more cues", "hold_ms": hold_ms}
    sl = trials.epochs["cue"]
    steps = traj.shape[1]
    end = min(steps - 1, int(round((sl.stop - 1) * trials.dt_ms / dyn.dt_ms)))
    names, starts = [], []
    for c, m in groups.items():
        rows = np.flatnonzero(m[trial_idx])
        if rows.size:
            names.append(c)
            starts.append(traj[rows, end].mean(axis=0))
    if len(names) < 2:
        return {"verdict": "n/a: too few trials of each cue", "hold_ms": hold_ms}
    x0 = np.asarray(starts)
    u0 = np.zeros(np.asarray(trials.inputs).shape[2])
    ts, xs = _integrate(dyn, x0, u0, hold_ms)
    sep = np.array([np.mean([np.linalg.norm(x[i] - x[j]) for i in range(len(x)) for j in range(i + 1, len(x))])
                    for x in xs])
    rel = sep / sep[0] if sep[0] > 0 else np.zeros_like(sep)
    below = np.flatnonzero(rel < np.exp(-1))
    persistence = float(ts[below[0]]) if below.size else float("inf")
    ends = {}
    if rest is not None and len(rest):
        stable = np.flatnonzero(np.isin(rest.type, ("stable", "marginal")) & rest.is_fixed)
        spread = float(np.max(np.linalg.norm(rest.points - rest.points.mean(axis=0), axis=1))) if len(rest) > 1 else 0
        tol = max(0.05 * spread, 1e-6 * (1 + float(np.max(np.abs(rest.points)))))
        for c, x in zip(names, xs[-1]):
            d = np.linalg.norm(rest.points[stable] - x, axis=1) if stable.size else np.zeros(0)
            ends[c] = int(stable[np.argmin(d)]) if d.size and np.min(d) < max(tol, 0.05 * sep[0]) else -1
    distinct = len(ends) == len(names) and all(e >= 0 for e in ends.values()) and len(set(ends.values())) == len(names)
    verdict = "attractors" if distinct and rel[-1] > np.exp(-1) else (
        "persistence" if not below.size else "forgets")
    return {"verdict": verdict, "persistence_ms": persistence, "hold_ms": hold_ms, "ends": ends,
            "separation": rel, "times_ms": ts, "cues": names}


def _refine(dyn, fp: FixedPoints, u: np.ndarray, starts: np.ndarray, seed: int, finder: dict,
            duration_ms: float = 3000.0) -> FixedPoints:
    """When an unstable branch of a saddle reaches no fixed point (an attractor the trajectories never
    visited), follow every such branch for duration_ms and search again with the branch ends added
    to the starts."""
    lost = sorted({c["saddle"] for c in fp.connections if c["reaches"] < 0})
    if not lost:
        return fp
    from attnsim.dynamics.fixed_points import _jacobian
    spread = float(np.sqrt(np.mean(np.sum((starts - starts.mean(axis=0)) ** 2, axis=1)))) or 1.0
    x0 = []
    for s_i in lost:
        J = _jacobian(dyn, fp.points[s_i][None], np.asarray(u, float)[None])[0]
        mu, vecs = np.linalg.eig(J)
        for m in np.argsort(-mu.real)[: max(1, int(fp.n_unstable[s_i]))]:
            v = np.real(vecs[:, m])
            v = v / (np.linalg.norm(v) or 1.0)
            x0 += [fp.points[s_i] + 0.05 * spread * v, fp.points[s_i] - 0.05 * spread * v]
    _, xs = _integrate(dyn, np.asarray(x0), u, duration_ms, n_keep=2)
    ends = xs[-1][np.all(np.isfinite(xs[-1]), axis=1)]
    if not len(ends):
        return fp
    return find_fixed_points(dyn, u, np.concatenate([starts, ends]), noise=0.02, seed=seed, label=fp.label,
                             **finder)


@dataclass
class ModelFixedPoints:
    """One model's fixed points in one realization: epoch -> FixedPoints (or an n/a result), the
    epoch inputs described, decision structure per epoch, cue memory, and the trajectories'
    condition means in state space (for the figure: (C, T, n_state) with their cell labels)."""

    name: str
    note: str = ""
    epochs: dict = field(default_factory=dict)
    inputs: dict = field(default_factory=dict)
    decision: dict = field(default_factory=dict)
    memory: dict = field(default_factory=dict)
    traj_means: np.ndarray | None = None
    traj_labels: list = field(default_factory=list)
    seconds: float = 0.0


def model_fixed_points(model, trials, *, name: str = "", n_init: int = 16, n_traj: int = 24, seed: int = 0,
                       hold_ms: float = 1000.0, **finder) -> ModelFixedPoints:
    """Fixed points of one model at every epoch input of the reference trials, with the decision
    structure of each epoch and the cue memory (module docstring, steps 1 and 2).

    finder: passed to `find_fixed_points`; its branch start `eps` defaults here to 0.05 of the
    initial states' spread (a branch started closer to a slow saddle moves slower than the
    finder's settled speed and is read as ending where it started)."""
    t0 = time.perf_counter()
    finder = {"eps": 0.05, **finder}
    mask, ref = reference_trials(trials)
    u_of = epoch_inputs(trials, mask)
    channels = tuple(trials.channels)
    rng = np.random.default_rng(seed)
    n = trials.n_trials
    idx = np.sort(rng.choice(n, size=min(n, n_traj), replace=False))
    # keep the reference trials and every cue among the trajectories
    idx = np.unique(np.concatenate([idx, np.flatnonzero(mask)[:4]]
                                   + [np.flatnonzero(m)[:4] for m in cue_groups(trials).values()]))
    dyn = model.dynamics(channels, float(trials.dt_ms))
    inputs = np.asarray(trials.inputs, dtype=float)[idx]
    traj = np.asarray(dyn.trajectories(inputs, seed), dtype=float)
    # a low-dimensional state (a rate model's gatings) is cheap to solve: more starts, so that an
    # attractor the reference trials rarely visit is still reached
    starts = sample_states(traj, n_init if traj.shape[-1] > 8 else max(n_init, 64), seed=seed)
    out = ModelFixedPoints(name=name)
    for e, u in u_of.items():
        fp = find_fixed_points(dyn, u, starts, noise=0.02, seed=seed, label=e, **finder)
        fp = _refine(dyn, fp, u, starts, seed, finder)
        out.epochs[e] = fp
        out.inputs[e] = describe_input(u, channels) + (f" ({ref})" if np.any(u > 0) else "")
        out.decision[e] = decision_structure(fp)
    rest = None
    zero = [e for e, u in u_of.items() if not np.any(np.abs(u) > 1e-12)]
    if zero:
        rest = out.epochs[zero[0]]
    else:
        rest = find_fixed_points(dyn, np.zeros(len(channels)), starts, noise=0.02, seed=seed, label="no input",
                                 **finder)
    out.memory = cue_memory(dyn, trials, traj, idx, rest, hold_ms=hold_ms)
    from attnsim.analysis.trajectories import basic_labels
    labels = {k: np.flatnonzero(np.isin(idx, v)) for k, v in basic_labels(trials).items()}
    labels = {k: v for k, v in labels.items() if v.size}
    out.traj_labels = list(labels)
    out.traj_means = np.stack([traj[v].mean(axis=0) for v in labels.values()]) if labels else None
    out.seconds = time.perf_counter() - t0
    return out


# ------------------------------------------------------------------------------ between models
def state_population(activity, kind: str) -> str:
    """The population a model's dynamics are compared on: an ANN's hidden units, else every unit."""
    from attnsim.models.activity import HIDDEN
    return HIDDEN if kind == "artificial" and activity.groups_with_role(HIDDEN) else "all"


def _state_activity(activity, kind: str):
    """The Activity restricted to its state population's groups, without units counted twice (an E/I
    RNN's "exc" and "inh" groups are parts of its "hidden" group)."""
    import dataclasses

    from attnsim.models.activity import HIDDEN
    groups = activity.groups_with_role(HIDDEN) if kind == "artificial" else []
    n = activity.rates.shape[2]
    sets = {g: set(np.arange(n)[activity.groups[g]]) for g in groups}
    covering = [g for g in groups if all(sets[h] <= sets[g] for h in groups)]
    if len(groups) < 2 or not covering:
        return activity
    keep = {g: activity.groups[g] for g in activity.groups if g not in groups or g == covering[0]}
    roles = {g: r for g, r in (getattr(activity, "roles", {}) or {}).items() if g in keep}
    try:
        return dataclasses.replace(activity, groups=keep, roles=roles)
    except (TypeError, ValueError):
        return activity


@dataclass
class Computation:
    """Everything the "How the models compute" section shows for one sweep point (module docstring).

    models: names in order; families, capabilities, kinds: per model; fixed: model -> [ModelFixedPoints
    per seed] (empty list + `notes[model]` for a model without fixed points); samples: model ->
    description of its samples; dsa: attnsim.dynamics.dsa.DSAMatrix (None when not computed, and
    `notes["dsa"]` says why); procrustes / rsa: {"mean" (M, M), "sd" (M, M), "n" (M, M)} over seed
    pairs; n_seeds; epoch of the samples; timings: seconds per part.
    """

    models: list
    families: dict
    capabilities: dict
    kinds: dict
    fixed: dict
    notes: dict
    samples: dict
    dsa: object
    procrustes: dict
    rsa: dict
    n_seeds: int
    epoch: str
    reference: str = ""
    timings: dict = field(default_factory=dict)


def _pairwise(per_seed: dict, names: list, fn) -> dict:
    """{"mean","sd","n"} (M, M) of fn(a's seed data, b's seed data) over all seed pairs (within:
    distinct seeds of one model)."""
    m = len(names)
    mean, sd, cnt = np.full((m, m), np.nan), np.full((m, m), np.nan), np.zeros((m, m), int)
    for i, a in enumerate(names):
        for j, b in enumerate(names):
            if j < i:
                continue
            xs, ys = per_seed.get(a, []), per_seed.get(b, [])
            vals = [fn(x, y) for p, x in enumerate(xs) for q, y in enumerate(ys) if (i != j or p < q)]
            vals = [v for v in vals if np.isfinite(v)]
            if vals:
                mean[i, j] = mean[j, i] = float(np.mean(vals))
                sd[i, j] = sd[j, i] = float(np.std(vals, ddof=1)) if len(vals) > 1 else np.nan
                cnt[i, j] = cnt[j, i] = len(vals)
    return {"mean": mean, "sd": sd, "n": cnt}


def common_cells(per_model: dict[str, list[tuple[list[str], np.ndarray]]]) -> tuple[dict[str, list[np.ndarray]], list[str]]:
    """({model: [(C, T, N) means over the cells every realization has, in one order]}, [cells left out]).

    per_model: {model: [(cell names, (C_i, T, N) means)] one per seed}. DSA and Procrustes compare
    condition means cell by cell, between models and between seeds of one model, so every array must
    hold the same cells in the same order; a cell absent at one seed (no trial of it) is left out
    everywhere rather than comparing different conditions."""
    sets = [set(names) for runs in per_model.values() for names, _ in runs]
    if not sets:
        return {m: [] for m in per_model}, []
    common = sorted(set.intersection(*sets))
    dropped = sorted(set.union(*sets) - set(common))
    out = {}
    for m, runs in per_model.items():
        out[m] = [means[[names.index(c) for c in common]] for names, means in runs] if common else []
    return out, dropped


class Builder:
    """The section's data built one realization at a time (`add`), each dropped once read: fixed
    points and samples are computed as it comes, DSA and geometry at the end (`result`).
    Options: those of `compute`."""

    def __init__(self, *, epoch: str = "stimulus", dt_ms: float = 20.0, n_init: int = 16, n_traj: int = 24,
                 hold_ms: float = 1000.0, n_delays: int = 5, rank: int = 6, n_shuffle: int = 10,
                 n_restarts: int = 2, seed: int = 0, fixed_points: bool = True):
        self.epoch, self.dt_ms, self.n_init, self.n_traj, self.hold_ms = epoch, dt_ms, n_init, n_traj, hold_ms
        self.n_delays, self.rank, self.n_shuffle, self.n_restarts = n_delays, rank, n_shuffle, n_restarts
        self.seed, self.do_fixed = seed, fixed_points
        self.names: list = []
        self.timings = {"fixed_points": 0.0, "samples": 0.0, "dsa": 0.0, "geometry": 0.0}
        self.fixed: dict = {}
        self.notes: dict = {}
        self.means: dict = {}
        self.rdms: dict = {}
        self.described: dict = {}
        self.first: Realization | None = None
        self.reference = ""
        self.n = 0

    def add(self, real: Realization) -> None:
        from attnsim.dynamics.rsa import samples_rdm
        from attnsim.dynamics.samples import condition_samples

        if self.first is None:
            self.first = Realization(trials=None, activities={}, families=dict(real.families),
                                     capabilities=dict(real.capabilities), model=real.model, kinds=dict(real.kinds))
            self.reference = reference_trials(real.trials)[1]
        for n in real.activities:
            if n not in self.names:
                self.names.append(n)
                self.fixed[n], self.means[n], self.rdms[n] = [], [], []
            caps = real.capabilities.get(n, frozenset())
            if self.do_fixed and n not in self.notes:
                if "dynamical" not in caps:
                    self.notes[n] = na_note(caps, real.families.get(n, n))
                else:
                    t0 = time.perf_counter()
                    try:
                        self.fixed[n].append(model_fixed_points(real.model(n), real.trials, name=n, n_init=self.n_init,
                                                                n_traj=self.n_traj, seed=self.seed + self.n,
                                                                hold_ms=self.hold_ms))
                    except NotApplicable as e:
                        self.notes[n] = str(e)
                    except (AttnsimError, ValueError, OSError) as e:   # a model that cannot be rebuilt or solved
                        self.notes[n] = f"n/a: {type(e).__name__}: {e}"
                    self.timings["fixed_points"] += time.perf_counter() - t0
            t0 = time.perf_counter()
            act = _state_activity(real.activities[n], real.kinds.get(n, ""))
            try:
                s = condition_samples(real.trials, act, epoch=self.epoch,
                                      population=state_population(act, real.kinds.get(n, "")), dt_ms=self.dt_ms)
            except NotApplicable as e:
                self.described[n] = str(e)
                continue
            # cells in one order for every seed (a seed's trial order sets the order of first appearance)
            order = sorted(range(len(s.conditions)), key=lambda i: s.conditions[i])
            self.described[n] = s.describe()
            self.means[n].append(([s.conditions[i] for i in order], s.means[order]))
            self.timings["samples"] += time.perf_counter() - t0
            t0 = time.perf_counter()
            try:
                self.rdms[n].append(samples_rdm(s, every=max(1, s.time_ms.size // 5), noise="identity")["rdm"])
            except Exception:  # noqa: BLE001  (too few trials per cell for a cross-validated RDM)
                pass
            self.timings["geometry"] += time.perf_counter() - t0
        self.n += 1

    def result(self) -> Computation:
        from attnsim.dynamics.dsa import dsa_matrix
        from attnsim.dynamics.rsa import compare_rdms
        from attnsim.dynamics.shape import procrustes_distance

        if self.first is None:
            raise AttnsimError("dynamics: no realization to compute from")
        names, notes, timings = self.names, dict(self.notes), dict(self.timings)
        means, dropped = common_cells(self.means)
        if dropped:
            notes["cells"] = (f"{len(dropped)} condition cell(s) missing at some seed or model, left out of DSA and "
                              f"Procrustes for all: {', '.join(dropped)}")
        ok = [n for n in names if means[n]]
        dsa = None
        t0 = time.perf_counter()
        if len(ok) >= 2:
            try:
                dsa = dsa_matrix({n: means[n] for n in ok}, n_shuffle=self.n_shuffle, seed=self.seed,
                                 n_delays=self.n_delays, rank=self.rank, n_restarts=self.n_restarts)
            except ValueError as e:
                notes["dsa"] = f"n/a: {e}"
        else:
            notes["dsa"] = "n/a: fewer than two models with samples"
        timings["dsa"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        flat = {n: [x.reshape(-1, x.shape[-1]) for x in means[n]] for n in ok}
        proc = _pairwise(flat, ok, lambda x, y: procrustes_distance(x, y))
        rsa = _pairwise({n: self.rdms[n] for n in ok}, ok, lambda x, y: compare_rdms(x, y))
        timings["geometry"] += time.perf_counter() - t0
        f = self.first
        return Computation(models=list(names), families=f.families, capabilities=f.capabilities, kinds=f.kinds,
                           fixed=self.fixed, notes=notes, samples=dict(self.described), dsa=dsa,
                           procrustes={**proc, "names": ok}, rsa={**rsa, "names": ok}, n_seeds=self.n,
                           epoch=self.epoch, reference=self.reference, timings=timings)


def compute(realizations: Sequence[Realization], **options) -> Computation:
    """The data of the section for one sweep point from its realizations (one per seed).

    options (`Builder`): epoch of the samples ("stimulus"), dt_ms of their time grid (20), n_init
    starts of the fixed-point finder (16; 64 for a state of <= 8 dimensions), n_traj trials whose
    trajectories give them (24), hold_ms of the cue-memory probe (1000), n_delays (5) and rank (6)
    of DSA, n_shuffle of its null (10), n_restarts of its Procrustes optimisation (2), seed,
    fixed_points (False: DSA and geometry only).
    """
    if not realizations:
        raise AttnsimError("dynamics: no realization to compute from")
    b = Builder(**options)
    for real in realizations:
        b.add(real)
    return b.result()

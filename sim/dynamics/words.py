"""The report's "How the models compute" section: tables and sentences from attnsim.dynamics.computation.

Every sentence is derived from the numbers, each with its baseline:

- **decision structure** (docs/reference.md row 14; Wong & Wang 2006): a model has it at the
  decision epoch (the task's "stimulus" epoch) in a seed when its fixed points there include two
  stable points and a saddle with one unstable dimension whose two unstable branches reach them
  (`computation.decision_structure`). The reference is each brain model with fixed points (the
  rate model); an ANN "shares the rate model's decision structure" when the reference has it in
  the majority of its seeds and the ANN too, and the count of seeds is given ("3 of 5 seeds").
- **cue memory**: "holds the cue as a working-memory network does" when, with every input off
  after the cue, the states of different cues settle at different stable points in the majority of
  seeds; "holds the cue by persistence" when their separation stays above 1/e for the whole
  hold time without separate attractors; else "forgets the cue" within the median time given.
- **where a model sits in DSA**: its nearest model by DSA distance, said to be "within the seed
  spread" of that model when the distance is no larger than the larger of the two models' mean
  between-seed distances (Mehrer et al. 2020), and "beyond the shuffle null" when it is below the
  5th percentile of the time-shuffled null (attnsim.dynamics.baselines), "not beyond" otherwise.
"""
from __future__ import annotations

import json
import os
import time

import numpy as np

from attnsim.dynamics.computation import TYPES_SHOWN, Computation
from attnsim.errors import AttnsimError

DECISION_EPOCH = "stimulus"


def _fmt(v) -> str:
    if v is None or not np.isfinite(v):
        return "–"
    return f"{v:.3g}"


def _decision_epoch(comp: Computation, name: str) -> str | None:
    runs = comp.fixed.get(name) or []
    if not runs:
        return None
    epochs = list(runs[0].epochs)
    return DECISION_EPOCH if DECISION_EPOCH in epochs else (epochs[-2] if len(epochs) > 1 else epochs[0])


def decision_counts(comp: Computation, name: str) -> tuple[int, int]:
    """(seeds with the decision structure at the decision epoch, seeds with fixed points)."""
    e = _decision_epoch(comp, name)
    runs = comp.fixed.get(name) or []
    return sum(bool(r.decision.get(e)) for r in runs), len(runs)


def memory_verdicts(comp: Computation, name: str) -> list[str]:
    return [r.memory.get("verdict", "n/a") for r in comp.fixed.get(name) or []]


def _majority(k: int, n: int) -> bool:
    return n > 0 and 2 * k > n


def references(comp: Computation) -> list[str]:
    """The brain models with fixed points: the rate models the ANNs are compared with."""
    return [n for n in comp.models if comp.kinds.get(n) == "brain" and comp.fixed.get(n)]


def decision_sentences(comp: Computation) -> list[str]:
    out = []
    refs = references(comp)
    ref_has = [r for r in refs if _majority(*decision_counts(comp, r))]
    for r in refs:
        k, n = decision_counts(comp, r)
        out.append(f"{r} {'has' if _majority(k, n) else 'does not have'} the decision structure at the "
                   f"{_decision_epoch(comp, r)} epoch (two stable points and a saddle with one unstable "
                   f"dimension whose branches reach them) in {k} of {n} seeds.")
    anns = [n for n in comp.models if comp.kinds.get(n) == "artificial" and comp.fixed.get(n)]
    for a in anns:
        k, n = decision_counts(comp, a)
        if not ref_has:
            out.append(f"{a} has the decision structure in {k} of {n} seeds; no rate model has it here, so "
                       "no ANN is said to share it.")
        elif _majority(k, n):
            out.append(f"{a} shares the decision structure of {', '.join(ref_has)} ({k} of {n} seeds).")
        else:
            fp = comp.fixed[a][0].epochs.get(_decision_epoch(comp, a))
            c = fp.counts() if fp is not None else {}
            what = ", ".join(f"{c[t]} {t}" for t in TYPES_SHOWN if c.get(t)) or "no fixed point"
            out.append(f"{a} does not share the decision structure of {', '.join(ref_has)} ({k} of {n} seeds; "
                       f"first seed at the {_decision_epoch(comp, a)} epoch: {what}).")
    return out


def memory_sentences(comp: Computation) -> list[str]:
    out = []
    for name in comp.models:
        runs = comp.fixed.get(name) or []
        v = memory_verdicts(comp, name)
        if not v or all(x.startswith("n/a") for x in v):
            continue
        n = len(v)
        hold = runs[0].memory.get("hold_ms", float("nan"))
        k_att, k_per = v.count("attractors"), v.count("persistence")
        if _majority(k_att, n):
            out.append(f"{name} holds the cue as a working-memory network does: with every input off after the "
                       f"cue, the states of different cues settle at different stable points ({k_att} of {n} seeds).")
        elif _majority(k_att + k_per, n):
            out.append(f"{name} holds the cue by persistence: the separation of the cues' states stays above 1/e "
                       f"for {hold:g} ms with every input off, without separate attractors "
                       f"({k_per} of {n} seeds; attractors in {k_att}).")
        else:
            times = [r.memory.get("persistence_ms") for r in runs if np.isfinite(r.memory.get("persistence_ms", np.inf))]
            med = f"{np.median(times):.0f} ms" if times else "–"
            rng = f" (range {min(times):.0f}-{max(times):.0f} ms)" if len(times) > 1 else ""
            out.append(f"{name} forgets the cue: with every input off the cues' states converge, their separation "
                       f"falls to 1/e in {med}{rng} ({n - k_att - k_per} of {n} seeds; attractors in {k_att}, "
                       f"persistence in {k_per}).")
    return out


def nearest(comp: Computation, name: str) -> dict | None:
    """The nearest other model of `name` by DSA, with its baselines (module docstring)."""
    dsa = comp.dsa
    if dsa is None or name not in dsa.names or len(dsa.names) < 2:
        return None
    i = dsa.names.index(name)
    d = np.array(dsa.distance[i], float)
    d[i] = np.inf
    j = int(np.argmin(d))
    other = dsa.names[j]
    key = (name, other) if (name, other) in dsa.spread else (other, name)
    sp, nl = dsa.spread.get(key, {}), dsa.null.get(key, {})
    w = [v for v in (sp.get("within_a_mean", np.nan), sp.get("within_b_mean", np.nan)) if np.isfinite(v)]
    within = max(w) if w else float("nan")
    return {"model": other, "distance": float(d[j]), "within": float(within), "null_q05": nl.get("null_q05", np.nan),
            "null_mean": nl.get("null_mean", np.nan)}


def _placed(name: str, near: dict) -> str:
    spread = ("within the seed spread" if near["distance"] <= near["within"] else
              "beyond the seed spread") if np.isfinite(near["within"]) else "seed spread unknown (one seed)"
    null = ("beyond the shuffle null" if near["distance"] < near["null_q05"] else "not beyond the shuffle null") \
        if np.isfinite(near["null_q05"]) else "no shuffle null"
    return (f"{name} sits nearest to {near['model']} in DSA ({_fmt(near['distance'])} rad; {spread}, mean between "
            f"seeds {_fmt(near['within'])}; {null}, 5th percentile {_fmt(near['null_q05'])})")


def dsa_sentences(comp: Computation) -> list[str]:
    out = []
    spiking = [n for n in comp.models if "spiking" in comp.capabilities.get(n, ())]
    for s in spiking:
        near = nearest(comp, s)
        if near:
            out.append(_placed(s, near) + ".")
    for a in comp.models:
        if a in spiking or comp.kinds.get(a) != "artificial":
            continue
        near = nearest(comp, a)
        if near:
            out.append(_placed(a, near) + ".")
    return out


def findings(comp: Computation) -> list[str]:
    """Every sentence of the section (module docstring), in the order the section shows them."""
    return decision_sentences(comp) + memory_sentences(comp) + dsa_sentences(comp)


# ------------------------------------------------------------------------------ tables
def fixed_point_table(comp: Computation) -> str:
    """One row per model and epoch: the first seed's input, fixed points (number, type, unstable
    dimensions), the count over seeds, the decision structure over seeds; n/a rows say why."""
    lines = ["| model | epoch (input) | fixed points, first seed (unstable dims of saddles) | fixed points over seeds "
             "(min-max) | decision structure (seeds) | cue memory (seeds) |", "|---|---|---|---|---|---|"]
    for name in comp.models:
        runs = comp.fixed.get(name) or []
        if not runs:
            note = comp.notes.get(name, "n/a: not computed")
            lines.append(f"| {name} | – | {note} | – | – | – |")
            continue
        v = memory_verdicts(comp, name)
        mem = ", ".join(f"{x} {v.count(x)}" for x in dict.fromkeys(v))
        for e, fp in runs[0].epochs.items():
            c = fp.counts()
            first = ", ".join(f"{c[t]} {t}" for t in TYPES_SHOWN if c[t]) or "none"
            dims = sorted({int(x) for x in fp.n_unstable[fp.select("saddle")]})
            if dims:
                first += f" ({', '.join(map(str, dims))})"
            if c["slow"]:
                first += f"; {c['slow']} slow"
            totals = [sum(r.epochs[e].counts()[t] for t in TYPES_SHOWN) for r in runs if e in r.epochs]
            stables = [r.epochs[e].counts()["stable"] for r in runs if e in r.epochs]
            over = f"{min(totals)}-{max(totals)} (stable {min(stables)}-{max(stables)}), {len(totals)} seeds"
            dec = f"{sum(bool(r.decision.get(e)) for r in runs)} of {len(runs)}"
            lines.append(f"| {name} | {e} ({runs[0].inputs.get(e, '')}) | {first} | {over} | {dec} | {mem} |")
    return "\n".join(lines)


def dsa_table(comp: Computation) -> str | None:
    """The DSA matrix: each cell 'mean between seeds ± sd (null 5th pct)'; diagonal: within spread."""
    dsa = comp.dsa
    if dsa is None:
        return None
    names = dsa.names
    rows = {(r["a"], r["b"]): r for r in dsa.rows()}

    def cell(i, j):
        if i == j:
            return f"*{_fmt(dsa.distance[i, i])}*"
        r = rows.get((names[i], names[j])) or rows.get((names[j], names[i]))
        sd = f" ± {_fmt(r['between_sd'])}" if np.isfinite(r["between_sd"]) else ""
        return f"{_fmt(r['between_mean'])}{sd} ({_fmt(r['null_q05'])})"
    head = "| DSA (rad) | " + " | ".join(names) + " |\n|---|" + "---|" * len(names)
    body = [f"| {names[i]} | " + " | ".join(cell(i, j) for j in range(len(names))) + " |" for i in range(len(names))]
    return head + "\n" + "\n".join(body)


def geometry_table(comp: Computation, which: str) -> str | None:
    g = comp.procrustes if which == "procrustes" else comp.rsa
    names = g.get("names", [])
    if len(names) < 2:
        return None
    title = "Procrustes (angular, rad)" if which == "procrustes" else "RSA (Spearman of cross-validated RDMs)"

    def cell(i, j):
        m, s = g["mean"][i, j], g["sd"][i, j]
        return _fmt(m) + (f" ± {_fmt(s)}" if np.isfinite(s) else "")
    head = f"| {title} | " + " | ".join(names) + " |\n|---|" + "---|" * len(names)
    body = [f"| {names[i]} | " + " | ".join(cell(i, j) for j in range(len(names))) + " |" for i in range(len(names))]
    return head + "\n" + "\n".join(body)


def section(comp: Computation, title: str = "", figures: list[str] = ()) -> list[str]:
    """Markdown lines of one sweep point's "How the models compute" subsection."""
    lines = [f"### {title}", ""] if title else []
    o = comp.dsa.options if comp.dsa is not None else {}
    lines += [
        f"Fixed points (attnsim.dynamics, Sussillo & Barak 2013) of each model with the `dynamical` capability at "
        f"each epoch's input of the reference trials ({comp.reference}), from states on its own trajectories; "
        f"the decision structure is that of Wong & Wang 2006 (docs/reference.md row 14). Cue memory: the cues' "
        f"states at the end of the cue epoch followed with every input off. Over {comp.n_seeds} seed(s).", "",
        fixed_point_table(comp), ""]
    words = findings(comp)
    if words:
        lines += ["**What the numbers show.**", ""] + [f"- {w}" for w in words] + [""]
    samples = "; ".join(f"{n}: {d}" for n, d in comp.samples.items())
    lines += [f"Samples (attnsim.dynamics.samples, one set for DSA, Procrustes and RSA): {samples}.", ""]
    if "cells" in comp.notes:
        lines += [f"Cells: {comp.notes['cells']}.", ""]
    t = dsa_table(comp)
    if t:
        lines += [f"DSA (Ostrow et al. 2023; delay embedding {o.get('n_delays')} delays, rank {o.get('rank')}, "
                  f"angular Procrustes over orthogonal maps) between the condition means of every pair of models. "
                  f"Cell: mean over seed pairs ± sd, in brackets the 5th percentile of the time-shuffled null "
                  f"({o.get('n_shuffle')} shuffles of the column model's time order); diagonal (italic): the mean "
                  f"distance between seeds of one model, the within-architecture spread.", "", t, ""]
    elif "dsa" in comp.notes:
        lines += [f"DSA: {comp.notes['dsa']}", ""]
    for which in ("procrustes", "rsa"):
        t = geometry_table(comp, which)
        if t:
            lines += [t, ""]
    for f in figures:
        lines += [f"![{os.path.basename(f)[:-4]}]({f})", ""]
    tm = comp.timings
    lines += ["Wall time of this section: " + ", ".join(f"{k} {v:.1f} s" for k, v in tm.items()) + ".", ""]
    return lines


def as_json(comp: Computation) -> dict:
    """The section's numbers as plain data (dynamics.json beside its figures)."""
    def num(v):
        return None if v is None or not np.isfinite(v) else float(v)
    out = {"n_seeds": comp.n_seeds, "epoch": comp.epoch, "reference": comp.reference, "notes": comp.notes,
           "samples": comp.samples, "timings_s": comp.timings, "models": {}}
    for name in comp.models:
        runs = comp.fixed.get(name) or []
        out["models"][name] = {
            "fixed_points": [{e: {**fp.counts(), "n_unstable": fp.n_unstable.tolist(), "type": fp.type.tolist(),
                                  "decision_structure": bool(r.decision.get(e)), "input": r.inputs.get(e)}
                              for e, fp in r.epochs.items()} for r in runs],
            "cue_memory": [{"verdict": r.memory.get("verdict"), "persistence_ms": num(r.memory.get("persistence_ms"))}
                           for r in runs]}
    if comp.dsa is not None:
        out["dsa"] = {"names": comp.dsa.names, "distance": [[num(v) for v in row] for row in comp.dsa.distance],
                      "pairs": [{k: (num(v) if not isinstance(v, str) else v) for k, v in r.items()}
                                for r in comp.dsa.rows()], "options": comp.dsa.options}
    return out


class ReportSection:
    """The "How the models compute" section built alongside the report's own pass over the run:
    `add(point, run)` for each run or sweep point the report holds (each read once; fixed points
    and samples are computed then and the run dropped), `lines()` at the end (DSA, geometry,
    figures in each task's first point's dynamics/ folder, dynamics.json). options: those of
    `computation.compute`."""

    def __init__(self, summary: dict, **options):
        self.kinds = {n: m.get("kind", "") for n, m in summary.get("models", {}).items()}
        self.task = summary.get("task", "")
        self.options = options
        self.builders: dict = {}
        self.first: dict = {}
        self.seconds = 0.0

    def add(self, point: dict, run) -> None:
        from attnsim.dynamics.computation import Builder, realization_from_run
        t0 = time.perf_counter()
        key = point.get("grid", "")
        if key not in self.builders:
            self.builders[key] = Builder(**self.options)
            self.first[key] = point
        real = realization_from_run(run, point["dir"], kinds={n: self.kinds.get(n) or "" for n in run.activities})
        try:
            self.builders[key].add(real)
        except (AttnsimError, ValueError) as e:
            self.first[key] = {**point, "error": f"n/a: {type(e).__name__}: {e}"}
        self.seconds += time.perf_counter() - t0

    def lines(self) -> list[str]:
        from attnsim.plots.dynamics_figures import save_dynamics_figures
        if not self.builders:
            return []
        t0 = time.perf_counter()
        out = ["## How the models compute", ""]
        for key, b in self.builders.items():
            p = self.first[key]
            title = f"{p.get('task', {}).get('kind', self.task)} task" if len(self.builders) > 1 else ""
            if "error" in p:
                out += ([f"### {title}", ""] if title else []) + [p["error"], ""]
                continue
            try:
                comp = b.result()
            except (AttnsimError, ValueError) as e:
                out += ([f"### {title}", ""] if title else []) + [f"n/a: {type(e).__name__}: {e}", ""]
                continue
            # a folder of their own: the report lists every figure of figures/ in the run's own section
            folder = os.path.join(p["dir"], "dynamics")
            files = save_dynamics_figures(comp, folder)
            rel = [os.path.join(p.get("rel", "."), "dynamics", os.path.basename(f)) for f in files
                   if f.endswith(".png")]
            out += section(comp, title, rel)
            with open(os.path.join(folder, "dynamics.json"), "w") as fh:
                json.dump(as_json(comp), fh, indent=1)
        self.seconds += time.perf_counter() - t0
        out += [f"Added wall time of this section: {self.seconds:.1f} s.", ""]
        return out


def report_section(run_dir: str, resolved: dict, summary: dict, runs: dict | None = None, **options) -> list[str]:
    """The section for a run directory on its own (each point read once more: from `runs` when in
    memory, else results.h5); the report itself uses `ReportSection` in its own pass."""
    from attnsim.report import _points, _run_of

    sec = ReportSection(summary, **options)
    for p in _points(run_dir, resolved, summary):
        run = _run_of(p["dir"], runs)
        if run is not None:
            sec.add(p, run)
        del run
    return sec.lines()

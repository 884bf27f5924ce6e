"""The run directory: one owner for every file of a plain run, a sweep point and a sweep.

A run is written as `<out>.partial/` and renamed to `<out>/` only when everything is complete
(`publish`), so a directory without the suffix is always whole. Inside (README "Run directory"):

    scenario.yaml          the resolved scenario; written first, it is what --resume reads
    inputs.npy             the trials' inputs, read by the workers        (scratch: removed at the end)
    chunks/<model>/<k>.npz finished chunks of trials (sim/chunks.py)    (scratch: removed at the end)
    weights/<model>.npz    trained weights; <model>.curves.json their training curves
    results.h5             trials and activity (sim/store.py)
    summary.json           metrics and expectations (sim/summary.py; a sweep: sim/sweep.py)
    figures/               png and svg
    provenance.json        written last: its presence marks the content complete
    report.md ...          when the scenario asks for a report (sim/report.py)
    points/<index>/        a sweep: each point a complete run directory of its own

Workers write chunk and weight files at the paths this module gives them; every other file is
written here. JSON is written to a temporary name and renamed, so a file is whole or absent.
"""
from __future__ import annotations

import json
import os
import shutil
import time

import numpy as np
import yaml

from attnsim.errors import RunError

SCRATCH = ("chunks", "inputs.npy")


def write_json(path: str, data) -> None:
    """`data` as indented JSON at `path`, whole or not at all (no NaN: summary keys are stable)."""
    tmp = path + ".tmp"
    with open(tmp, "w") as fh:
        json.dump(data, fh, indent=2, sort_keys=False, allow_nan=False)
        fh.write("\n")
    os.replace(tmp, path)


def prepare(out: str | None, name: str, resume: str | None) -> tuple[str, str]:
    """(partial directory, final directory) of a new run (`out`, default runs/<name>-<time>) or of
    an interrupted one (`resume`). Checks the names only: nothing is created."""
    if resume:
        partial = resume.rstrip("/")
        if not partial.endswith(".partial") or not os.path.isdir(partial):
            raise RunError(f"--resume {resume}: expected an unfinished run directory ending in '.partial'")
        return partial, partial[: -len(".partial")]
    final = out or os.path.join("runs", f"{name}-{time.strftime('%Y%m%d-%H%M%S')}")
    final = final.rstrip("/")
    if os.path.exists(final) and (not os.path.isdir(final) or os.listdir(final)):
        raise RunError(f"--out {final}: already exists and is not empty; choose another directory")
    partial = final + ".partial"
    if os.path.exists(partial):
        raise RunError(f"{partial} exists from an interrupted run: resume it with "
                       f"`attnsim run --resume {partial}` or delete it")
    return partial, final


class RunDir:
    """The files of one run directory at `path` (module docstring)."""

    def __init__(self, path: str):
        self.path = os.fspath(path)

    def __repr__(self) -> str:
        return f"RunDir({self.path!r})"

    def file(self, *parts: str) -> str:
        return os.path.join(self.path, *parts)

    # -- where things are ---------------------------------------------------------------------
    @property
    def inputs_path(self) -> str:
        return self.file("inputs.npy")

    def chunk_dir(self, model: str) -> str:
        return self.file("chunks", model)

    def chunk_path(self, model: str, chunk: int) -> str:
        return self.file("chunks", model, f"{chunk:05d}.npz")

    def weights_path(self, model: str) -> str:
        return self.file("weights", f"{model}.npz")

    def curves_path(self, model: str) -> str:
        return self.file("weights", f"{model}.curves.json")

    def point(self, index: int) -> "RunDir":
        """The run directory of sweep point `index`."""
        return RunDir(self.file("points", f"{index:03d}"))

    @property
    def is_complete(self) -> bool:
        """provenance.json is written last: a directory that has it holds a whole run."""
        return os.path.exists(self.file("provenance.json"))

    def read_summary(self) -> dict:
        with open(self.file("summary.json")) as fh:
            return json.load(fh)

    def read_scenario(self) -> dict:
        with open(self.file("scenario.yaml")) as fh:
            return yaml.safe_load(fh)

    def read_curves(self, model: str) -> dict | None:
        """The training curves of `model`, or None when it was not trained."""
        path = self.curves_path(model)
        if not os.path.exists(path):
            return None
        with open(path) as fh:
            return json.load(fh)

    # -- what is written, in the order a run writes it ------------------------------------------
    def write_scenario(self, resolved: dict) -> None:
        """scenario.yaml, once: a resumed run keeps the one it started with."""
        os.makedirs(self.path, exist_ok=True)
        path = self.file("scenario.yaml")
        if not os.path.exists(path):
            with open(path + ".tmp", "w") as fh:
                yaml.safe_dump(resolved, fh, sort_keys=False)
            os.replace(path + ".tmp", path)

    def lay_out(self, models) -> None:
        """The folders workers write into: chunks/<model>/ and weights/."""
        os.makedirs(self.file("weights"), exist_ok=True)
        for name in models:
            os.makedirs(self.chunk_dir(name), exist_ok=True)

    def copy_weights(self, source: "RunDir") -> None:
        """Trained weights (and their curves) of a finished run, reused instead of training."""
        os.makedirs(self.file("weights"), exist_ok=True)
        for fname in os.listdir(source.file("weights")):
            shutil.copy2(source.file("weights", fname), self.file("weights", fname))

    def write_inputs(self, inputs: np.ndarray) -> None:
        np.save(self.inputs_path, inputs)

    def write_run(self, scn, out, *, kinds: dict[str, str], started: float, figures: bool = True) -> dict:
        """results.h5, summary.json, figures, then provenance.json of a computed run (`out`: its
        Result, summary not yet filled in). Returns the summary."""
        from attnsim.plots.registry import draw
        from attnsim.provenance import provenance
        from attnsim.store import write_results
        from attnsim.summary import build_summary
        write_results(self.file("results.h5"), out.trials, out.activities,
                      {n: (out.families[n], kind) for n, kind in kinds.items()}, scn.record,
                      capabilities=out.capabilities)
        summary = build_summary(scn, out.trials, out.activities, kinds, out.training)
        write_json(self.file("summary.json"), summary)
        if figures:
            os.makedirs(self.file("figures"), exist_ok=True)
            for name in scn.figures:
                draw(name, out, summary, self.file("figures"), self.path)
        write_json(self.file("provenance.json"), provenance(scn.seed, out.timings, started))
        return summary

    def write_sweep(self, scn, summary: dict, *, started: float, figures: bool = True) -> None:
        """A sweep's own summary.json, its figure across points, then provenance.json (the points
        are written by `write_run` into `point(i)` as each finishes)."""
        from attnsim.provenance import provenance
        write_json(self.file("summary.json"), summary)
        if figures:
            from attnsim.plots.sweep_figure import draw_sweep
            os.makedirs(self.file("figures"), exist_ok=True)
            draw_sweep(summary, self.file("figures"), scn.model_dump(mode="json")["sweep"]["plot"])
        write_json(self.file("provenance.json"), provenance(scn.seed, {}, started))

    def write_report(self, resolved: dict, summary: dict, runs: dict | None = None) -> None:
        """report.md and its companions (sim/report.py); `runs`: {directory: run data} in memory."""
        from attnsim.report import write_report
        write_report(self.path, resolved, summary, runs=runs)

    # -- the end of a run -------------------------------------------------------------------------
    def remove_scratch(self) -> None:
        """Drop the resume scaffolding (finished chunks, the inputs copy) of a complete run."""
        for scratch in SCRATCH:
            p = self.file(scratch)
            if os.path.isdir(p):
                shutil.rmtree(p)
            elif os.path.exists(p):
                os.remove(p)

    def start_point(self) -> None:
        """Make a sweep point's directory, dropping a started point that kept no chunks."""
        if os.path.isdir(self.path) and not os.path.isdir(self.file("chunks")):
            shutil.rmtree(self.path)
        os.makedirs(self.path, exist_ok=True)

    def publish(self, final: str) -> None:
        """Rename the complete `<out>.partial` to `final`."""
        self.remove_scratch()
        if os.path.isdir(final) and not os.listdir(final):
            os.rmdir(final)
        os.replace(self.path, final)

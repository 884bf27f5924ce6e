"""What a run gives back in Python: `attnsim.run(...)` and `attnsim.open_run(dir)` return a Result.

A Result holds the same things a run directory does, as objects: the resolved scenario, the
trials, each model's Activity, the training curves, summary.json (metrics per model and
condition, expectations with their intervals and verdicts) and, for a sweep, the table of
points. Figures are drawn on demand and returned as matplotlib Figures.

It is the one type for a run, wherever the run is: what the runner collects from finished
chunks (before summary.json exists), what figure and report functions draw from
(`attnsim.store.RunData` is this class), what `attnsim.run` returns and what `open_run`
reads back from disk.

    res = attnsim.run("scenarios/sustained_delay.yaml")
    res.metrics["spiking"]["accuracy"]["attend_A"]
    res.activity["spiking"].rates.shape      # (trials, steps, units)
    res.figure("rates", model="spiking")      # a matplotlib Figure
    res.table("persistence_time")             # sweeps: one row per point x model
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field

from attnsim.models.activity import Activity
from attnsim.tasks.trials import Trials


@dataclass
class Result:
    """One run (see the module docstring).

    scenario: the resolved scenario (every default filled in), as written to scenario.yaml.
    summary: summary.json's content (keys documented in attnsim.summary); empty until written.
    trials: the task's Trials (None for a sweep: each point has its own; see `point`).
    activities: model name -> Activity on those trials (empty for a sweep); also `activity`.
    training: model name -> training curves {name: [value per step]} (trainable models).
    run_dir: the run directory, or None for a run kept in memory only.
    capabilities: model name -> its declared capabilities ("trainable", "spiking", "layered").
    families: model name -> family name (default: from the summary's models).
    search_path: folders searched for outside parts (default: the scenario's plugin_path).
    timings: model name -> wall times of fitting, building and running (provenance.json).
    """

    scenario: dict = field(default_factory=dict)
    summary: dict = field(default_factory=dict)
    trials: Trials | None = None
    activities: dict[str, Activity] = field(default_factory=dict)
    training: dict[str, dict] = field(default_factory=dict)
    run_dir: str | None = None
    capabilities: dict[str, frozenset] = field(default_factory=dict)
    families: dict[str, str] = field(default_factory=dict)
    search_path: tuple[str, ...] = ()
    timings: dict[str, dict] = field(default_factory=dict)

    def __post_init__(self):
        if not self.families:
            self.families = {n: m["family"] for n, m in self.summary.get("models", {}).items() if "family" in m}
        if not self.search_path:
            self.search_path = tuple(self.scenario.get("plugin_path", ()))

    @property
    def activity(self) -> dict[str, Activity]:
        """model name -> Activity (the same dict as `activities`)."""
        return self.activities

    @activity.setter
    def activity(self, value: dict[str, Activity]) -> None:
        self.activities = value

    def model_class(self, name: str):
        """The model class of `name` (for metadata such as a layered model's `layer_layout`)."""
        from attnsim.models.registry import load_family
        return load_family(self.families[name], self.search_path)

    # -- numbers -----------------------------------------------------------------------------
    @property
    def models(self) -> list[str]:
        """Model names in scenario order."""
        return list(self.summary.get("models", {}))

    @property
    def metrics(self) -> dict[str, dict]:
        """model -> {metric: {condition: value or {group: value}}} (a sweep: see `table`)."""
        return {n: m.get("metrics", {}) for n, m in self.summary.get("models", {}).items()}

    @property
    def expectations(self) -> list[dict]:
        """One entry per expectation: estimate, ci_lo, ci_hi, rule, verdict, ... (attnsim.expectations)."""
        return list(self.summary.get("expectations", []))

    @property
    def passed(self) -> bool:
        """What `attnsim run --check` asks: no expectation failed or inconclusive."""
        return bool(self.summary.get("all_expectations_pass", True))

    @property
    def is_sweep(self) -> bool:
        return "sweep" in self.summary

    @property
    def points(self) -> list[dict]:
        """Sweep points: [{"index", "values", "seed", "dir", "task", "models": {name: {metrics}}}]."""
        return list(self.summary.get("sweep", {}).get("points", []))

    def table(self, metric: str, condition: str = "all", group: str | None = None) -> list[dict]:
        """Rows {**point values, "seed", "model", "value"} of one metric at every sweep point (a plain
        run gives one row per model). `value` is None where the metric does not apply."""
        from attnsim.expectations import lookup
        points = self.points or [{"values": {}, "seed": self.summary.get("seed"),
                                  "models": self.summary.get("models", {})}]
        rows = []
        for p in points:
            for name, m in p["models"].items():
                value, _ = lookup(m.get("metrics", {}), metric, condition, group)
                rows.append({**p["values"], "seed": p["seed"], "model": name, "value": value})
        return rows

    def expectation_table(self) -> str:
        """The expectation table `attnsim run` prints."""
        from attnsim.expectations import table
        return table(self.expectations)

    def point(self, index: int) -> "Result":
        """The Result of one sweep point, read from the run directory."""
        if not self.is_sweep:
            raise ValueError("point(): this run is not a sweep")
        if self.run_dir is None:
            raise ValueError("point(): a sweep run in memory keeps only its summary; run it with out=DIR "
                             "to keep each point's activity")
        p = self.points[index]
        from attnsim.api import open_run
        return open_run(os.path.join(self.run_dir, p["dir"]))

    # -- figures -----------------------------------------------------------------------------
    def run_data(self) -> "Result":
        """What figure functions draw from: this Result, once it has trials."""
        if self.trials is None:
            raise ValueError("this Result has no trials (a sweep: use point(i))")
        return self

    def figures(self, name: str) -> dict:
        """stem -> matplotlib Figure for a registered figure name (or 'package.module:func')."""
        from attnsim.plots.registry import figures
        return dict(figures(name, self.run_data(), self.summary, search_path=self.search_path))

    def figure(self, name: str, model: str | None = None):
        """One matplotlib Figure: the figure `name`, or its panel for `model` when it draws one per model."""
        figs = self.figures(name)
        if not figs:
            raise ValueError(f"figure {name!r} does not apply to this run (models: {', '.join(self.models)})")
        if model is not None:
            chosen = [s for s in figs if s.endswith(f"_{model}")]
            if not chosen:
                raise ValueError(f"figure {name!r} has no panel for model {model!r}; it drew {', '.join(figs)}")
            return figs[chosen[0]]
        if len(figs) > 1:
            raise ValueError(f"figure {name!r} draws one figure per model ({', '.join(figs)}); "
                             f"pass model=..., or use figures({name!r})")
        return next(iter(figs.values()))

    def __repr__(self) -> str:
        where = self.run_dir or "in memory"
        what = f"{len(self.points)} sweep points" if self.is_sweep else f"{self.summary.get('n_trials')} trials"
        verdicts = [e.get("verdict") for e in self.expectations]
        counts = ", ".join(f"{v} {verdicts.count(v)}" for v in sorted(set(verdicts), key=str)) or "no expectations"
        return (f"<attnsim.Result {self.summary.get('scenario')!r}: {what}, models {self.models}, "
                f"expectations: {counts}; {where}>")

"""The scenario file schema (pydantic v2): unknown keys rejected, types,
ranges and units checked. Cross-references (expectations naming models,
metrics, conditions) are checked in `sim.scenario.load`.

The `task:` block is not part of this schema: its keys depend on the task, so
`sim.scenario.load` looks its `kind` up in the task registry (`attnsim.registries.TASKS`)
and validates the block with that task's `Spec` (`attnsim.tasks`)."""
from __future__ import annotations

import math
import re
from typing import Annotated, Any, Literal

from pydantic import Field, field_validator, model_validator

from attnsim.spec.strict import Strict


NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_\-]*$")


class ModelSpec(Strict):
    """One model of the comparison: a name for the reports and a family with its parameters."""
    name: str        # how results, figures and expectations name this model (letters, digits, _ or -)
    family: str      # a bundled family (`attnsim list`), or an outside class as package.module:Class
    # the family's parameters (its Params dataclass: names with units, e.g. tau_ms); unknown names are errors
    params: dict = Field(default_factory=dict)

    @field_validator("name")
    @classmethod
    def _name(cls, v):
        if not NAME.match(v):
            raise ValueError(f"must start with a letter and hold only letters, digits, '_' or '-' (got {v!r})")
        return v


class Expectation(Strict):
    """One checked claim about a metric (sim/expectations.py evaluates it).

    `rule` says what the estimate and its 95 % bootstrap interval must do:
    `inside` (default): the estimate lies in `range` (claims about the estimate only);
    `interval_inside`: the whole interval lies in `range`; `consistent`: the interval
    overlaps `range`; `excludes`: the interval excludes `value` (with a `range`, on
    its side; the range is optional); `identifies`: the interval contains
    `prediction` and excludes every value in `rivals` (then `range` is optional).
    The rules are implemented once in attnsim.analysis.rules. `n_boot` resamples (0: no interval, the old point check).
    `known_deviation: "<reason>"` marks a miss the model is known to have: evaluated
    and shown as DEVIATION, never PASS, and not failing `--check`. `calibration: true`
    marks a measure a free parameter was set from: shown as CALIBRATION, never
    counted as validation, and not failing `--check`.
    """
    model: str                    # a model's `name` in this file
    metric: str                   # a metric named in `analysis:` (its key, e.g. attention_effects rate_change)
    condition: str = "all"        # a condition label of the task (e.g. attend_A, neutral@0.512), or all trials
    group: str | None = None      # a population of the model, for metrics given per group
    # how the estimate and its 95 % interval are judged (above; attnsim.analysis.rules)
    rule: Literal["inside", "interval_inside", "consistent", "excludes", "identifies"] = "inside"
    value: float | None = Field(None, validate_default=True)   # rule excludes: the value the interval must exclude
    range: tuple[float, float] | None = Field(None, validate_default=True)   # [low, high], from the reference row
    prediction: float | None = Field(None, validate_default=True)   # rule identifies: the value claimed
    rivals: list[float] = Field(default_factory=list, validate_default=True)   # rule identifies: values to exclude
    n_boot: int = Field(200, ge=0, le=100000)   # bootstrap resamples of the interval (0: no interval)
    known_deviation: str | None = Field(None, min_length=1)   # a known miss: its evidence and reason
    calibration: bool = Field(False, validate_default=True)   # a free parameter was set from this measure
    source: str = Field(min_length=1)   # where the range comes from: docs/reference.md row N, the paper
    where: dict[str, object] | None = None   # sweeps: the grid values (and seeds averaged) it applies to
    # "seeds": a claim about an architecture or circuit, which needs an interval over >= 5 network or
    # training seeds (attnsim.analysis.rules.judge); "trials": a claim about this realization
    over: Literal["trials", "seeds"] = "trials"

    @field_validator("range")
    @classmethod
    def _range(cls, v, info):
        if v is None:
            if info.data.get("rule", "inside") not in ("identifies", "excludes"):
                raise ValueError("required key is missing (got none): a [low, high] pair; "
                                 "only rules 'identifies' and 'excludes' may omit it")
            return v
        if v[0] > v[1]:
            raise ValueError(f"range must be [low, high] with low <= high (got {list(v)})")
        return v

    @field_validator("prediction")
    @classmethod
    def _prediction(cls, v, info):
        rule = info.data.get("rule", "inside")
        if rule == "identifies" and v is None:
            raise ValueError("rule 'identifies' needs the claimed value, e.g. prediction: 1.0")
        if rule != "identifies" and v is not None:
            raise ValueError(f"only rule 'identifies' uses a prediction (rule here: {rule!r}); "
                             "valid rules: inside, interval_inside, consistent, excludes, identifies")
        return v

    @field_validator("value")
    @classmethod
    def _value(cls, v, info):
        rule = info.data.get("rule", "inside")
        if rule == "excludes" and v is None:
            raise ValueError("rule 'excludes' needs the value its interval must exclude, e.g. value: 0.0")
        if rule != "excludes" and v is not None:
            raise ValueError(f"only rule 'excludes' uses a value (rule here: {rule!r})")
        return v

    @field_validator("rivals")
    @classmethod
    def _rivals(cls, v, info):
        rule = info.data.get("rule", "inside")
        if rule == "identifies":
            if not v:
                raise ValueError("rule 'identifies' needs at least one rival value to exclude, e.g. rivals: [0.707]")
            pred = info.data.get("prediction")
            if pred is not None and any(r == pred for r in v):
                raise ValueError(f"a rival equals the prediction {pred:g}; rivals must differ from it")
        elif v:
            raise ValueError(f"only rule 'identifies' uses rivals (rule here: {rule!r}); "
                             "valid rules: inside, interval_inside, consistent, excludes, identifies")
        return v

    @field_validator("calibration")
    @classmethod
    def _one_role(cls, v, info):
        if v and info.data.get("known_deviation"):
            raise ValueError("an expectation is either a calibration or a known deviation, not both")
        return v


class SweepPlot(Strict):
    """One figure of a sweep: a metric against the first numeric grid key."""
    metric: str                   # a metric named in `analysis:`
    condition: str = "all"        # its condition label
    group: str | None = None      # its population, for metrics given per group


# Points of one sweep run. Every point is validated before the run and is a complete sub-run
# with its own directory; a grid beyond this is a mistake or several runs' worth of work.
MAX_SWEEP_POINTS = 1000


class Sweep(Strict):
    """A grid of scenario values x seeds; each point is a complete sub-run (resumable).

    Either may be alone: `seeds` without a `grid` runs the scenario once per seed (network or
    training seeds), which is what a claim `over: seeds` needs.

    Its size (the product of the grid's value counts, times the seeds) is checked here, before
    any point is expanded, so a grid of a million points is refused at once."""
    # dotted scenario key -> its values, e.g. task.timing.delay: [0 ms, 500 ms]; every combination is a point
    grid: dict[str, list] = Field(default_factory=dict)
    # the scenario's seed replaced by each of these in turn (network / training realizations)
    seeds: list[Annotated[int, Field(ge=0, le=2**32 - 1)]] = Field(default_factory=list)
    plot: list[SweepPlot] = Field(default_factory=lambda: [SweepPlot(metric="accuracy")])   # sweep figures

    @model_validator(mode="after")
    def _size(self):
        if not self.grid and not self.seeds:
            raise ValueError("a sweep needs a `grid` of values, or `seeds`, or both")
        counts = [len(v) for v in self.grid.values()]
        n = math.prod(counts) * max(1, len(self.seeds))
        if n > MAX_SWEEP_POINTS:
            factors = " x ".join(f"{c} ({k})" for c, k in zip(counts, self.grid))
            seeds = f" x {len(self.seeds)} seeds" if self.seeds else ""
            raise ValueError(f"{n} sweep points ({factors}{seeds}); one run holds at most {MAX_SWEEP_POINTS}: "
                             "use fewer values, or split the grid into several scenarios")
        return self

    @field_validator("grid")
    @classmethod
    def _non_empty(cls, v):
        for key, values in v.items():
            if not values:
                raise ValueError(f"grid key {key!r} has no values")
            if key.split(".")[0] in ("sweep", "name", "expect"):
                raise ValueError(f"cannot sweep {key!r}")
        return v


class RunOptions(Strict):
    """How the run is executed; the numbers never depend on these."""
    # trials per work unit (a resumable chunk, and the batch a brain model simulates side by side)
    chunk_trials: int = Field(30, ge=1, le=100000)
    # worker processes; None: the cores this process may use (the numbers do not depend on the count)
    workers: int | None = Field(None, ge=1, le=64)
    # address of a running Dask scheduler (tcp://host:port); None: a local cluster of `workers`
    scheduler: str | None = None


class Scenario(Strict):
    """A scenario file: one task, the models run on its trials, what is measured, drawn and checked."""
    name: str                     # names the run directory and the reports
    description: str = ""         # free text, shown in report.md
    seed: int = Field(0, ge=0, le=2**32 - 1)   # every random draw (trials, networks, training) derives from it
    # the raw `task:` mapping here; after `sim.scenario.load` validates it, its task's Spec instance
    task: Any
    models: list[ModelSpec] = Field(min_length=1)   # the models, all run on the same trials
    # what results.h5 keeps: population rates, and spike trains of spiking models
    record: list[Literal["rates", "spikes"]] = Field(default_factory=lambda: ["rates", "spikes"])
    # metrics computed per model and condition (`attnsim list` names them; docs: metrics)
    analysis: list[str] = Field(default_factory=lambda: ["accuracy", "reaction_time_ms", "rate_hz",
                                                          "modulation_index", "fano_factor"])
    figures: list[str] = Field(default_factory=list)   # figures drawn into the run directory
    expect: list[Expectation] = Field(default_factory=list)   # claims checked after the run (--check)
    run: RunOptions = RunOptions()   # execution: chunking, workers, a Dask scheduler
    sweep: Sweep | None = None       # run the file once per grid point x seed
    report: bool = False             # write report.md: the models side by side, the attention scorecard
    # folders searched for outside parts named 'package.module:Name' (relative to the scenario
    # file); the scenario's folder and the working directory are always searched, and the
    # resolved scenario lists them all as absolute paths
    plugin_path: list[str] = Field(default_factory=list)

    @field_validator("name")
    @classmethod
    def _name(cls, v):
        if not NAME.match(v):
            raise ValueError(f"must start with a letter and hold only letters, digits, '_' or '-' (got {v!r})")
        return v

"""Conformance check of a model family: `check_family(cls)`.

Modelled on scikit-learn's ``sklearn.utils.estimator_checks.check_estimator``: one call runs a
family, bundled or a plugin author's, through the model protocol (models/base.py) on a small
synthetic task and checks what the upper layer relies on, instead of each family's tests
restating it. Where the upper layer relies on it:

- metadata (``paper``, ``kind``, ``capabilities``; each ``Params`` field in a physical unit named
  with its unit suffix): the registry, summary.json and the scenario schema
  (sim/scenario/params_schema.py converts "100 ms" by the suffix, units.SUFFIXES); a field
  without a doc (models.params.param) is a warning, since the schema only shows less;
- ``Params(**params)`` builds with defaults and refuses a value that breaks a rule, naming the
  parameter: the scenario's ``params:`` block (sim/worker.py builds ``cls(cls.Params(**params))``);
- ``fit`` (trainable families) and ``run`` take the documented arguments; ``state`` /
  ``load_state`` carry the weights from the fitting process to the running ones (sim/worker.py);
- the Activity: (trials, steps, units) float rates covering the trial, groups as slices covering
  every unit, two selective groups with rates >= 0, choice in {-1, 0, 1}, reaction times NaN
  or >= 0, spikes per group and trial where the family is ``spiking``, the layer groups where it
  is ``layered``, and arrays the run store can write without pickle (Activity.to_arrays);
- the same seed gives the same numbers, on the same model after other runs and on a fresh one
  (a worker keeps built models and runs many chunks on them; sim/worker.py); a different seed
  gives different numbers where the family is stochastic;
- a batch split into chunks gives the per-trial numbers of the whole batch where that is
  promised: by default for families whose numbers do not depend on the seed (a deterministic
  model has no reason to couple the trials of a batch); stochastic bundled families draw one
  random stream per batch (models/rate_run.py, models/spiking_competition.py), so the runner
  pads every chunk to one size and gives it its own seed instead.

Every check runs (a broken one does not hide the others, as in a test report); failures, not
warnings or skips, are raised together as one `FamilyCheckError` naming the family and, per
check, what was expected and what was got. Sizes are the caller's: ``params`` overrides the
family's defaults (a small ``N_E``, a few training steps), and ``n_trials``, ``dt_ms`` and
``timing`` size the task.

Example (a plugin author's test)::

    from attnsim.models import check_family
    from mypkg.nets import MyNet

    def test_my_net_conforms():
        check_family(MyNet, params={"n_units": 20}, stochastic=True)
"""
from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from attnsim.models.activity import Activity
from attnsim.models.base import CAPABILITIES, capabilities_of, check_model_class

CHANNELS = ("stim_A", "stim_B", "cue_A", "cue_B")
# epochs of the synthetic trial in ms; 240 ms is 12 steps of the artificial families' 20 ms bins
TIMING_MS = {"fixation": 40.0, "cue": 40.0, "stimulus": 120.0, "response": 40.0}
# a unit named in parentheses at the end of a parameter's doc -> the name suffix the scenario
# layer converts quantities by (sim/spec/units.py SUFFIXES; the lower layer cannot import it)
UNIT_SUFFIX = {"ms": "_ms", "s": "_s", "Hz": "_hz", "kHz": "_khz", "nA": "_nA", "pA": "_pA",
               "mV": "_mV", "nS": "_nS", "pF": "_pF"}


@dataclass(frozen=True)
class CheckResult:
    """One check: its name, "pass", "fail", "warn" (a shortcoming the upper layer copes with) or
    "skip", and what was expected / got (or why it was skipped)."""
    name: str
    status: str
    detail: str = ""


@dataclass
class FamilyReport:
    """The results of every check of one family, in the order they ran."""
    family: str
    results: list[CheckResult] = field(default_factory=list)

    @property
    def failures(self) -> list[CheckResult]:
        return [r for r in self.results if r.status == "fail"]

    def status(self, name: str) -> str | None:
        """The status of the check `name` ("pass", "fail", "warn", "skip"), None if it did not run."""
        return next((r.status for r in self.results if r.name == name), None)

    def __str__(self) -> str:
        counts = {s: sum(r.status == s for r in self.results) for s in ("pass", "fail", "warn", "skip")}
        lines = [f"check_family({self.family}): {counts['pass']} passed, {counts['fail']} failed, "
                 f"{counts['warn']} warned, {counts['skip']} skipped"]
        lines += [f"  {r.status.upper()} {r.name}" + (f": {r.detail}" if r.detail else "") for r in self.results]
        return "\n".join(lines)


class FamilyCheckError(AssertionError):
    """A family failed `check_family`; the message lists every failed check (`report` has all)."""

    def __init__(self, report: FamilyReport):
        fails = report.failures
        super().__init__(f"model family {report.family} failed {len(fails)} conformance check(s):\n"
                         + "\n".join(f"  {r.name}: {r.detail}" for r in fails))
        self.report = report


class _Fail(Exception):
    """Raised inside a check: the check failed, with this message (expected ..., got ...)."""


class _Skip(Exception):
    """Raised inside a check: the check does not apply, for this reason."""


class _Warn(Exception):
    """Raised inside a check: a shortcoming that is reported but does not fail the family."""


def synthetic_trials(n_trials: int, dt_ms: float = 1.0, timing: dict | None = None, seed: int = 0):
    """A small selective-attention batch: (inputs, target, loss_mask, epochs).

    Channels CHANNELS; epochs fixation, cue, stimulus, response (`timing` in ms, default
    TIMING_MS). Trial i cues location i % 2 from the cue onset to the end of the stimulus; both
    stimuli are on during the stimulus epoch, with contrasts drawn from [0.2, 0.8]; the target is
    the cued location, scored in the response epoch (`loss_mask`). Enough to exercise the protocol,
    not a task to validate a model on (sim/tasks has those; models/ cannot import them).
    """
    timing = dict(TIMING_MS if timing is None else timing)
    rng = np.random.default_rng(seed)
    epochs, t = {}, 0
    for name, ms in timing.items():
        n = int(round(ms / dt_ms))
        epochs[name] = slice(t, t + n)
        t += n
    inputs = np.zeros((n_trials, t, len(CHANNELS)))
    target = np.arange(n_trials) % 2
    stim = epochs.get("stimulus", slice(0, t))
    cue_on = epochs.get("cue", stim).start
    inputs[:, stim, 0:2] = rng.uniform(0.2, 0.8, size=(n_trials, 1, 2))
    for i in range(n_trials):
        inputs[i, cue_on:stim.stop, 2 + target[i]] = 1.0
    loss_mask = np.zeros(t, dtype=bool)
    loss_mask[epochs.get("response", slice(stim.stop - max(1, (stim.stop - stim.start) // 5), stim.stop))] = True
    return inputs, target, loss_mask, epochs


def check_family(cls, params: dict | None = None, *, n_trials: int = 4, dt_ms: float = 1.0,
                 timing: dict | None = None, seed: int = 1, stochastic: bool | None = None,
                 chunk_invariant: bool | None = None, bad_params: dict | None = None,
                 raise_on_failure: bool = True) -> FamilyReport:
    """Run the conformance checks (module docstring) on the family class `cls`.

    params: overrides of the family's Params defaults, e.g. a small network for speed.
    n_trials, dt_ms, timing: size of the synthetic task (synthetic_trials); n_trials >= 2.
    stochastic: True: a different seed must change the numbers; False: it must not; None: not
        checked (the report says which was seen).
    chunk_invariant: True: running the batch in two chunks must give each trial's numbers of the
        whole batch; False: not checked; None: checked where the numbers do not depend on the seed.
    bad_params: {name: value} that Params must refuse, in addition to one value outside each
        declared rule (models.params.param's gt/ge/lt/le/choices).
    Returns the FamilyReport; raises FamilyCheckError listing the failed checks (unless
    raise_on_failure is False).
    """
    if n_trials < 2:
        raise ValueError(f"check_family: n_trials must be >= 2 (the chunk check splits the batch), got {n_trials}")
    name = (getattr(cls, "registry_name", None)
            or f"{getattr(cls, '__module__', '?')}:{getattr(cls, '__qualname__', cls)}")
    checker = _Checker(cls, dict(params or {}), n_trials, float(dt_ms), timing, int(seed), stochastic,
                       chunk_invariant, dict(bad_params or {}), FamilyReport(str(name)))
    checker.run_all()
    if raise_on_failure and checker.report.failures:
        raise FamilyCheckError(checker.report)
    return checker.report


class _Checker:
    """State shared by the checks of one family (the model, its first run); see check_family."""

    def __init__(self, cls, params, n_trials, dt_ms, timing, seed, stochastic, chunk_invariant, bad_params, report):
        self.cls, self.params, self.seed = cls, params, seed
        self.stochastic, self.chunk_invariant, self.bad_params = stochastic, chunk_invariant, bad_params
        self.report, self.timing = report, timing
        self.inputs, self.target, self.loss_mask, _ = synthetic_trials(n_trials, dt_ms, timing, seed)
        self.n_trials, self.dt_ms = n_trials, dt_ms
        self.duration_ms = self.inputs.shape[1] * dt_ms
        self.caps = capabilities_of(cls)
        self.model = None
        self.act: Activity | None = None
        self.other: Activity | None = None          # the run with seed + 1
        self.seed_changes: bool | None = None

    def check(self, name: str, fn, *needs) -> bool:
        """Run one check; record pass / fail / skip. A check whose prerequisite is missing skips."""
        missing = [n for n in needs if getattr(self, n) is None]
        if missing:
            self.report.results.append(CheckResult(name, "skip",
                                                   f"needs {', '.join(missing)} (an earlier check failed)"))
            return False
        try:
            detail = fn()
        except _Skip as e:
            self.report.results.append(CheckResult(name, "skip", str(e)))
            return False
        except _Warn as e:
            self.report.results.append(CheckResult(name, "warn", str(e)))
            return True
        except _Fail as e:
            self.report.results.append(CheckResult(name, "fail", str(e)))
            return False
        except Exception as e:  # noqa: BLE001 (a model may raise anything; that is a failure of the check)
            self.report.results.append(CheckResult(name, "fail",
                                                   f"expected no exception, got {type(e).__name__}: {e}"))
            return False
        self.report.results.append(CheckResult(name, "pass", detail or ""))
        return True

    def run_all(self) -> None:
        self.check("protocol", self.protocol)
        self.check("metadata", self.metadata)
        self.check("params.documented", self.params_documented)
        self.check("params.units", self.params_units)
        self.check("params.defaults", self.params_defaults)
        self.check("params.rejects_bad_values", self.params_rejects)
        self.check("build", self.build)
        if "trainable" in self.caps:
            self.check("fit", self.fit, "model")
        self.check("run", self.run, "model")
        for name, fn in (("activity.rates", self.rates), ("activity.groups", self.groups),
                         ("activity.selective_groups", self.selective), ("activity.choice", self.choice),
                         ("activity.reaction_time", self.reaction_time), ("activity.spikes", self.spikes),
                         ("activity.layers", self.layers), ("activity.storable", self.storable),
                         ("seed.same_numbers", self.same_seed), ("seed.fresh_model", self.fresh_model),
                         ("seed.different_numbers", self.different_seed), ("batch.chunks", self.chunks)):
            self.check(name, fn, "act")

    # -- metadata and params ---------------------------------------------------------------
    def protocol(self):
        try:
            check_model_class(self.cls, f"family {self.report.family}")
        except Exception as e:  # noqa: BLE001 (PluginError: its message names what is missing)
            raise _Fail(str(e)) from None

    def metadata(self):
        problems = []
        paper = getattr(self.cls, "paper", None)
        if not isinstance(paper, str) or not paper.strip():
            problems.append(f"`paper`: the source of the equations and parameters (got {paper!r})")
        if getattr(self.cls, "kind", None) not in ("brain", "artificial"):
            problems.append(f"`kind`: 'brain' or 'artificial' (got {getattr(self.cls, 'kind', None)!r})")
        caps = getattr(self.cls, "capabilities", None)
        if not isinstance(caps, (set, frozenset)) or not set(caps) <= set(CAPABILITIES):
            problems.append(f"`capabilities`: a frozenset of names from {CAPABILITIES} (got {caps!r})")
        if problems:
            raise _Fail("expected class attributes " + "; ".join(problems))

    def _fields(self):
        params_cls = getattr(self.cls, "Params", None)
        if params_cls is None or not dataclasses.is_dataclass(params_cls):
            raise _Fail(f"expected a `Params` dataclass, got {params_cls!r}")
        return dataclasses.fields(params_cls)

    def params_documented(self):
        bare = [f.name for f in self._fields() if not str(f.metadata.get("doc") or "").strip()]
        if bare:     # the schema runs without docs, so a warning: its error messages just say less
            raise _Warn(f"expected every Params field documented (models.params.param(default, doc): the "
                        f"description the scenario schema shows); undocumented: {bare}")

    def params_units(self):
        wrong = []
        for f in self._fields():
            m = re.search(r"\(([^()]+)\)\s*$", str(f.metadata.get("doc") or ""))
            unit = m.group(1).strip() if m else None
            if unit in UNIT_SUFFIX and not f.name.endswith(UNIT_SUFFIX[unit]):
                wrong.append(f"{f.name} (doc says {unit}: name it ...{UNIT_SUFFIX[unit]})")
        if wrong:
            raise _Fail("expected a parameter in a physical unit to carry its unit suffix, by which a "
                        f"scenario's '100 ms' is converted; got {wrong}")

    def params_defaults(self):
        no_default = [f.name for f in self._fields()
                      if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING]
        if no_default:
            raise _Fail(f"expected a default for every parameter (a scenario may give none); none for {no_default}")
        try:
            self.cls.Params()
        except Exception as e:  # noqa: BLE001
            raise _Fail(f"expected Params() to build with its defaults, got {type(e).__name__}: {e}") from None
        try:
            self.cls.Params(**self.params)
        except Exception as e:  # noqa: BLE001
            raise _Fail(f"expected Params(**{self.params}) (the overrides passed) to build, got "
                        f"{type(e).__name__}: {e}") from None

    def params_rejects(self):
        cases = dict(self.bad_params)
        for f in self._fields():
            if f.name not in cases:
                bad = _breaking_value(f.metadata)
                if bad is not _NONE:
                    cases[f.name] = bad
        if not cases:
            raise _Skip("no parameter declares a rule (param(..., gt=, ge=, lt=, le=, choices=)) and no "
                        "bad_params were passed")
        accepted, unnamed = [], []
        for key, value in cases.items():
            try:
                self.cls.Params(**{**self.params, key: value})
            except (ValueError, TypeError) as e:
                if key not in str(e):
                    unnamed.append(f"{key}={value!r}: {type(e).__name__}: {e}")
                continue
            accepted.append(f"{key}={value!r}")
        problems = []
        if accepted:
            problems.append(f"a ValueError for a value outside the parameter's rule; accepted {accepted}")
        if unnamed:
            problems.append(f"the error to name the parameter; got {unnamed}")
        if problems:
            raise _Fail("expected " + "; and ".join(problems))
        return f"{len(cases)} bad value(s) refused, each naming its parameter"

    # -- fit and run -----------------------------------------------------------------------
    def _new_model(self):
        return self.cls(self.cls.Params(**self.params))

    def build(self):
        self.model = self._new_model()

    def _sample_batch(self, n: int, rng: np.random.Generator):
        inputs, target, mask, _ = synthetic_trials(n, self.dt_ms, self.timing, int(rng.integers(0, 2**31 - 1)))
        return inputs, target, mask

    def fit(self):
        calls = []
        curves = self.model.fit(self._sample_batch, self.dt_ms, CHANNELS, seed=self.seed,
                                progress=lambda done, total: calls.append((done, total)))
        if not isinstance(curves, dict):
            raise _Fail(f"expected fit() to return a dict of training curves, got {type(curves).__name__}")
        _check_progress(calls, None, "fit")
        state = self.model.state()
        if not isinstance(state, dict) or not state or not all(isinstance(v, np.ndarray) for v in state.values()):
            raise _Fail("expected state() after fit() to return the learned weights as a non-empty "
                        f"{{name: numpy array}} dict, got {_describe(state)}")

    def _run(self, model, inputs, seed):
        calls = []
        act = model.run(inputs, self.dt_ms, CHANNELS, seed=seed,
                        progress=lambda done, total: calls.append((done, total)))
        if not isinstance(act, Activity):
            raise _Fail(f"expected run() to return attnsim.models.Activity, got {type(act).__name__}")
        _check_progress(calls, len(inputs), "run")
        return act

    def run(self):
        self.act = self._run(self.model, self.inputs, self.seed)

    # -- the Activity ----------------------------------------------------------------------
    def rates(self):
        r = self.act.rates
        if not isinstance(r, np.ndarray) or r.ndim != 3 or r.shape[0] != self.n_trials:
            raise _Fail(f"expected rates (trials={self.n_trials}, steps, units) ndarray, got {_describe(r)}")
        if not np.issubdtype(r.dtype, np.floating):
            raise _Fail(f"expected floating-point rates, got dtype {r.dtype}")
        if r.shape[1] == 0 or r.shape[2] == 0:
            raise _Fail(f"expected at least one step and one unit, got shape {r.shape}")
        if not np.all(np.isfinite(r)):
            raise _Fail(f"expected finite rates, got {int(np.sum(~np.isfinite(r)))} non-finite values")
        covered = r.shape[1] * float(self.act.dt_ms)
        if abs(covered - self.duration_ms) > float(self.act.dt_ms) + 1e-9:
            raise _Fail(f"expected rates to cover the trial ({self.duration_ms:g} ms): steps x Activity.dt_ms "
                        f"= {r.shape[1]} x {self.act.dt_ms:g} = {covered:g} ms")
        return f"shape {r.shape}, {r.dtype}, {self.act.rate_unit}"

    def groups(self):
        n_units = self.act.rates.shape[2]
        covered = np.zeros(n_units, dtype=bool)
        bad = []
        for g, s in self.act.groups.items():
            if not isinstance(g, str) or not isinstance(s, slice):
                bad.append(f"{g!r}: {s!r} (not a name -> slice)")
                continue
            start, stop, step = s.indices(n_units)
            if s.step not in (None, 1) or (s.stop is not None and s.stop > n_units) or stop <= start:
                bad.append(f"{g!r}: {s!r} (expected a non-empty contiguous slice within {n_units} units)")
                continue
            covered[start:stop] = True
        if bad:
            raise _Fail("expected groups as name -> slice over the unit axis; got " + "; ".join(bad))
        if not covered.all():
            raise _Fail(f"expected the groups to cover every unit; units {np.flatnonzero(~covered).tolist()} "
                        f"are in no group ({sorted(self.act.groups)})")

    def selective(self):
        sel = self.act.selective_groups
        if not isinstance(sel, tuple) or len(sel) != 2 or any(g not in self.act.groups for g in sel):
            raise _Fail(f"expected two group names of {sorted(self.act.groups)}, got {sel!r}")
        low = {g: float(self.act.rates[:, :, self.act.groups[g]].min()) for g in sel}
        if min(low.values()) < 0:
            raise _Fail(f"expected rates >= 0 in the selective groups (modulation and latency metrics divide "
                        f"by them), got minima {low}")

    def choice(self):
        c = np.asarray(self.act.choice)
        if c.shape != (self.n_trials,) or not np.issubdtype(c.dtype, np.integer):
            raise _Fail(f"expected an integer array of shape ({self.n_trials},), got {_describe(c)}")
        if not np.all(np.isin(c, (-1, 0, 1))):
            raise _Fail(f"expected values in {{-1, 0, 1}} (none, A, B), got {sorted(set(c.tolist()))}")

    def reaction_time(self):
        rt = np.asarray(self.act.reaction_time_ms)
        if rt.shape != (self.n_trials,) or not np.issubdtype(rt.dtype, np.floating):
            raise _Fail(f"expected a float array of shape ({self.n_trials},), got {_describe(rt)}")
        bad = rt[~np.isnan(rt) & ~(rt >= 0)]
        if bad.size:
            raise _Fail(f"expected NaN (undefined) or >= 0 ms, got {bad.tolist()}")

    def spikes(self):
        sp = self.act.spikes
        if "spiking" not in self.caps:
            if sp is None:
                raise _Skip("not a spiking family (no 'spiking' capability) and no spikes returned")
        elif sp is None:
            raise _Fail("expected Activity.spikes (group -> one (node_ids, times_ms) per trial) from a family "
                        "declaring 'spiking', got None")
        if not isinstance(sp, dict) or not sp:
            raise _Fail(f"expected spikes as a non-empty dict group -> list of trials, got {_describe(sp)}")
        bad = []
        for g, trials in sp.items():
            if not isinstance(trials, list) or len(trials) != self.n_trials:
                bad.append(f"{g!r}: expected a list of {self.n_trials} trials, got {_describe(trials)}")
                continue
            size = self.act.group_sizes.get(g)
            for k, tr in enumerate(trials):
                ids, t = (np.asarray(a) for a in tr) if isinstance(tr, tuple) and len(tr) == 2 else (None, None)
                if ids is None or ids.ndim != 1 or ids.shape != t.shape or not np.issubdtype(ids.dtype, np.integer) \
                        or not np.issubdtype(t.dtype, np.floating):
                    bad.append(f"{g!r} trial {k}: expected (int node_ids, float times_ms) 1-d of one length, "
                               f"got {_describe(tr)}")
                elif ids.size and (ids.min() < 0 or (size is not None and ids.max() >= size)):
                    bad.append(f"{g!r} trial {k}: node ids in [0, {size}) (group_sizes), "
                               f"got [{ids.min()}, {ids.max()}]")
                elif t.size and (t.min() < 0 or t.max() > self.duration_ms):
                    bad.append(f"{g!r} trial {k}: times in [0, {self.duration_ms:g}] ms from trial start, "
                               f"got [{t.min():g}, {t.max():g}]")
                if len(bad) > 4:
                    break
        if bad:
            raise _Fail("; ".join(bad[:5]))
        return f"{sum(t[0].size for v in sp.values() for t in v)} spikes in groups {sorted(sp)}"

    def layers(self):
        if "layered" not in self.caps:
            raise _Skip("not a layered family")
        layout = getattr(self.cls, "layer_layout", None)
        if layout is None or not hasattr(layout, "group"):
            raise _Fail(f"expected a `layer_layout` (models.layer_layout.LayerLayout) on a layered family, "
                        f"got {layout!r}")
        names = [layout.group(layout.columns[0], p) for p in layout.populations]
        missing = [g for g in names if g not in self.act.groups or g not in self.act.group_sizes]
        if missing:
            raise _Fail(f"expected the layout's groups in Activity.groups and group_sizes; missing {missing}")

    def storable(self):
        arrays = self.act.to_arrays()
        back = Activity.from_arrays(arrays)
        if not np.array_equal(back.rates, self.act.rates):
            raise _Fail("expected Activity.from_arrays(to_arrays()) to give the rates back")

    # -- seeds and batches -----------------------------------------------------------------
    def same_seed(self):
        # a run with another seed in between: a worker runs many chunks on one built model
        self.other = self._run(self.model, self.inputs, self.seed + 1)
        again = self._run(self.model, self.inputs, self.seed)
        diff = _differences(self.act, again)
        if diff:
            raise _Fail(f"expected identical numbers from the same seed on the same model (after a run with "
                        f"another seed); {diff}")
        self.seed_changes = bool(_differences(self.act, self.other))

    def fresh_model(self):
        model = self._new_model()
        if "trainable" in self.caps:
            model.load_state(self.model.state())     # as a worker loads the weights fit() saved
        again = self._run(model, self.inputs, self.seed)
        diff = _differences(self.act, again)
        if diff:
            how = " loaded with the first one's state()" if "trainable" in self.caps else ""
            raise _Fail(f"expected identical numbers from the same seed on a fresh model{how}; {diff}")

    def different_seed(self):
        if self.seed_changes is None:
            raise _Skip("the same-seed check did not finish")
        seen = "change" if self.seed_changes else "do not change"
        if self.stochastic is None:
            raise _Skip(f"stochastic not declared (pass stochastic=True/False); the numbers {seen} with the seed")
        if self.stochastic and not self.seed_changes:
            raise _Fail(f"expected a stochastic family's numbers to change with the seed; seeds {self.seed} and "
                        f"{self.seed + 1} gave identical numbers")
        if not self.stochastic and self.seed_changes:
            raise _Fail(f"expected a deterministic family's numbers not to depend on the seed; "
                        f"{_differences(self.act, self.other)}")
        return f"the numbers {seen} with the seed"

    def chunks(self):
        promised = self.chunk_invariant
        if promised is None:
            if self.seed_changes is None:
                raise _Skip("the same-seed check did not finish")
            if self.seed_changes:
                raise _Skip("stochastic: trials of a batch may share one random stream (the runner pads every "
                            "chunk to one size and seeds it); pass chunk_invariant=True to check")
            promised = True
        if not promised:
            raise _Skip("chunk_invariant=False")
        k = self.n_trials // 2
        parts = [self._run(self.model, self.inputs[:k], self.seed), self._run(self.model, self.inputs[k:], self.seed)]
        diff = _differences(self.act, Activity.concatenate(parts), rtol=1e-6)
        if diff:
            raise _Fail(f"expected trials {k}.. of the batch run as a second chunk to give the numbers of the "
                        f"whole batch; {diff}")


_NONE = object()


def _breaking_value(meta) -> Any:
    """A value that breaks the rule declared in a param()'s metadata, or _NONE when it declares none."""
    if meta.get("choices") is not None:
        return "__not_one_of_the_choices__"
    for key, delta in (("gt", 0.0), ("ge", -1.0), ("lt", 0.0), ("le", 1.0)):
        bound = meta.get(key)
        if bound is not None:
            return bound + delta
    return _NONE


def _check_progress(calls, total, what):
    bad = [c for c in calls if len(c) != 2 or not (0 <= c[0] <= c[1]) or (total is not None and c[1] != total)]
    if bad:
        expect = f"(done, {total})" if total is not None else "(done, total)"
        raise _Fail(f"expected {what}'s progress(done, total) calls as {expect} with 0 <= done <= total, got {bad[:3]}")


def _describe(x) -> str:
    if isinstance(x, np.ndarray):
        return f"ndarray shape {x.shape} dtype {x.dtype}"
    return f"{type(x).__name__} {x!r}"[:120]


def _differences(a: Activity, b: Activity, rtol: float = 0.0) -> str:
    """'' when a and b hold the same numbers (rates within rtol), else what differs first."""
    if a.rates.shape != b.rates.shape:
        return f"rates shape {a.rates.shape} vs {b.rates.shape}"
    if rtol == 0.0:
        same = np.array_equal(a.rates, b.rates)
    else:
        same = np.allclose(a.rates, b.rates, rtol=rtol, atol=rtol * float(np.abs(a.rates).max() or 1.0))
    if not same:
        diff = np.abs(a.rates - b.rates)
        where = np.unravel_index(int(np.argmax(diff)), diff.shape)
        return f"rates differ, most at (trial, step, unit) {tuple(int(i) for i in where)}: " \
               f"{a.rates[where]!r} vs {b.rates[where]!r}"
    if not np.array_equal(a.choice, b.choice):
        return f"choice {a.choice.tolist()} vs {b.choice.tolist()}"
    if not np.array_equal(a.reaction_time_ms, b.reaction_time_ms, equal_nan=True):
        return f"reaction_time_ms {a.reaction_time_ms.tolist()} vs {b.reaction_time_ms.tolist()}"
    if (a.spikes is None) != (b.spikes is None):
        return "spikes present in one run only"
    for g in a.spikes or {}:
        for k, (x, y) in enumerate(zip(a.spikes[g], b.spikes.get(g, []))):
            if not (np.array_equal(x[0], y[0]) and np.array_equal(x[1], y[1])):
                return f"spikes of group {g!r} trial {k} differ"
    return ""

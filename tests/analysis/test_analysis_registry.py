"""compute_metrics: every registered metric runs, inapplicable ones are skipped, output is strict JSON;
outside metrics ('module:func') are found through search_path."""
import json
import textwrap

import numpy as np
import pytest

from attnsim.models.activity import Activity
from attnsim.analysis import METRICS, compute_metrics
from attnsim.jsonable import jsonable
from attnsim.registries import PluginError
from attnsim.tasks.selective import make_selective

TIMING = {"fixation": 100, "cue": 100, "stimulus": 200, "response": 100}
NAMES = ["accuracy", "p_choice_A", "reaction_time_ms", "rate_hz", "modulation_index", "fano_factor",
         "noise_correlation", "dprime", "gamma_power", "selection_latency", "persistence_time"]


def _activity(tr, spiking):
    rng = np.random.default_rng(0)
    n, steps = tr.n_trials, tr.n_steps
    rates = rng.poisson(10.0, size=(n, steps, 6)).astype(float)
    att = tr.attended_index()
    rates[att == 0, 200:400, 0:2] += 20
    rates[att == 1, 200:400, 2:4] += 20
    spikes = sizes = None
    if spiking:
        spikes = {g: [(rng.integers(0, 3, k), rng.uniform(0, 500, k)) for k in rng.poisson(30, n)] for g in "ABN"}
        sizes = {g: 3 for g in "ABN"}
    return Activity(rates=rates, dt_ms=1.0, groups={"A": slice(0, 2), "B": slice(2, 4), "N": slice(4, 6)},
                    selective_groups=("A", "B"), choice=np.where(rng.random(n) < 0.8, tr.target, -1),
                    reaction_time_ms=rng.uniform(150, 300, n), spikes=spikes, group_sizes=sizes or {},
                    roles={"A": "sensory", "B": "sensory", "N": "hidden"})


def test_registry_names_and_docs():
    bundled = METRICS.bundled()
    assert set(NAMES) <= set(bundled)
    for name, entry in bundled.items():
        assert callable(entry.obj) and entry.origin == "bundled"
        assert isinstance(entry.meta.get("summary"), str) and entry.meta["summary"], name
        assert entry.obj.__module__.startswith("attnsim.analysis."), name   # registered in its own module


@pytest.mark.parametrize("spiking", [False, True])
def test_compute_metrics_is_strict_json(spiking):
    tr = make_selective(n_trials=18, dt_ms=1.0, timing_ms=TIMING, contrasts=[0.3, 0.6],
                        conditions=["attend_A", "attend_B", "neutral"], seed=2)
    out = compute_metrics(NAMES, tr, _activity(tr, spiking))
    text = json.dumps(out, allow_nan=False)             # NaN would fail here
    assert json.loads(text) == out
    expected = set(NAMES) - {"persistence_time"}        # the selective task has no delay epoch
    if not spiking:
        expected -= {"fano_factor", "noise_correlation"}
    assert set(out) == expected
    assert out["modulation_index"]["attended"] > 0.3
    assert set(out["rate_hz"]["all"]) == {"A", "B", "N"}
    assert isinstance(out["accuracy"]["attend_A@0.3"], float)


def test_options_unknown_names_and_jsonable():
    tr = make_selective(n_trials=6, dt_ms=1.0, timing_ms=TIMING, contrasts=[0.5], conditions=["attend_A"])
    act = _activity(tr, False)
    with pytest.raises(PluginError, match="unknown metric 'nonsense'; valid metric names: .*accuracy"):
        compute_metrics(["accuracy", "nonsense"], tr, act)
    out = compute_metrics(["rate_hz"], tr, act, options={"rate_hz": {"epoch": "fixation"}})
    assert out["rate_hz"]["all"]["A"] == pytest.approx(act.rates[:, :100, 0:2].mean())
    assert compute_metrics(["rate_hz"], tr, act, options={"rate_hz": {"epoch": "delay"}}) == {}
    assert jsonable({"a": np.float32(np.nan), "b": [np.int64(2), np.inf], "c": np.arange(2.0)}) == \
        {"a": None, "b": [2, None], "c": [0.0, 1.0]}


_OUTSIDE = """
    import numpy as np
    from attnsim.analysis.windows import NotApplicable

    def peak_rate(trials, activity, scale=1.0):
        return {"all": {g: np.float64(scale * activity.group_rate(g).max()) for g in activity.groups}}

    def not_here(trials, activity):
        raise NotApplicable("no such epoch")

    def broken(trials, activity):
        raise ZeroDivisionError("oops")
"""


def test_outside_metric_from_a_module_on_the_search_path(tmp_path):
    (tmp_path / "my_metrics_mod.py").write_text(textwrap.dedent(_OUTSIDE))
    tr = make_selective(n_trials=6, dt_ms=1.0, timing_ms=TIMING, contrasts=[0.5], conditions=["attend_A"])
    act = _activity(tr, False)
    names = ["my_metrics_mod:peak_rate", "my_metrics_mod:not_here", "accuracy"]
    out = compute_metrics(names, tr, act, options={"my_metrics_mod:peak_rate": {"scale": 2.0}},
                          search_path=(str(tmp_path),))
    assert set(out) == {"my_metrics_mod:peak_rate", "accuracy"}          # NotApplicable: left out
    peak = out["my_metrics_mod:peak_rate"]["all"]
    assert peak["A"] == pytest.approx(2.0 * act.group_rate("A").max()) and type(peak["A"]) is float
    with pytest.raises(PluginError, match="metric 'my_metrics_mod:broken' raised ZeroDivisionError: oops"):
        compute_metrics(["my_metrics_mod:broken"], tr, act, search_path=(str(tmp_path),))

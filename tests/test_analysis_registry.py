"""compute_metrics: every registered metric runs, inapplicable ones are skipped, output is strict JSON."""
import json

import numpy as np
import pytest

from attnsim.models.activity import Activity
from attnsim.analysis import METRICS, compute_metrics, json_ready
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
                    reaction_time_ms=rng.uniform(150, 300, n), spikes=spikes, group_sizes=sizes or {})


def test_registry_names_and_docs():
    assert set(NAMES) <= set(METRICS)
    assert all(callable(f) and isinstance(doc, str) and doc for f, doc in METRICS.values())


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


def test_options_unknown_names_and_json_ready():
    tr = make_selective(n_trials=6, dt_ms=1.0, timing_ms=TIMING, contrasts=[0.5], conditions=["attend_A"])
    act = _activity(tr, False)
    with pytest.raises(ValueError, match="valid choices"):
        compute_metrics(["accuracy", "nonsense"], tr, act)
    out = compute_metrics(["rate_hz"], tr, act, options={"rate_hz": {"epoch": "fixation"}})
    assert out["rate_hz"]["all"]["A"] == pytest.approx(act.rates[:, :100, 0:2].mean())
    assert compute_metrics(["rate_hz"], tr, act, options={"rate_hz": {"epoch": "delay"}}) == {}
    assert json_ready({"a": np.float32(np.nan), "b": [np.int64(2), np.inf], "c": np.arange(2.0)}) == \
        {"a": None, "b": [2, None], "c": [0.0, 1.0]}

"""Each bundled family names the role of its groups (Activity.roles, issue 19 item 1).

Sensory signatures are read from sensory populations only, so which groups a family calls
sensory decides what the scorecard measures: the microcircuit's L2/3E and L4E, the
normalization model's pools and Brunel's stimulus-driven E halves are sensory; the Wang 2002,
Wong & Wang 2006 and Wilson-Cowan competition circuits have no sensory population; an ANN's
population is its hidden units, and its softmax outputs are decision, never neurons.
"""
import numpy as np
import pytest

from attnsim.models.ann.families import DotProductAttentionModel, EIRNNModel, GRUModel, LSTMModel, RNNModel
from attnsim.models.conformance import CHANNELS, synthetic_trials
from attnsim.models.registry import FAMILIES
from attnsim.tasks.selective import make_selective


def _run(name, params, n=2):
    inputs, _, _, _ = synthetic_trials(n)
    model = FAMILIES.get(name).obj(FAMILIES.get(name).obj.Params(**params))
    return model.run(inputs, 1.0, CHANNELS, seed=1)


@pytest.mark.parametrize("cls", [DotProductAttentionModel, RNNModel, GRUModel, LSTMModel, EIRNNModel],
                         ids=lambda c: c.family)
def test_ann_hidden_units_are_hidden_and_outputs_decision(cls):
    tr = make_selective(n_trials=8, dt_ms=10.0, timing_ms=dict(fixation=100, cue=100, stimulus=200, response=100),
                        contrasts=[0.3, 0.5], conditions=["attend_A", "attend_B", "neutral"], seed=0)
    base = {"max_steps": 2, "batch_size": 8}
    base.update({"d_model": 8, "d_ff": 16} if cls is DotProductAttentionModel else {"hidden": 12})
    model = cls(cls.Params(**base))
    model.fit(lambda n, rng: (tr.inputs, tr.target, tr.loss_mask()), tr.dt_ms, tr.channels, seed=3)
    act = model.run(tr.inputs, tr.dt_ms, tr.channels, seed=4)
    assert act.roles["out_A"] == act.roles["out_B"] == "decision"
    assert act.roles["hidden"] == "hidden"
    assert set(act.roles) == set(act.groups) and act.sensory_pair() is None


def test_normalization_pools_are_sensory():
    act = _run("normalization", {})
    assert act.sensory_pair() == ("pool_A", "pool_B")


@pytest.mark.parametrize("name,params,pools", [
    ("rate_competition", {}, ("pool_A", "pool_B")),
    ("wilson_cowan", {}, ("E_A", "E_B")),
    ("spiking_competition", {"N_E": 80}, ("pool_A", "pool_B")),
])
def test_competition_circuits_have_no_sensory_population(name, params, pools):
    pytest.importorskip("brian2")
    act = _run(name, params)
    assert all(act.roles[p] == "decision" for p in pools)
    assert set(act.roles) == set(act.groups)
    assert act.sensory_pair() is None and not act.groups_with_role("sensory")


def test_brunel_halves_are_sensory():
    pytest.importorskip("brian2")
    act = _run("brunel_network", {"N_E": 80, "n_record_E": 20, "n_record_I": 5})
    assert act.sensory_pair() == ("exc_A", "exc_B") and set(act.roles) == set(act.groups)


def test_microcircuit_l23e_and_l4e_are_sensory():
    pytest.importorskip("brian2")
    timing = {"fixation": 100.0, "cue": 50.0, "stimulus": 340.0, "response": 10.0}
    inputs, _, _, _ = synthetic_trials(2, timing=timing)
    cls = FAMILIES.get("microcircuit").obj
    act = cls(cls.Params(N_scaling=0.03, K_scaling=0.03)).run(inputs, 1.0, CHANNELS, seed=1)
    assert act.sensory_pair() == ("A_L23E", "B_L23E")
    assert act.groups_with_role("sensory") == ["A_L23E", "A_L4E", "B_L23E", "B_L4E"]
    assert set(act.roles) == set(act.groups)
    assert all(r == "hidden" for g, r in act.roles.items() if g not in ("A_L23E", "A_L4E", "B_L23E", "B_L4E"))

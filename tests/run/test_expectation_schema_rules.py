"""The scenario schema accepts every verdict rule of attnsim.analysis.rules, each with its keys."""
import pytest

import attnsim
from attnsim.analysis.rules import RULES

BASE = {"name": "x", "task": {"kind": "selective", "n_trials": 6},
        "models": [{"name": "r", "family": "rate_competition"}]}
KEYS = {"inside": {"range": [0, 1]}, "interval_inside": {"range": [0, 1]}, "consistent": {"range": [0, 1]},
        "excludes": {"value": 0.0}, "identifies": {"prediction": 1.0, "rivals": [0.707]}}


def _load(**ex):
    return attnsim.load_scenario({**BASE, "expect": [{"model": "r", "metric": "accuracy", "source": "s", **ex}]})


@pytest.mark.parametrize("rule", RULES)
def test_every_rule_loads_with_its_keys(rule):
    assert _load(rule=rule, **KEYS[rule]).expect[0].rule == rule


@pytest.mark.parametrize("ex, key, words", [
    ({"rule": "excludes", "range": [0, 1]}, "expect[0].value", "needs the value"),
    ({"rule": "inside", "range": [0, 1], "value": 0.0}, "expect[0].value", "only rule 'excludes'"),
    ({"rule": "interval_inside"}, "expect[0].range", "required key is missing"),
])
def test_a_rule_without_its_keys_names_the_key(ex, key, words):
    with pytest.raises(attnsim.ScenarioError) as err:
        _load(**ex)
    assert any(key in m and words in m for m in err.value.messages), err.value.messages

"""Activity.roles: every key a group, every value sensory / decision / hidden; the sensory pair."""
import numpy as np
import pytest

from attnsim.models.activity import Activity


def _act(roles=None, selective=("a", "b"), groups=("a", "b", "c")):
    n = 3
    return Activity(rates=np.zeros((n, 4, len(groups))), dt_ms=1.0,
                    groups={g: slice(i, i + 1) for i, g in enumerate(groups)}, selective_groups=selective,
                    choice=np.zeros(n, int), reaction_time_ms=np.full(n, np.nan),
                    **({} if roles is None else {"roles": roles}))


def test_default_is_no_sensory_population():
    act = _act()
    assert act.roles == {} and act.sensory_pair() is None


def test_role_of_an_unknown_group_is_refused():
    with pytest.raises(ValueError, match="roles names group 'x'"):
        _act({"x": "sensory"})


def test_unknown_role_is_refused():
    with pytest.raises(ValueError, match=r"roles\['a'\]: must be one of"):
        _act({"a": "motor"})


def test_sensory_pair_is_the_selective_groups_when_both_are_sensory():
    act = _act({"a": "sensory", "b": "sensory", "c": "sensory"})
    assert act.sensory_pair() == ("a", "b")


def test_decision_pools_are_no_sensory_pair():
    act = _act({"a": "decision", "b": "decision", "c": "hidden"})
    assert act.sensory_pair() is None
    assert "decision: a, b" in act.describe_roles()


def test_two_sensory_groups_beside_decision_pools_in_group_order():
    act = _act({"a": "decision", "b": "decision", "c": "sensory"}, groups=("a", "b", "c", "d"))
    assert act.sensory_pair() is None                     # one sensory group: no A/B pair
    act = _act({"a": "decision", "b": "decision", "c": "sensory", "d": "sensory"}, groups=("a", "b", "c", "d"))
    assert act.sensory_pair() == ("c", "d")


def test_roles_survive_take_concatenate_and_arrays():
    act = _act({"a": "sensory", "b": "sensory", "c": "hidden"})
    assert act.take([0, 0]).roles == act.roles
    assert Activity.concatenate([act, act]).roles == act.roles
    assert Activity.from_arrays(act.to_arrays()).roles == act.roles
    old = {k: v for k, v in act.to_arrays().items() if not k.startswith("roles.")}
    assert Activity.from_arrays(old).roles == {}          # arrays written before roles


def test_one_location_is_no_pair():
    act = _act({"a": "sensory", "c": "sensory"}, selective=("a", "a"))
    assert act.sensory_pair() is None


def test_results_h5_keeps_the_roles(tmp_path):
    from attnsim.store import read_results, write_results
    from attnsim.tasks.selective import make_selective
    tr = make_selective(n_trials=4, dt_ms=1.0, timing_ms={"fixation": 5, "cue": 5, "stimulus": 10, "response": 5},
                        contrasts=[0.5], conditions=["attend_A", "attend_B"], seed=0)
    act = Activity(rates=np.ones((4, tr.n_steps, 3)), dt_ms=1.0, groups={"a": slice(0, 1), "b": slice(1, 2),
                                                                       "h": slice(2, 3)},
                   selective_groups=("a", "b"), choice=np.zeros(4, int), reaction_time_ms=np.full(4, np.nan),
                   roles={"a": "sensory", "b": "sensory", "h": "hidden"})
    write_results(str(tmp_path / "r.h5"), tr, {"m": act}, {"m": ("x", "brain")}, ["rates"])
    back = read_results(str(tmp_path / "r.h5")).activities["m"]
    assert back.roles == act.roles and back.sensory_pair() == ("a", "b")

"""Capacity cost on constructed observers whose d' is known in closed form."""
import numpy as np
import pytest
from scipy.stats import norm

from models.activity import Activity
from sim.analysis.capacity import capacity_cost
from sim.tasks.divided import make_divided

TIMING = {"fixation": 10, "cue": 10, "stimulus": 20, "response": 10}


def _observer(trials, d_by_condition, rng):
    """An unbiased 2AFC observer: P(correct) = Phi(d/2) in a yes/no-on-A frame."""
    cond = trials.conditions["condition"]
    p_correct = np.array([norm.cdf(d_by_condition[c] / 2) for c in cond])
    correct = rng.random(trials.n_trials) < p_correct
    choice = np.where(correct, trials.target, 1 - trials.target)
    return Activity(rates=np.zeros((trials.n_trials, 5, 2)), dt_ms=10.0,
                    groups={"a": slice(0, 1), "b": slice(1, 2)}, selective_groups=("a", "b"),
                    choice=choice, reaction_time_ms=np.full(trials.n_trials, np.nan))


@pytest.mark.parametrize("cost", [1.0, 1 / np.sqrt(2)])
def test_capacity_ratio_recovers_constructed_cost(cost):
    rng = np.random.default_rng(3)
    trials = make_divided(n_trials=30000, dt_ms=10.0, timing_ms=TIMING, contrasts=[0.5],
                          conditions=["focused_A", "focused_B", "divided"], seed=4)
    d_single = 2.0
    act = _observer(trials, {"focused_A": d_single, "focused_B": d_single, "divided": d_single * cost}, rng)
    out = capacity_cost(trials, act)["all"]
    assert out["d_single"] == pytest.approx(d_single, rel=0.06)
    assert out["ratio"] == pytest.approx(cost, rel=0.06)
    assert out["fixed_capacity_d_dual"] == pytest.approx(out["d_single"] / np.sqrt(2))
    assert out["serial_p_dual"] == pytest.approx((out["p_single"] + 0.5) / 2)
    assert out["p_single"] == pytest.approx(norm.cdf(d_single / 2), abs=0.015)


def test_not_applicable_without_divided_condition():
    from sim.analysis.windows import NotApplicable
    trials = make_divided(n_trials=20, dt_ms=10.0, timing_ms=TIMING, contrasts=[0.5],
                          conditions=["focused_A", "focused_B"], seed=1)
    act = _observer(trials, {"focused_A": 1.0, "focused_B": 1.0}, np.random.default_rng(0))
    with pytest.raises(NotApplicable):
        capacity_cost(trials, act)

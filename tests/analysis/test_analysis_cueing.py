"""Cueing effect on a constructed observer whose valid/invalid accuracy is known."""
import numpy as np
import pytest

from attnsim.models.activity import Activity
from attnsim.analysis.cueing import cueing_effect
from attnsim.analysis.windows import NotApplicable
from attnsim.tasks.divided import make_divided

TIMING = {"fixation": 10, "cue": 10, "stimulus": 20, "response": 10}


def _activity(trials, choice):
    return Activity(rates=np.zeros((trials.n_trials, 5, 2)), dt_ms=10.0,
                    groups={"a": slice(0, 1), "b": slice(1, 2)}, selective_groups=("a", "b"),
                    choice=choice, reaction_time_ms=np.full(trials.n_trials, np.nan))


def test_capture_and_validity_effect_match_the_constructed_observer():
    # the observer follows the cue with probability q and otherwise reports the target,
    # so acc_valid = 1, acc_invalid = 1 - q, cue_capture = q (closed form)
    q = 0.3
    trials = make_divided(n_trials=20000, dt_ms=10.0, timing_ms=TIMING, contrasts=[0.5],
                          conditions=["focused_A", "focused_B", "divided"], cue_validity=0.6, seed=2)
    rng = np.random.default_rng(5)
    cond = np.asarray(trials.conditions["condition"]).astype(str)
    cued = np.where(cond == "focused_A", 0, np.where(cond == "focused_B", 1, -1))
    follow = (rng.random(trials.n_trials) < q) & (cued >= 0)
    choice = np.where(follow, cued, trials.target)
    out = cueing_effect(trials, _activity(trials, choice))["all"]
    assert out["acc_valid"] == 1.0
    assert out["acc_invalid"] == pytest.approx(1 - q, abs=0.02)
    assert out["cue_capture"] == pytest.approx(q, abs=0.02)
    assert out["validity_effect"] == pytest.approx(q, abs=0.02)
    # 2/3 of trials are focused, 60 % of them valid
    assert out["n_valid"] == pytest.approx(20000 * 2 / 3 * 0.6, rel=0.03)


def test_undecided_trials_are_wrong_and_not_captured():
    trials = make_divided(n_trials=300, dt_ms=10.0, timing_ms=TIMING, contrasts=[0.5],
                          conditions=["focused_A", "focused_B"], seed=1)
    out = cueing_effect(trials, _activity(trials, np.full(trials.n_trials, -1)))["all"]
    assert out["acc_valid"] == out["acc_invalid"] == out["cue_capture"] == 0.0


def test_not_applicable_without_focused_trials():
    trials = make_divided(n_trials=30, dt_ms=10.0, timing_ms=TIMING, contrasts=[0.5],
                          conditions=["divided"], seed=1)
    with pytest.raises(NotApplicable):
        cueing_effect(trials, _activity(trials, trials.target))

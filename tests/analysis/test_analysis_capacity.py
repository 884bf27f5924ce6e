"""Capacity cost on the dual-report design, with synthetic observers whose capacity is known
(tests/helpers/dual_observers.py)."""
import math

import numpy as np
import pytest
from scipy.stats import norm

from attnsim.models.activity import Activity
from attnsim.analysis.capacity import NO_EFFECT, capacity_cost, capacity_verdict, predictions, serial_ratio
from attnsim.analysis.windows import NotApplicable
from attnsim.tasks.divided import make_divided
from tests.helpers import dual_observers

TIMING, CONDS, D_SINGLE = dual_observers.TIMING, dual_observers.CONDS, dual_observers.D_SINGLE
_activity, _observer, _trials = dual_observers.reports_activity, dual_observers.observer, dual_observers.dual_trials


def test_serial_prediction_matches_row_10():
    # row 10: a d' ratio of about 0.41-0.46 at P_single 0.8-0.9
    assert serial_ratio(0.8) == pytest.approx(norm.ppf(0.65) / norm.ppf(0.8))
    assert 0.45 < serial_ratio(0.8) < 0.46 and 0.40 < serial_ratio(0.9) < 0.42
    assert predictions(0.8)["fixed"] == pytest.approx(1 / math.sqrt(2))


@pytest.mark.parametrize("kind", ["unlimited", "fixed", "serial"])
def test_verdict_identifies_each_observer_at_large_n(kind):
    trials = _trials(4000)
    out = capacity_cost(trials, _observer(trials, kind, np.random.default_rng(5)), n_boot=300)["all"]
    assert out["verdict"] == kind
    expected = {"unlimited": 1.0, "fixed": 1 / math.sqrt(2), "serial": serial_ratio(out["p_single"])}[kind]
    assert out["ratio_ci_lo"] <= expected <= out["ratio_ci_hi"]
    assert 0.77 < out["p_single"] < 0.83
    # per-location d' against the closed form d = 2 Z(0.8); SE of a yes/no d' at n = 4000 ~ 0.05
    for loc in "AB":
        assert out[f"d_single_{loc}"] == pytest.approx(D_SINGLE, abs=0.2)


@pytest.mark.parametrize("kind", ["unlimited", "fixed", "serial"])
def test_small_n_is_inconclusive_and_says_how_many_trials(kind):
    trials = _trials(40)
    out = capacity_cost(trials, _observer(trials, kind, np.random.default_rng(6)), n_boot=300)["all"]
    assert out["verdict"] == "inconclusive"
    assert out["ratio_ci_hi"] - out["ratio_ci_lo"] > 0.29
    # SE ~ 1/sqrt(n): the extrapolation asks for more trials than were run, of the order row 10 implies
    # (2.4/sqrt(n) with the 0.25 gap between fixed and serial: ~ (2 * 1.96 * 2.4 / 0.25)^2 ~ 1400)
    assert 40 < out["n_per_condition_needed"] < 20000


def test_ceiling_is_flagged_instead_of_a_ratio():
    trials = _trials(400)
    out = capacity_cost(trials, _observer(trials, "unlimited", np.random.default_rng(7), d=5.0), n_boot=50)["all"]
    assert out["p_single"] > 0.95 and out["verdict"] == "ceiling" and math.isnan(out["ratio"])


def test_floor_is_flagged():
    trials = _trials(400)
    out = capacity_cost(trials, _observer(trials, "unlimited", np.random.default_rng(8), d=0.2), n_boot=50)["all"]
    assert out["p_single"] < 0.6 and out["verdict"] == "floor"


def test_single_location_dprime_uses_only_that_locations_reports():
    trials = _trials(200)
    act = _observer(trials, "unlimited", np.random.default_rng(9))
    out = capacity_cost(trials, act, n_boot=0)["all"]
    cond, pres, rep = trials.conditions["condition"], trials.target, act.location_reports
    f = cond == "focused_A"
    h = ((rep[f & (pres[:, 0] == 1), 0] == 1).sum() + 0.5) / ((f & (pres[:, 0] == 1)).sum() + 1)
    fa = ((rep[f & (pres[:, 0] == 0), 0] == 1).sum() + 0.5) / ((f & (pres[:, 0] == 0)).sum() + 1)
    assert out["d_single_A"] == pytest.approx(norm.ppf(h) - norm.ppf(fa), rel=1e-12)
    assert math.isnan(out["ratio_ci_lo"])                     # n_boot = 0: no interval


def test_same_seed_same_interval():
    trials = _trials(100)
    act = _observer(trials, "fixed", np.random.default_rng(10))
    a = capacity_cost(trials, act, n_boot=100, bootstrap_seed=3)["all"]
    b = capacity_cost(trials, act, n_boot=100, bootstrap_seed=3)["all"]
    assert a["ratio_ci_lo"] == b["ratio_ci_lo"] and a["ratio_ci_hi"] == b["ratio_ci_hi"]


def test_single_choice_divided_task_is_not_applicable():
    trials = make_divided(n_trials=30, dt_ms=1.0, timing_ms=TIMING, contrasts=[0.5], conditions=CONDS, seed=1)
    act = Activity(rates=np.zeros((30, 1, 2)), dt_ms=1.0, groups={"A": slice(0, 1), "B": slice(1, 2)},
                   selective_groups=("A", "B"), choice=trials.target.copy(), reaction_time_ms=np.full(30, np.nan))
    with pytest.raises(NotApplicable, match="dual-report"):
        capacity_cost(trials, act)


def test_missing_reports_are_not_applicable_with_a_hint():
    trials = _trials(20)
    act = _activity(trials.n_trials, np.full((trials.n_trials, 2), -1), np.zeros((trials.n_trials, 2)))
    with pytest.raises(NotApplicable, match="report_criterion_hz"):
        capacity_cost(trials, act)


def test_no_capacity_verdict_without_an_attention_effect_on_sensitivity():
    """Issue 19 item 5: an observer whose d' ignores the cue (d' uncued = d' focused) has a d' ratio of 1
    and read "unlimited"; with no focused-vs-uncued benefit no capacity model can be named."""
    trials = _trials(4000)
    out = capacity_cost(trials, _observer(trials, "unlimited", np.random.default_rng(5), d_uncued=D_SINGLE),
                        n_boot=300)["all"]
    assert out["benefit_ci_lo"] <= 0 <= out["benefit_ci_hi"]
    assert out["ratio_ci_lo"] <= 1 <= out["ratio_ci_hi"] and out["ratio_ci_hi"] - out["ratio_ci_lo"] < 0.29
    assert out["verdict"] == NO_EFFECT and out["outcome"] == "inconclusive"
    assert "holds 0" in out["verdict_reason"]
    # the same observer with a cueing benefit (uncued d' = d/4): a capacity verdict
    benefit = capacity_cost(trials, _observer(trials, "unlimited", np.random.default_rng(5)), n_boot=300)["all"]
    assert benefit["benefit_ci_lo"] > 0
    assert benefit["d_uncued"] == pytest.approx(D_SINGLE / 4, abs=0.2)
    assert benefit["verdict"] == "unlimited" and benefit["outcome"] == "pass"


def test_capacity_verdict_gate_uses_rule_excludes():
    ci = (0.9, 1.1)                                               # identifies unlimited by itself
    assert capacity_verdict(ci, 0.8, (0.2, 0.9))["verdict"] == "unlimited"
    assert capacity_verdict(ci, 0.8, (-0.1, 0.4))["verdict"] == NO_EFFECT      # holds 0
    assert capacity_verdict(ci, 0.8, (-0.6, -0.2))["verdict"] == NO_EFFECT     # the uncued location is better
    assert capacity_verdict(ci, 0.8, None)["verdict"] == NO_EFFECT             # no interval: not shown
    assert capacity_verdict(ci, 0.97, (0.2, 0.9))["verdict"] == "ceiling"      # the ceiling comes first

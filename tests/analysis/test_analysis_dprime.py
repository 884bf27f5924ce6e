"""d' against the closed forms of Macmillan & Creelman (2005): yes/no Z(H) - Z(F), 2AFC (Z(H) - Z(F))/sqrt 2."""
import math

import numpy as np
import pytest
from scipy.stats import norm

from attnsim.models.activity import Activity
from attnsim.analysis.dprime import (capacity_bounds, dprime, dprime_2afc, dprime_2afc_from_pc, dprime_from_counts,
                                 dprime_yes_no, serial_p_dual)
from attnsim.tasks.dual_report import make_dual_report
from attnsim.tasks.selective import make_selective

TIMING = {"fixation": 10, "cue": 10, "stimulus": 20, "response": 10}


def _act(n, choice, reports=None):
    return Activity(rates=np.zeros((n, 5, 2)), dt_ms=1.0, groups={"A": slice(0, 1), "B": slice(1, 2)},
                    selective_groups=("A", "B"), choice=choice, reaction_time_ms=np.full(n, np.nan),
                    location_reports=reports)


def test_2afc_localisation_recovers_the_yes_no_sensitivity_of_each_location():
    # an observer with yes/no sensitivity d at each location picks the larger of the two
    # evidences: pc = Phi(d / sqrt 2), and the 2AFC formula must give back d (the yes/no
    # formula gives sqrt(2) d)
    d, n = 1.5, 40000
    tr = make_selective(n_trials=n, dt_ms=1.0, timing_ms=TIMING, contrasts=[0.5], conditions=["neutral"], seed=4)
    rng = np.random.default_rng(1)
    x = rng.normal(size=(n, 2))
    x[np.arange(n), tr.target] += d
    out = dprime(tr, _act(n, x.argmax(axis=1)))
    # SE of the estimate at n = 40000 is ~0.015
    assert out["all"] == pytest.approx(d, abs=0.06)
    assert dprime_2afc_from_pc(norm.cdf(d / math.sqrt(2))) == pytest.approx(d)


def test_2afc_formula_from_counts():
    h, f = 70, 20
    assert dprime_2afc(h, 100, f, 100) == pytest.approx(
        (norm.ppf(70.5 / 101) - norm.ppf(20.5 / 101)) / math.sqrt(2), rel=1e-12)


def test_dual_report_yes_no_dprime_per_location_from_that_locations_reports():
    n, d_a, d_b = 24000, 1.0, 2.0
    tr = make_dual_report(n_trials=n, dt_ms=1.0, timing_ms=TIMING, contrasts=[0.3], conditions=["divided"], seed=3)
    rng = np.random.default_rng(2)
    x = rng.normal(size=(n, 2)) + np.array([d_a, d_b]) * tr.target
    reports = (x > np.array([0.2, 1.4])).astype(int)         # biased criteria: yes/no d' is unaffected
    reports[:10, 0] = -1                                     # no report: neither hit nor false alarm
    out = dprime(tr, _act(n, np.full(n, -1), reports))
    assert out["all"]["A"] == pytest.approx(d_a, abs=0.07) and out["all"]["B"] == pytest.approx(d_b, abs=0.07)
    sig = tr.target[:, 0] == 1
    exact = norm.ppf(((reports[sig, 0] == 1).sum() + 0.5) / (sig.sum() + 1)) - norm.ppf(
        ((reports[~sig, 0] == 1).sum() + 0.5) / ((~sig).sum() + 1))
    assert out["divided"]["A"] == pytest.approx(exact, rel=1e-12)


def test_loglinear_correction_keeps_perfect_performance_finite():
    d = dprime_yes_no(50, 50, 0, 50)
    assert d == pytest.approx(2 * norm.ppf(50.5 / 51))
    assert dprime_from_counts(25, 50, 25, 50) == pytest.approx(0.0)
    assert math.isnan(dprime_yes_no(3, 0, 1, 10))


def test_single_target_labels_have_no_dprime():
    tr = make_selective(n_trials=10, dt_ms=1.0, timing_ms=TIMING, contrasts=[0.5], conditions=["attend_A"])
    assert dprime(tr, _act(10, np.zeros(10, int))) == {}        # every target is A: no noise trials


def test_capacity_bounds_and_serial_model():
    b = capacity_bounds(2.0)
    assert b == {"unlimited": 2.0, "fixed": pytest.approx(2.0 / math.sqrt(2))}
    assert serial_p_dual(1.0) == 0.75 and serial_p_dual(0.5) == 0.5

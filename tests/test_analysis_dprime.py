"""d' against the scipy.stats.norm closed form, and the divided-attention capacity bounds."""
import math

import numpy as np
import pytest
from scipy.stats import norm

from models.activity import Activity
from sim.analysis.dprime import capacity_bounds, dprime, dprime_from_counts, serial_p_dual
from sim.tasks.selective import make_selective

TIMING = {"fixation": 10, "cue": 10, "stimulus": 20, "response": 10}


def test_dprime_from_constructed_choices():
    tr = make_selective(n_trials=100, dt_ms=1.0, timing_ms=TIMING, contrasts=[0.5], conditions=["neutral"], seed=4)
    tgt = tr.target
    ia, ib = np.flatnonzero(tgt == 0), np.flatnonzero(tgt == 1)
    choice = np.where(tgt == 0, 0, 1)
    choice[ia[: len(ia) // 4]] = 1                     # misses of A
    choice[ib[: len(ib) // 5]] = 0                     # false alarms to A
    choice[ib[-2:]] = -1                               # undecided: neither a hit nor a false alarm
    act = Activity(rates=np.zeros((100, 50, 2)), dt_ms=1.0, groups={"A": slice(0, 1), "B": slice(1, 2)},
                   selective_groups=("A", "B"), choice=choice, reaction_time_ms=np.full(100, np.nan))
    d = dprime(tr, act)
    hit_a, fa_a = np.sum(choice[ia] == 0), np.sum(choice[ib] == 0)
    expect_a = norm.ppf((hit_a + 0.5) / (len(ia) + 1)) - norm.ppf((fa_a + 0.5) / (len(ib) + 1))
    hit_b, fa_b = np.sum(choice[ib] == 1), np.sum(choice[ia] == 1)
    expect_b = norm.ppf((hit_b + 0.5) / (len(ib) + 1)) - norm.ppf((fa_b + 0.5) / (len(ia) + 1))
    assert d["all"]["A"] == pytest.approx(expect_a, rel=1e-12)
    assert d["all"]["B"] == pytest.approx(expect_b, rel=1e-12)
    assert 0.5 < d["all"]["A"] < 3


def test_loglinear_correction_keeps_perfect_performance_finite():
    d = dprime_from_counts(50, 50, 0, 50)
    assert d == pytest.approx(2 * norm.ppf(50.5 / 51))
    assert dprime_from_counts(25, 50, 25, 50) == pytest.approx(0.0)
    assert math.isnan(dprime_from_counts(3, 0, 1, 10))


def test_single_target_labels_have_no_dprime():
    tr = make_selective(n_trials=10, dt_ms=1.0, timing_ms=TIMING, contrasts=[0.5], conditions=["attend_A"])
    act = Activity(rates=np.zeros((10, 50, 2)), dt_ms=1.0, groups={"A": slice(0, 1), "B": slice(1, 2)},
                   selective_groups=("A", "B"), choice=np.zeros(10, int), reaction_time_ms=np.full(10, np.nan))
    assert dprime(tr, act) == {}                       # every target is A: no noise trials


def test_capacity_bounds_and_serial_model():
    b = capacity_bounds(2.0)
    assert b == {"unlimited": 2.0, "fixed": pytest.approx(2.0 / math.sqrt(2))}
    assert serial_p_dual(1.0) == 0.75 and serial_p_dual(0.5) == 0.5

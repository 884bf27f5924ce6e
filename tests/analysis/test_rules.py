"""The verdict rules (sim/analysis/rules.py) on constructed estimates and intervals, and the three users
(expectations, capacity_cost, the scorecard) agreeing because they call the same implementation.

Known answers are set by construction: an interval wholly inside, wholly outside, or straddling a
range edge; an interval holding or excluding a value; no interval at all.
"""
import itertools
import math

import pytest

from attnsim.analysis import rules
from attnsim.analysis.capacity import FIXED, _verdict
from attnsim.expectations import judge, trials_needed
from attnsim.reference_signatures import SIGNATURES
from attnsim.report import compare

P, F, I = rules.PASS, rules.FAIL, rules.INCONCLUSIVE
NO_INTERVAL = [None, (None, None), (float("nan"), float("nan")), (0.1, None)]


# --- each rule --------------------------------------------------------------------------------------

def test_inside_asks_the_estimate_and_fails_an_interval_that_misses():
    r = [0.0, 1.0]
    assert rules.inside(0.5, (0.4, 0.6), r)[0] == P
    assert rules.inside(0.95, (0.9, 1.05), r)[0] == P        # straddles the edge: the estimate decides
    assert rules.inside(1.02, (0.9, 1.05), r)[0] == F
    assert rules.inside(1.5, (1.2, 1.8), r)[0] == F           # interval misses the range
    assert rules.inside(0.5, (-0.2, 1.3), r)[0] == I          # wider than the range
    for ci in NO_INTERVAL:                                    # about the estimate: a point check
        assert rules.inside(0.5, ci, r)[0] == P and rules.inside(1.5, ci, r)[0] == F
    assert rules.inside(None, (0.4, 0.6), r)[0] == F          # no estimate


def test_interval_inside_never_reads_the_estimate():
    r = [-1.0, 0.0]
    assert rules.interval_inside((-0.5, -0.1), r)[0] == P
    assert rules.interval_inside((-0.5, 0.0), r)[0] == P      # closed range: the edge itself is inside
    assert rules.interval_inside((-0.034, 0.014), r)[0] == I  # straddles the edge at 0
    assert rules.interval_inside((-1.2, -0.5), r)[0] == I     # straddles the lower edge
    assert rules.interval_inside((0.01, 0.05), r)[0] == F
    for ci in NO_INTERVAL:
        assert rules.interval_inside(ci, r)[0] == I


def test_consistent_asks_overlap():
    r = [0.5, 0.7]
    assert rules.consistent((0.66, 0.84), r)[0] == P          # estimate may lie outside
    assert rules.consistent((0.72, 0.88), r)[0] == F
    assert rules.consistent((0.4, 0.9), r)[0] == I            # wider than the range
    assert rules.consistent((-0.4, -0.2), [-0.31, -0.31])[0] == P   # a single published value
    assert rules.consistent((-0.2, -0.1), [-0.31, -0.31])[0] == F
    for ci in NO_INTERVAL:
        assert rules.consistent(ci, r)[0] == I


def test_excludes_a_value_and_keeps_the_side():
    assert rules.excludes((0.02, 0.08), 0.0)[0] == P
    assert rules.excludes((-0.02, 0.08), 0.0)[0] == I         # holds the value
    assert rules.excludes((0.0, 0.08), 0.0)[0] == I           # touching is holding (closed interval)
    assert rules.excludes((-0.08, -0.02), 0.0, [-1.0, 0.0])[0] == P
    assert rules.excludes((0.02, 0.08), 0.0, [-1.0, 0.0])[0] == F   # excludes 0 on the wrong side
    assert rules.excludes((0.75, 0.95), FIXED)[0] == P        # a rival prediction
    for ci in NO_INTERVAL:
        assert rules.excludes(ci, 0.0)[0] == I


def test_identifies_needs_an_interval_narrow_enough():
    rivals = [FIXED, 0.458]
    assert rules.identifies((0.88, 1.12), 1.0, rivals)[0] == P
    assert rules.identifies((0.84, 1.42), 1.0, rivals)[0] == I      # excludes both, 0.58 wide
    assert rules.identifies((0.60, 1.10), 1.0, rivals)[0] == I      # holds a rival
    assert rules.identifies((1.05, 1.33), 1.0, rivals)[0] == F      # excludes the prediction
    assert rules.identifies((0.90, 1.10), 1.0, rivals, max_width=0.1)[0] == I
    for ci in NO_INTERVAL:
        assert rules.identifies(ci, 1.0, rivals)[0] == I


def test_identify_names_the_one_prediction():
    preds = {"unlimited": 1.0, "fixed": FIXED, "serial": 0.46}
    assert rules.identify((0.62, 0.80), preds)[:2] == (P, "fixed")
    assert rules.identify((0.30, 0.40), preds)[:2] == (F, None)
    out, name, why = rules.identify((0.60, 1.10), preds)
    assert (out, name) == (I, None) and "unlimited and fixed" in why
    out, name, why = rules.identify((0.74, 1.05), preds)     # excludes both rivals, 0.31 wide > 0.293
    assert (out, name) == (I, None) and "wider than 0.293" in why
    assert rules.identify(None, preds)[0] == I


def test_judge_dispatches_and_rejects_unknown_rules():
    assert rules.judge("excludes", 0.05, (0.02, 0.08), value=0.0)[0] == P
    assert rules.judge("interval_inside", None, (0.02, 0.08), range=[0, 1])[0] == F   # no estimate
    with pytest.raises(ValueError):
        rules.judge("within", 0.5, (0.4, 0.6), range=[0, 1])
    with pytest.raises(ValueError):
        rules.judge("excludes", 0.5, (0.4, 0.6))


def test_trials_needed_targets_what_decides_the_rule():
    # interval_inside: estimate -0.013, 0.013 from the edge; half-width 0.024 on 12 trials
    ex = {"rule": "interval_inside", "range": [-1.0, 0.0]}
    assert trials_needed(ex, 12, -0.037, 0.011, -0.013) == math.ceil(12 * (0.024 / 0.013) ** 2)
    ex = {"rule": "excludes", "range": None, "value": 0.0}
    assert trials_needed(ex, 100, -0.01, 0.05, 0.02) == math.ceil(100 * (0.03 / 0.02) ** 2)
    assert trials_needed(ex, 100, -0.03, 0.03, 0.0) is None          # on the value: no narrowing decides
    assert trials_needed(ex, 100, None, None, 0.02) is None


# --- the defects of issue 19 ("Rules that pass what the interval does not support"), each failing on the
# --- code of 2026-12-07 morning --------------------------------------------------------------------------

def test_claim_about_the_interval_is_not_passed_by_the_estimate():
    """microcircuit_attention.yaml's 'L4 down, shown only if the interval excludes 0' passed at
    -0.013 [-0.034, +0.014] under `inside`; the rule that says what the text claims does not."""
    ex = {"rule": "interval_inside", "range": [-1.0, 0.0]}
    assert judge(ex, -0.013, -0.034, 0.014) == "inconclusive"
    assert judge(ex, -0.05, -0.08, -0.02) == "pass"
    assert judge(ex, 0.004, 0.001, 0.007) == "fail"


def test_control_fails_as_it_must_only_when_its_interval_excludes_the_effect():
    """attention_spiking.yaml's control no_local_I: the effect it controls for is a noise-correlation
    fall into [-0.6, -0.1]; an interval still holding such a fall must not count as the control failing."""
    ex = {"rule": "interval_inside", "range": [-0.1, 1.0]}
    assert judge(ex, -0.05, -0.30, 0.20) == "inconclusive"        # estimate in, interval holds the effect
    assert judge(ex, 0.232, 0.071, 0.484) == "pass"                # the recorded run: excludes it
    assert judge(ex, -0.35, -0.55, -0.15) == "fail"                # the control shows the effect


def test_identifies_without_an_interval_is_inconclusive():
    ex = {"rule": "identifies", "prediction": 1.0, "rivals": [FIXED, 0.458], "range": None}
    assert judge(ex, 1.0, None, None) == "inconclusive"


# --- one implementation: the three users agree ------------------------------------------------------

def test_expectations_capacity_and_scorecard_identify_alike():
    """For a grid of intervals at P_single 0.8 (with an attention effect on d': capacity_verdict's gate
    open), capacity_cost's verdict, the scorecard's capacity cell (`capacity_compare`, and `compare` on
    the signature's predictions) and an `identifies` expectation for each prediction reach the same
    identification."""
    from attnsim.analysis.scorecard import capacity_compare
    benefit = (0.2, 0.9)
    p_single = 0.8
    cap_sig = next(s for s in SIGNATURES if s["key"] == "capacity_ratio")
    grid = [x / 100 for x in range(30, 131, 4)]
    for lo, hi in itertools.combinations(grid, 2):
        v = _verdict((lo + hi) / 2, lo, hi, 0.05, p_single, 100, benefit)
        cell = capacity_compare({"estimate": (lo + hi) / 2, "ci_lo": lo, "ci_hi": hi},
                                {"ci_lo": benefit[0], "ci_hi": benefit[1]}, p_single)
        preds = {"unlimited": 1.0, "fixed": FIXED, "serial": v["serial_prediction"]}
        names = {"unlimited capacity": "unlimited", "fixed capacity": "fixed", "serial": "serial"}
        out, label = compare(cap_sig, lo, hi, (lo + hi) / 2,
                             {"unlimited capacity": 1.0, "fixed capacity": FIXED, "serial": preds["serial"]})
        by_exp = [k for k, x in preds.items()
                  if judge({"rule": "identifies", "prediction": x, "rivals": [y for j, y in preds.items() if j != k],
                            "range": None}, (lo + hi) / 2, lo, hi) == "pass"]
        assert cell[0] == out and (cell[1] == label or out != "pass"), (lo, hi, cell, out, label)
        if v["verdict"] in preds:
            assert out == "pass" and names[label.removeprefix("identifies ")] == v["verdict"], (lo, hi)
            assert v["outcome"] == "pass" and by_exp == [v["verdict"]], (lo, hi)
        else:
            assert out != "pass" and v["outcome"] == out and not by_exp, (lo, hi, out, by_exp)


def test_claim_about_the_architecture_needs_five_seeds():
    """over="seeds": with fewer than MIN_SEEDS realizations no rule's outcome stands (pass or fail);
    a missing estimate stays a fail; a claim about this realization (default) is unchanged."""
    from attnsim.analysis.rules import MIN_SEEDS, judge, realizations
    assert MIN_SEEDS == 5
    args = dict(range=[0.2, 0.4])
    assert judge("inside", 0.32, (0.32, 0.32), **args) == ("pass", "the estimate is in the range")
    out, why = judge("inside", 0.32, (0.32, 0.32), over="seeds", n_seeds=1, **args)
    assert out == "inconclusive" and why.startswith(
        "interval over trials of one realization; a claim about the architecture needs >= 5 network/training seeds")
    assert judge("interval_inside", 0.9, (0.8, 1.0), over="seeds", n_seeds=4, **args)[0] == "inconclusive"
    assert "interval over 4 seeds" in judge("interval_inside", 0.9, (0.8, 1.0), over="seeds", n_seeds=4, **args)[1]
    assert judge("interval_inside", 0.9, (0.8, 1.0), over="seeds", n_seeds=5, **args)[0] == "fail"
    assert judge("interval_inside", 0.3, (0.25, 0.35), over="seeds", n_seeds=5, **args)[0] == "pass"
    assert judge("inside", None, None, over="seeds", n_seeds=1, **args) == ("fail", "no estimate")
    assert judge("inside", 0.3, None, over="seeds", n_seeds=None, **args)[0] == "inconclusive"
    assert realizations(5) is None and realizations(0).startswith("interval over trials of one realization")
    with pytest.raises(ValueError, match="unknown over 'networks'"):
        judge("inside", 0.3, None, over="networks", **args)

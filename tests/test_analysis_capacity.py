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
    out = capacity_cost(trials, act, n_boot=200)["all"]
    assert out["d_single"] == pytest.approx(d_single, rel=0.06)
    assert out["ratio"] == pytest.approx(cost, rel=0.06)
    assert out["fixed_capacity_d_dual"] == pytest.approx(out["d_single"] / np.sqrt(2))
    assert out["serial_p_dual"] == pytest.approx((out["p_single"] + 0.5) / 2)
    assert out["p_single"] == pytest.approx(norm.cdf(d_single / 2), abs=0.015)
    # the bootstrap interval holds the constructed ratio and, at this size, excludes the other bound
    assert out["ratio_ci_lo"] <= cost <= out["ratio_ci_hi"]
    other = 1 / np.sqrt(2) if cost == 1.0 else 1.0
    assert not out["ratio_ci_lo"] <= other <= out["ratio_ci_hi"]


def test_bootstrap_interval_narrows_with_trials_and_is_reproducible():
    rng = np.random.default_rng(8)
    width = []
    for n in (600, 6000):
        trials = make_divided(n_trials=n, dt_ms=10.0, timing_ms=TIMING, contrasts=[0.5],
                              conditions=["focused_A", "focused_B", "divided"], seed=5)
        act = _observer(trials, {"focused_A": 1.5, "focused_B": 1.5, "divided": 1.2}, rng)
        a, b = capacity_cost(trials, act, n_boot=300)["all"], capacity_cost(trials, act, n_boot=300)["all"]
        assert a["ratio_ci_lo"] == b["ratio_ci_lo"] and a["ratio_ci_hi"] == b["ratio_ci_hi"]
        assert a["ratio_ci_lo"] < a["ratio"] < a["ratio_ci_hi"]
        width.append(a["ratio_ci_hi"] - a["ratio_ci_lo"])
    # percentile-interval width scales ~ 1/sqrt(n): 10x the trials, ~1/3 the width
    assert 0.2 < width[1] / width[0] < 0.5


def test_not_applicable_without_divided_condition():
    from sim.analysis.windows import NotApplicable
    trials = make_divided(n_trials=20, dt_ms=10.0, timing_ms=TIMING, contrasts=[0.5],
                          conditions=["focused_A", "focused_B"], seed=1)
    act = _observer(trials, {"focused_A": 1.0, "focused_B": 1.0}, np.random.default_rng(0))
    with pytest.raises(NotApplicable):
        capacity_cost(trials, act)


# --- neurometric d' per location ---------------------------------------------------------------

def _neural(trials, d_single, d_dual, rng, cue_offset=3.0, sd_absent=1.0, choose_by_rate=False, d_uncued=None):
    """Gaussian stimulus-epoch rates: group L = d * [target at L] + cue_offset * [cue on L] + noise.

    Present trials have sd 1, absent trials sd `sd_absent`, so the closed-form d' is
    d / sqrt((1 + sd_absent**2) / 2). Outside the stimulus epoch the rates are junk (1e3)
    to check that only the stimulus window is read.
    """
    cond = np.asarray(trials.conditions["condition"]).astype(str)
    n = trials.n_trials
    resp = np.zeros((n, 2))
    for k, loc in enumerate("AB"):
        d_off = (d_uncued or d_single)[loc]
        d = np.where(cond == "divided", d_dual[loc], np.where(cond == f"focused_{loc}", d_single[loc], d_off))
        present = trials.target == k
        cue = np.where(cond == f"focused_{loc}", 1.0, np.where(cond == "divided", 0.5, 0.0))
        sd = np.where(present, 1.0, sd_absent)
        resp[:, k] = d * present + cue_offset * cue + sd * rng.standard_normal(n)
    rates = np.full((n, trials.n_steps, 2), 1e3)
    stim = trials.epochs["stimulus"]
    rates[:, stim, :] = resp[:, None, :]
    choice = np.argmax(resp, axis=1) if choose_by_rate else trials.target
    return Activity(rates=rates, dt_ms=trials.dt_ms, groups={"a": slice(0, 1), "b": slice(1, 2)},
                    selective_groups=("a", "b"), choice=np.asarray(choice),
                    reaction_time_ms=np.full(n, np.nan))


def _trials(n=24000, conditions=("focused_A", "focused_B", "divided"), seed=5):
    return make_divided(n_trials=n, dt_ms=10.0, timing_ms=TIMING, contrasts=[0.5],
                        conditions=list(conditions), seed=seed)


@pytest.mark.parametrize("cost", [1.0, 1 / np.sqrt(2), 0.5])
def test_neurometric_ratio_recovers_constructed_cost(cost):
    trials = _trials()
    act = _neural(trials, {"A": 2.0, "B": 1.0}, {"A": 2.0 * cost, "B": 1.0 * cost}, np.random.default_rng(6))
    out = capacity_cost(trials, act, n_boot=0)["all"]
    assert out["neuro_d_single_A"] == pytest.approx(2.0, rel=0.05)
    assert out["neuro_d_single_B"] == pytest.approx(1.0, rel=0.07)
    assert out["neuro_d_single"] == pytest.approx(1.5, rel=0.05)  # mean over locations
    assert out["neuro_d_dual"] == pytest.approx(1.5 * cost, rel=0.06)
    assert out["neuro_ratio"] == pytest.approx(cost, rel=0.06)
    assert out["neuro_ratio_A"] == pytest.approx(cost, rel=0.07)
    assert out["neuro_fixed_capacity_d_dual"] == pytest.approx(out["neuro_d_single"] / np.sqrt(2))
    inside = 1 / np.sqrt(2) - 0.01 <= cost <= 1.0  # 0.5 is outside, the sqrt(2) case straddles the bound
    if cost in (1.0, 0.5):
        assert out["neuro_within_capacity_bounds"] == float(inside and out["neuro_ratio"] <= 1.0)


def test_neurometric_dprime_uses_pooled_sd_closed_form():
    # unequal variances: d' = d / sqrt((1 + 2**2) / 2)
    trials = _trials()
    act = _neural(trials, {"A": 3.0, "B": 3.0}, {"A": 3.0, "B": 3.0}, np.random.default_rng(7), sd_absent=2.0)
    out = capacity_cost(trials, act, n_boot=0)["all"]
    assert out["neuro_d_single"] == pytest.approx(3.0 / np.sqrt(2.5), rel=0.05)
    assert out["neuro_ratio"] == pytest.approx(1.0, rel=0.06)


def test_neurometric_is_blind_to_cue_bias_that_moves_behavioural_ratio():
    # choice = larger rate. A moderate criterion shift leaves equal-variance Gaussian d' alone, but a cue
    # strong enough to decide the focused choice drives hits and false alarms both to ~1, where the
    # corrected behavioural d' collapses (ratio > 1) though per-location sensitivity is the same everywhere
    trials = _trials()
    act = _neural(trials, {"A": 1.5, "B": 1.5}, {"A": 1.5, "B": 1.5}, np.random.default_rng(8),
                  cue_offset=6.0, choose_by_rate=True)
    out = capacity_cost(trials, act, n_boot=0)["all"]
    assert out["ratio"] > 1.5
    assert out["p_single"] > 0.99  # valid focused trials: the cue alone picks the right answer
    assert out["neuro_ratio"] == pytest.approx(1.0, abs=0.06)


def test_neurometric_no_variance_is_nan():
    from sim.analysis.capacity import neurometric_dprime
    assert np.isnan(neurometric_dprime([2.0, 2.0, 2.0], [1.0, 1.0]))
    assert np.isnan(neurometric_dprime([2.0], [1.0, 1.5]))  # < 2 trials: no variance estimate
    assert neurometric_dprime([1.0, 3.0], [0.0, 2.0]) == pytest.approx(1.0 / np.sqrt(2.0))
    # rounding-level spread (a deterministic network) is no variance either
    eps = np.finfo(float).eps
    assert np.isnan(neurometric_dprime([0.9, 0.9 * (1 + 2 * eps), 0.9], [0.1, 0.1 * (1 + 2 * eps)]))
    assert np.isfinite(neurometric_dprime([0.9, 0.9 * (1 + 1e-6)], [0.1, 0.1 * (1 + 1e-6)]))
    trials = _trials(n=300)
    act = _neural(trials, {"A": 1.0, "B": 1.0}, {"A": 1.0, "B": 1.0}, np.random.default_rng(9))
    act.rates[:] = 5.0  # a constant model
    out = capacity_cost(trials, act, n_boot=0)["all"]
    assert np.isnan(out["neuro_d_single"]) and np.isnan(out["neuro_ratio"])
    assert np.isnan(out["neuro_within_capacity_bounds"])
    assert np.isfinite(out["ratio"])  # the behavioural numbers do not depend on the rates


def test_neurometric_missing_focused_location_uses_the_measured_one():
    trials = _trials(n=12000, conditions=("focused_A", "divided"))
    act = _neural(trials, {"A": 2.0, "B": 2.0}, {"A": 1.0, "B": 3.0}, np.random.default_rng(10))
    out = capacity_cost(trials, act, n_boot=0)["all"]
    assert np.isnan(out["neuro_d_single_B"]) and np.isnan(out["neuro_ratio_B"])
    assert out["neuro_d_dual_B"] == pytest.approx(3.0, rel=0.07)  # measured, but not averaged in
    assert out["neuro_d_dual"] == pytest.approx(1.0, rel=0.07)
    assert out["neuro_ratio"] == pytest.approx(0.5, rel=0.08)


def test_neurometric_per_contrast_groups():
    trials = make_divided(n_trials=16000, dt_ms=10.0, timing_ms=TIMING, contrasts=[0.2, 0.8],
                          conditions=["focused_A", "focused_B", "divided"], seed=11)
    act = _neural(trials, {"A": 2.0, "B": 2.0}, {"A": 1.6, "B": 1.6}, np.random.default_rng(12))
    out = capacity_cost(trials, act, n_boot=0)
    assert set(out) == {"all", "@0.2", "@0.8"}
    for label in out:
        assert out[label]["neuro_ratio"] == pytest.approx(0.8, rel=0.08)


def test_neurometric_uncued_location():
    trials = _trials()
    act = _neural(trials, {"A": 2.0, "B": 2.0}, {"A": 1.6, "B": 1.6}, np.random.default_rng(13),
                  d_uncued={"A": 1.0, "B": 0.6})
    out = capacity_cost(trials, act, n_boot=0)["all"]
    assert out["neuro_d_uncued_A"] == pytest.approx(1.0, rel=0.08)
    assert out["neuro_d_uncued"] == pytest.approx(0.8, rel=0.08)
    assert out["neuro_ratio"] == pytest.approx(0.8, rel=0.06)  # uncued trials do not enter the ratio

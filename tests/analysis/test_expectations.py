"""Expectations with uncertainty: bootstrap interval, rules, verdicts, schema errors.

Known answers: the percentile bootstrap of an accuracy over n Bernoulli trials
against the (stratified) binomial normal-approximation interval; verdicts on
constructed estimates; the same seed giving the same interval.
"""
import math
import textwrap

import numpy as np
import pytest
from scipy.stats import norm

from attnsim.models.activity import Activity
from attnsim.analysis.bootstrap import bootstrap_metric, hierarchical, strata
from attnsim.analysis.registry import compute_metrics
from attnsim.expectations import all_pass, evaluate, judge, table, trials_needed
from attnsim.scenario.load import load_file
from attnsim.scenario.yaml_lines import ScenarioError
from attnsim.tasks.trials import Trials


def _trials(target, condition=None):
    n = len(target)
    cond = np.array(["attend_A"] * n) if condition is None else np.asarray(condition)
    return Trials(dt_ms=10.0, inputs=np.zeros((n, 3, 4)), channels=("stim_A", "stim_B", "cue_A", "cue_B"),
                  target=np.asarray(target), epochs={"stimulus": slice(0, 3)}, conditions={"condition": cond})


def _activity(choice):
    n = len(choice)
    return Activity(rates=np.zeros((n, 3, 2)), dt_ms=10.0, groups={"A": slice(0, 1), "B": slice(1, 2)},
                    selective_groups=("A", "B"), choice=np.asarray(choice), reaction_time_ms=np.full(n, np.nan))


def _bernoulli(n, p, seed):
    rng = np.random.default_rng(seed)
    target = rng.integers(0, 2, n)
    correct = rng.random(n) < p
    return _trials(target), _activity(np.where(correct, target, 1 - target))


def _ex(**kw):
    base = {"model": "m", "metric": "accuracy", "condition": "all", "group": None, "rule": "inside",
            "range": [0.8, 0.9], "prediction": None, "rivals": [], "n_boot": 200, "known_deviation": None,
            "calibration": False, "source": "test", "where": None}
    return {**base, **kw}


def _evaluate(expect, tr, act, seed=0):
    models = {"m": {"metrics": compute_metrics(["accuracy", "p_choice_A"], tr, act)}}
    return evaluate(expect, models, tr, {"m": act}, seed=seed)


def test_bootstrap_accuracy_matches_binomial_interval():
    """Percentile interval of accuracy vs p_hat -/+ 1.96 SE, SE^2 = sum_s (n_s/n)^2 p_s(1-p_s)/n_s
    (stratified binomial variance, Cochran 1977 eq. 5.6; strata: the target here)."""
    n, p, B = 400, 0.8, 2000
    tr, act = _bernoulli(n, p, seed=5)
    boot = bootstrap_metric(tr, act, "accuracy", "all", n_boot=B, seed=1)
    correct = act.choice == tr.target
    assert boot.estimate == pytest.approx(correct.mean())
    cells = strata(tr)
    var = sum((np.sum(cells == c) / n) ** 2 * correct[cells == c].mean() * (1 - correct[cells == c].mean())
              / np.sum(cells == c) for c in np.unique(cells))
    se = math.sqrt(var)
    lo, hi = boot.interval
    # tolerance from theory, in units of se: Monte Carlo sd of a 2.5 % sample quantile
    # sqrt(q(1-q)/B)/phi(z_q), 4 of them; the lattice step 1/n of a proportion; and the
    # Cornish-Fisher shift of the binomial quantile from the normal one, |g|(z^2-1)/6, g = skewness
    q, z = 0.025, norm.ppf(0.975)
    mc = math.sqrt(q * (1 - q) / B) / norm.pdf(z)
    skew = abs(1 - 2 * p) / math.sqrt(n * p * (1 - p))
    tol = (4 * mc + (1 / n) / se + skew * (z ** 2 - 1) / 6) * se
    assert lo == pytest.approx(boot.estimate - z * se, abs=tol)
    assert hi == pytest.approx(boot.estimate + z * se, abs=tol)
    assert boot.se == pytest.approx(se, rel=0.1)   # sd of B bootstrap values: rel. MC error 1/sqrt(2B) = 1.6 %


def test_same_seed_same_interval_and_other_seed_differs():
    tr, act = _bernoulli(60, 0.7, seed=2)
    a = bootstrap_metric(tr, act, "accuracy", n_boot=100, seed=7)
    b = bootstrap_metric(tr, act, "accuracy", n_boot=100, seed=7)
    c = bootstrap_metric(tr, act, "accuracy", n_boot=100, seed=8)
    assert np.array_equal(a.replicates, b.replicates)
    assert not np.array_equal(a.replicates, c.replicates)
    r1 = _evaluate([_ex()], tr, act, seed=3)
    r2 = _evaluate([_ex()], tr, act, seed=3)
    assert r1 == r2


def test_resample_keeps_every_cell_size():
    cond = np.array(["attend_A", "attend_B", "neutral"] * 10)
    target = np.array([0, 1] * 15)
    tr = _trials(target, cond)
    cells = strata(tr)
    assert len(np.unique(cells)) == 6
    boot = bootstrap_metric(tr, _activity(target), "accuracy", "attend_B", n_boot=50, seed=0)
    # all choices correct: every resample, whatever its cell, reads accuracy 1 (the label exists in each)
    assert boot.replicates.size == 50 and np.all(boot.replicates == 1.0)


def test_estimate_inside_but_interval_wider_is_inconclusive():
    n = 20
    target = np.array([0, 1] * 10)
    choice = target.copy()
    choice[[0, 1, 2]] = 1 - target[[0, 1, 2]]     # 17 / 20 = 0.85, inside [0.8, 0.9]
    tr, act = _trials(target), _activity(choice)
    (r,) = _evaluate([_ex()], tr, act)
    assert r["estimate"] == pytest.approx(0.85) and r["value"] == r["estimate"]
    assert r["ci_hi"] - r["ci_lo"] > 0.1
    assert r["verdict"] == "inconclusive" and r["pass"] is False and not all_pass([r])
    h = (r["ci_hi"] - r["ci_lo"]) / 2
    assert r["trials_needed"] == math.ceil(n * (h / 0.05) ** 2) and r["trials_needed"] > n
    assert r["n_trials"] == n
    assert "INCONCLUSIVE" in table([r]) and "trials would settle it" in table([r])


def test_interval_missing_the_range_is_a_fail_not_inconclusive():
    target = np.array([0, 1] * 10)
    choice = 1 - target
    choice[:6] = target[:6]                       # accuracy 0.3, far below [0.8, 0.9]
    (r,) = _evaluate([_ex()], _trials(target), _activity(choice))
    assert r["ci_hi"] < 0.8 and r["ci_hi"] - r["ci_lo"] > 0.1
    assert r["verdict"] == "fail" and r["trials_needed"] is None


def test_consistent_rule_needs_overlap_only():
    ex = _ex(rule="consistent", range=[0.5, 0.7])
    assert judge(ex, 0.75, 0.66, 0.84) == "pass"       # estimate outside, interval overlaps
    assert judge(_ex(range=[0.5, 0.7]), 0.75, 0.66, 0.84) == "fail"   # `inside` asks the estimate
    assert judge(ex, 0.8, 0.72, 0.88) == "fail"


def test_identifies_with_rivals():
    # exactly half the trials choose A in each target cell: p_choice_A = 0.5, CI half-width ~ 1.96 * 0.025
    target = np.array([0, 1] * 200)
    choice = np.array([0, 0, 1, 1] * 100)
    tr, act = _trials(target), _activity(choice)
    base = dict(metric="p_choice_A", rule="identifies", range=None, n_boot=400)
    res = _evaluate([_ex(**base, prediction=0.5, rivals=[0.707, 0.3]),
                     _ex(**base, prediction=0.5, rivals=[0.52]),
                     _ex(**base, prediction=0.707, rivals=[0.5])], tr, act)
    assert [r["verdict"] for r in res] == ["pass", "inconclusive", "fail"]
    lo, hi = res[0]["ci_lo"], res[0]["ci_hi"]
    assert lo < 0.5 < hi and hi < 0.6
    h = (res[1]["ci_hi"] - res[1]["ci_lo"]) / 2
    # the identification width is the 0.02 gap: an interval at most 0.02 wide, half-width 0.01
    assert res[1]["trials_needed"] == math.ceil(400 * (h / 0.01) ** 2)
    assert "0.5 not 0.707, 0.3" in table(res)


def test_known_deviation_is_never_pass_and_does_not_fail_check():
    tr, act = _bernoulli(200, 0.5, seed=4)
    miss = _ex(range=[0.95, 1.0], known_deviation="the model has no lapse process")
    held = _ex(range=[0.0, 1.0], known_deviation="old reason")
    res = _evaluate([miss, held], tr, act)
    assert [r["verdict"] for r in res] == ["deviation", "deviation"]
    assert [r["outcome"] for r in res] == ["fail", "pass"]
    assert all(r["pass"] is False for r in res) and all_pass(res)
    assert "reconsider known_deviation" in res[1]["note"]
    out = table(res)
    assert "DEVIATION (fail)" in out and "PASS " not in out and "no lapse process" in out


def test_calibration_is_shown_apart_and_not_validation():
    tr, act = _bernoulli(200, 0.9, seed=4)
    (r,) = _evaluate([_ex(range=[0.8, 1.0], calibration=True)], tr, act)
    assert r["verdict"] == "calibration" and r["outcome"] == "pass" and r["pass"] is False
    assert all_pass([r]) and "CALIBRATION" in table([r])


def test_no_interval_falls_back_to_point_check():
    tr, act = _bernoulli(40, 0.85, seed=1)
    (r,) = _evaluate([_ex(range=[0.0, 1.0], n_boot=0)], tr, act)
    assert r["ci_lo"] is None and r["verdict"] == "pass"
    assert trials_needed(_ex(), 40, None, None) is None


def test_hierarchical_over_seeds_resamples_seeds_not_their_trials_again():
    """Three seeds far apart: the seed stage alone; se = sd(seed estimates) / sqrt(k) (the trial noise is
    already in it; the former scheme added it again), the interval the t interval (k - 1 = 2 df)."""
    parts = [bootstrap_metric(*_bernoulli(200, p, seed=s), "accuracy", n_boot=300, seed=s)
             for s, p in enumerate([0.6, 0.75, 0.9])]
    h = hierarchical(parts, n_boot=4000, seed=0)
    t = np.array([p.estimate for p in parts])
    assert h.estimate == pytest.approx(t.mean())
    assert h.se == pytest.approx(np.std(t, ddof=1) / math.sqrt(3), rel=0.05)
    lo, hi = h.interval
    half = 4.303 * np.std(t, ddof=1) / math.sqrt(3)          # t_{2, .975} = 4.303
    # the bootstrap distribution of a mean of 3 draws is lumpy: its quantiles sit within ~15 % of normal ones
    assert hi - lo == pytest.approx(2 * half, rel=0.15)
    assert h.n_trials == 600 and h.n_seeds == 3 and h.over == "seeds"


SCN = textwrap.dedent("""\
    name: tiny
    seed: 3
    task:
      kind: selective
      n_trials: 6
      dt: 1 ms
      timing: {fixation: 100 ms, cue: 100 ms, stimulus: 300 ms, response: 100 ms}
      contrasts: [0.5]
    models:
      - {name: rate, family: rate_competition}
    analysis: [accuracy]
    expect:
    """)


@pytest.mark.parametrize("entry, key, fragment", [
    ("{model: rate, metric: accuracy, rule: identifies, rivals: [0.7], source: t}",
     "expect[0].prediction", "rule 'identifies' needs the claimed value"),
    ("{model: rate, metric: accuracy, rule: identifies, prediction: 1.0, source: t}",
     "expect[0].rivals", "needs at least one rival"),
    ("{model: rate, metric: accuracy, range: [0.8, 1], rivals: [0.7], source: t}",
     "expect[0].rivals", "only rule 'identifies' uses rivals"),
    ("{model: rate, metric: accuracy, rule: within, range: [0.8, 1], source: t}",
     "expect[0].rule", "Input should be 'inside'"),
    ("{model: rate, metric: accuracy, source: t}", "expect[0].range", "may omit it"),
    ("{model: rate, metric: accuracy, range: [0.8, 1], n_boot: -1, source: t}", "expect[0].n_boot", "0"),
    ("{model: rate, metric: accuracy, range: [0.8, 1], known_deviation: x, calibration: true, source: t}",
     "expect[0].calibration", "either a calibration or a known deviation"),
])
def test_bad_expectation_fields_name_file_line_and_key(tmp_path, entry, key, fragment):
    path = tmp_path / "x.yaml"
    path.write_text(SCN + f"  - {entry}\n")
    with pytest.raises(ScenarioError) as e:
        load_file(str(path))
    msg = "\n".join(e.value.messages)
    assert f"{path}:13: {key}:" in msg and fragment in msg


def test_identifies_without_range_loads():
    import os
    import tempfile
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "x.yaml")
        with open(path, "w") as fh:
            fh.write(SCN + "  - {model: rate, metric: accuracy, rule: identifies, prediction: 1.0, "
                           "rivals: [0.707, 0.44], source: t}\n")
        scn, _ = load_file(path)
    assert scn.expect[0].rule == "identifies" and scn.expect[0].range is None


def test_sweep_expectation_bootstraps_over_seeds_and_trials(tmp_path, monkeypatch):
    """evaluate_sweep: the `where` points' estimates averaged over seeds, the interval over seeds (n_seeds,
    n_trials and what it resampled in the entry); one seed: its trial interval, labelled as such."""
    import json

    import attnsim.store
    from attnsim.expectations import evaluate_sweep
    from attnsim.store import RunData
    from attnsim.sweep import _matches

    runs, points, reads = {}, [], []
    grid = [(1.0, s, p) for s, p in zip(range(1, 6), [0.6, 0.9, 0.7, 0.8, 0.75])] + [(2.0, 1, 0.5)]
    for index, (w, s, p) in enumerate(grid):
        tr, act = _bernoulli(200, p, seed=s + 10 * index)
        d = tmp_path / f"{index:03d}"
        d.mkdir()
        (d / "results.h5").write_text("")
        (d / "summary.json").write_text(json.dumps({"n_trials": 200}))
        runs[str(d / "results.h5")] = RunData(trials=tr, activities={"m": act}, families={"m": "x"})
        points.append({"index": index, "values": {"w": w}, "seed": s, "dir": d.name,
                       "models": {"m": {"metrics": compute_metrics(["accuracy"], tr, act)}}})
    monkeypatch.setattr(attnsim.store, "read_results", lambda path: reads.append(path) or runs[path])
    ex = _ex(range=[0.0, 1.0], where={"w": 1.0}, n_boot=300, over="seeds")
    (r,) = evaluate_sweep([ex], points, str(tmp_path), 5, _matches)
    est = [pt["models"]["m"]["metrics"]["accuracy"]["all"] for pt in points[:5]]
    assert r["estimate"] == pytest.approx(np.mean(est)) and r["n_trials"] == 1000 and r["n_seeds"] == 5
    assert r["interval_over"] == "seeds" and r["note"] == "mean over 5 point(s)" and r["verdict"] == "pass"
    assert reads == []                     # five seeds: their estimates suffice, no trials read back
    # five seeds 0.3 apart: the interval is the seeds', far wider than one seed's trial interval (~0.1)
    half = 2.776 * np.std(est, ddof=1) / math.sqrt(5)
    assert r["ci_hi"] - r["ci_lo"] == pytest.approx(2 * half, rel=0.2)
    (again,) = evaluate_sweep([ex], points, str(tmp_path), 5, _matches)
    assert again == r
    (one,) = evaluate_sweep([_ex(range=[0.0, 1.0], where={"w": 2.0}, n_boot=300, over="seeds"),
                             ], points, str(tmp_path), 5, _matches)
    assert one["n_seeds"] == 1 and one["n_trials"] == 200 and one["interval_over"] == "trials"
    assert one["ci_hi"] - one["ci_lo"] < 0.2 and one["verdict"] == "inconclusive"
    assert "interval over trials of one realization" in one["note"]
    (none,) = evaluate_sweep([_ex(where={"w": 3.0})], points, str(tmp_path), 5, _matches)
    assert none["verdict"] == "fail" and "no sweep point matches" in none["note"] and none["n_seeds"] == 0


def test_sweep_points_of_one_seed_are_one_realization(tmp_path, monkeypatch):
    """Two grid values, one seed: the points share the seed's network and trials, so they are one
    realization (n_seeds 1), averaged point by point on the same trial resamples."""
    import json

    import attnsim.store
    from attnsim.expectations import evaluate_sweep
    from attnsim.store import RunData
    from attnsim.sweep import _matches

    tr, act = _bernoulli(200, 0.7, seed=1)
    flipped = _activity(np.where(np.arange(200) < 40, 1 - act.choice, act.choice))   # other accuracy
    runs, points = {}, []
    for index, a in enumerate([act, flipped]):
        d = tmp_path / f"{index:03d}"
        d.mkdir()
        (d / "results.h5").write_text("")
        (d / "summary.json").write_text(json.dumps({"n_trials": 200}))
        runs[str(d / "results.h5")] = RunData(trials=tr, activities={"m": a}, families={"m": "x"})
        points.append({"index": index, "values": {"w": float(index)}, "seed": 7, "dir": d.name,
                       "models": {"m": {"metrics": compute_metrics(["accuracy"], tr, a)}}})
    monkeypatch.setattr(attnsim.store, "read_results", lambda path: runs[path])
    (r,) = evaluate_sweep([_ex(range=[0.0, 1.0], n_boot=300)], points, str(tmp_path), 5, _matches)
    accs = [pt["models"]["m"]["metrics"]["accuracy"]["all"] for pt in points]
    assert r["n_seeds"] == 1 and r["n_trials"] == 200 and r["interval_over"] == "trials"
    assert r["estimate"] == pytest.approx(np.mean(accs)) and r["note"] == "mean over 2 point(s)"
    assert r["ci_lo"] < r["estimate"] < r["ci_hi"] and r["ci_hi"] - r["ci_lo"] < 0.2


def test_interval_that_excludes_its_estimate_is_noted():
    from attnsim.analysis.bootstrap import Bootstrap
    from attnsim.expectations import verdict_entry
    r = verdict_entry(_ex(range=[0.0, 2.0]), Bootstrap(1.0, np.linspace(0.5, 0.9, 50), 30, 50), "")
    assert "excludes the estimate" in r["note"] and r["ci_hi"] < r["estimate"]
    r = verdict_entry(_ex(range=[0.0, 2.0]), Bootstrap(0.7, np.linspace(0.5, 0.9, 50), 30, 50), "")
    assert r["note"] == ""


def test_identifies_is_inconclusive_when_wider_than_the_gap_to_the_nearest_rival():
    # row 10: an interval wider than 1 - 0.707 cannot separate the predictions even if it excludes 0.707
    ex = {"rule": "identifies", "prediction": 1.0, "rivals": [0.707, 0.458]}
    assert judge(ex, 1.09, 0.84, 1.42) == "inconclusive"     # excludes both rivals, 0.58 wide
    assert judge(ex, 1.0, 0.88, 1.12) == "pass"              # 0.24 wide
    assert judge(ex, 1.0, 0.60, 1.10) == "inconclusive"      # holds a rival
    assert judge(ex, 1.3, 1.05, 1.33) == "fail"              # excludes the prediction


def test_interval_rules_end_to_end_and_no_interval_is_inconclusive():
    """`interval_inside` and `excludes` through evaluate(): the verdict follows the interval, never the
    estimate; without resamples (n_boot 0) every rule but `inside` is inconclusive and says why."""
    tr, act = _bernoulli(400, 0.85, seed=1)                    # accuracy ~0.85, interval ~ +-0.035
    res = _evaluate([_ex(rule="interval_inside", range=[0.7, 1.0]),
                     _ex(rule="interval_inside", range=[0.84, 1.0]),          # straddles 0.84
                     _ex(rule="excludes", range=[0.5, 1.0], value=0.5),
                     _ex(rule="excludes", range=[0.0, 0.5], value=0.5),       # excludes 0.5, other side
                     _ex(rule="interval_inside", range=[0.7, 1.0], n_boot=0),
                     _ex(rule="identifies", range=None, prediction=0.85, rivals=[0.5], n_boot=0)], tr, act)
    assert res[0]["ci_lo"] > 0.7 and res[1]["ci_lo"] < 0.84 < res[1]["ci_hi"]
    assert [r["verdict"] for r in res] == ["pass", "inconclusive", "pass", "fail", "inconclusive", "inconclusive"]
    assert res[2]["excluded"] == 0.5 and res[2]["value"] == res[2]["estimate"]
    assert "not 0.5, in [0.5, 1]" in table(res)
    assert "needs one: inconclusive" in res[4]["note"] and "needs one" in res[5]["note"]
    e = res[1]["estimate"]
    h = (res[1]["ci_hi"] - res[1]["ci_lo"]) / 2
    assert res[1]["trials_needed"] == math.ceil(400 * (h / (e - 0.84)) ** 2)


def test_sweep_expectation_counts_the_trials_of_the_points_that_give_its_value(tmp_path):
    """A grid over tasks: the capacity-like metric exists only at the second task's points (60 trials),
    the first task's points (90 trials) give it no value. n is 5 x 60 = 300, not 5 x 90 = 450."""
    import json

    from attnsim.expectations import evaluate_sweep
    from attnsim.sweep import _matches

    points, index = [], 0
    for task, n in (("selective", 90), ("dual_report", 60)):
        for s in range(1, 6):
            d = tmp_path / f"{index:03d}"
            d.mkdir()
            (d / "summary.json").write_text(json.dumps({"n_trials": n}))
            metrics = {"accuracy": {"all": 0.6 + 0.02 * s}} if task == "dual_report" else {}
            points.append({"index": index, "values": {"task": {"kind": task}}, "seed": s, "dir": d.name,
                           "models": {"m": {"metrics": metrics}}})
            index += 1
    (r,) = evaluate_sweep([_ex(range=[0.0, 1.0], over="seeds")], points, str(tmp_path), 5, _matches)
    assert r["n_seeds"] == 5 and r["n_trials"] == 300


def test_a_capacity_ratio_undefined_at_ceiling_is_inconclusive_not_fail():
    """compare_attention.yaml (2026-12-07): the rate attention circuit reports every target (P single
    1.00), so d' sits at its log-linear ceiling and capacity_cost gives no ratio. A claim the design
    could not measure reads inconclusive naming the ceiling, not 'fail: no estimate'; a value missing
    for any other reason stays a fail."""
    from attnsim.expectations import evaluate_sweep
    ex = {"model": "m", "metric": "capacity_cost", "condition": "all", "group": "ratio", "rule": "identifies",
          "prediction": 1.0, "rivals": [0.707], "over": "seeds"}
    selective = {"index": 0, "values": {}, "seed": 1, "dir": "p0", "models": {"m": {"metrics": {"accuracy": {}}}}}
    dual = lambda seed, verdict: {"index": seed, "values": {}, "seed": seed, "dir": f"p{seed}", "models": {"m": {
        "metrics": {"capacity_cost": {"all": {"ratio": None, "verdict": verdict, "p_single": 1.0,
                                              "verdict_reason": "P single 1.00: d' ratios say nothing at ceiling"}}}}}}
    at_ceiling = evaluate_sweep([ex], [selective] + [dual(s, "ceiling") for s in range(1, 6)], "/nonexistent", 0,
                                lambda values, where: True)[0]
    assert at_ceiling["verdict"] == "inconclusive"
    assert "ceiling" in at_ceiling["note"] and "P single 1.00" in at_ceiling["note"]
    other = evaluate_sweep([ex], [selective] + [dual(s, "undecided") for s in range(1, 6)], "/nonexistent", 0,
                           lambda values, where: True)[0]
    assert other["verdict"] == "fail" and "was not computed" not in other["note"]


def test_a_capacity_claim_needs_the_cue_to_change_sensitivity_first():
    """divided_capacity_dual*.yaml over 5 seeds (2026-12-07): ratios near 1 'identified unlimited
    capacity' while the cue left d' unchanged at every seed (24 of 25 ANNs ignore it). The scorecard
    gates row 10 on the d' benefit; an expectation now does too: without a benefit interval that
    excludes 0 the claim is inconclusive, with it the rule decides."""
    from attnsim.expectations import evaluate_sweep
    ex = {"model": "m", "metric": "capacity_cost", "condition": "all", "group": "ratio", "rule": "identifies",
          "prediction": 1.0, "rivals": [0.707], "over": "seeds"}
    ratios = [0.98, 1.0, 1.02, 0.99, 1.01]

    def run(benefits):
        pts = [{"index": k, "values": {}, "seed": k, "dir": f"p{k}", "models": {"m": {"metrics": {"capacity_cost": {
            "all": {"ratio": r, "benefit": b, "p_single": 0.8}}}}}} for k, (r, b) in enumerate(zip(ratios, benefits))]
        return evaluate_sweep([ex], pts, "/nonexistent", 0, lambda values, where: True)[0]

    no_effect = run([0.05, -0.04, 0.02, -0.03, 0.01])
    assert no_effect["verdict"] == "inconclusive" and "rule alone: pass" in no_effect["note"]
    assert "no attention effect on sensitivity" in no_effect["note"]
    effect = run([0.8, 0.9, 0.85, 0.95, 0.9])
    assert effect["verdict"] == "pass"

"""attention_effects on synthetic spike counts whose in/out statistics are known."""
import numpy as np
import pytest

from attnsim.models.activity import Activity
from attnsim.analysis.attention_effects import attention_effects
from attnsim.analysis.windows import NotApplicable
from attnsim.tasks.selective import make_selective

TIMING = {"fixation": 50, "cue": 50, "stimulus": 200, "response": 50}   # stimulus epoch 0.2 s


def _task(n, contrasts=(0.5,), ratio=1.0, conditions=("attend_A", "attend_B"), seed=0):
    return make_selective(n_trials=n, dt_ms=1.0, timing_ms=TIMING, contrasts=list(contrasts),
                          conditions=list(conditions), distractor_ratio=ratio, seed=seed)


def _activity(tr, counts, rng):
    """Spike trains with the given stimulus-epoch counts per group, plus spikes outside the epoch."""
    t0, t1 = tr.epoch_ms("stimulus")
    spikes, sizes = {}, {}
    for g, c in counts.items():
        trains = []
        for row in c:
            ids = np.repeat(np.arange(row.size), row)
            extra = rng.integers(0, row.size, 20)               # must not be counted
            times = np.concatenate([rng.uniform(t0, t1, ids.size), rng.uniform(0, t0, 10), rng.uniform(t1, t1 + 50, 10)])
            trains.append((np.concatenate([ids, extra]), times))
        spikes[g], sizes[g] = trains, c.shape[1]
    groups = {"pool_A": slice(0, 1), "pool_B": slice(1, 2)}
    return Activity(rates=np.zeros((tr.n_trials, tr.n_steps, 2)), dt_ms=1.0, groups=groups,
                    selective_groups=("pool_A", "pool_B"), choice=np.zeros(tr.n_trials, int),
                    roles={"pool_A": "sensory", "pool_B": "sensory"},
                    reaction_time_ms=np.full(tr.n_trials, np.nan), spikes=spikes, group_sizes=sizes)


def _split(tr, in_counts_A, out_counts_A, in_counts_B, out_counts_B):
    """Group counts: group X takes its 'in' rows on trials cueing X, its 'out' rows otherwise."""
    att = tr.attended_index()
    a = np.where((att == 0)[:, None], in_counts_A, out_counts_A)
    b = np.where((att == 1)[:, None], in_counts_B, out_counts_B)
    return {"pool_A": a, "pool_B": b}


def _correlated(rng, n_trials, n_neurons, rho, mean, sd):
    z = np.sqrt(rho) * rng.standard_normal((n_trials, 1)) + np.sqrt(1 - rho) * rng.standard_normal((n_trials, n_neurons))
    return np.clip(np.round(mean + sd * z), 0, None).astype(int)


def test_doubling_counts_gives_exact_ratios():
    # in = 2 * out on the same noise: rate x2, variance x4, Fano x2, correlation unchanged (scale-free)
    rng = np.random.default_rng(0)
    tr = _task(200)
    base = _correlated(rng, 200, 30, 0.2, 10.0, 3.0)
    act = _activity(tr, _split(tr, 2 * base, base, 2 * base, base), rng)
    r = attention_effects(tr, act)["all"]
    # group A's in rows are group B's out rows (and vice versa), so the ratios are exact
    att = tr.attended_index()
    assert r["rate_change"] == pytest.approx(1.0, rel=1e-12)
    assert r["rate_out_hz"] == pytest.approx((base[att == 0].mean() + base[att == 1].mean()) / 2 / 0.2, rel=1e-12)
    assert r["variance_ratio"] == pytest.approx(4.0, rel=1e-12)
    assert r["noise_corr_in"] == pytest.approx(r["noise_corr_out"], abs=1e-12)
    assert r["noise_corr_change"] == pytest.approx(0.0, abs=1e-10)
    assert r["fano_ratio"] == pytest.approx(2.0, rel=1e-12)


def test_poisson_gain_and_noise_correlation_drop_are_recovered():
    # out: mean 10, rho 0.10; in: mean 12 (+20 %), rho 0.07 (-30 %), variance equal (sd 3)
    rng = np.random.default_rng(1)
    n = 3000
    tr = _task(n, seed=1)
    out = lambda: _correlated(rng, n, 20, 0.10, 10.0, 3.0)   # noqa: E731
    inn = lambda: _correlated(rng, n, 20, 0.07, 12.0, 3.0)   # noqa: E731
    r = attention_effects(tr, _activity(tr, _split(tr, inn(), out(), inn(), out()), rng))["all"]
    assert r["rate_change"] == pytest.approx(0.2, abs=0.01)
    assert r["rate_in_hz"] == pytest.approx(60.0, rel=0.01)                 # 12 spikes / 0.2 s
    assert r["noise_corr_out"] == pytest.approx(0.10, abs=0.015)
    assert r["noise_corr_in"] == pytest.approx(0.07, abs=0.015)
    assert r["noise_corr_change"] == pytest.approx(-0.3, abs=0.12)
    assert r["variance_ratio"] == pytest.approx(1.0, abs=0.05)
    assert r["fano_ratio"] == pytest.approx(10.0 / 12.0, abs=0.05)          # same variance, larger mean


def test_contrast_signal_is_removed_and_groups_are_averaged():
    # two contrasts set the mean (signal); noise is independent Poisson; A gains 40 %, B gains 0 %
    rng = np.random.default_rng(2)
    n = 2000
    tr = _task(n, contrasts=(0.2, 0.8), seed=2)
    mean = np.where(tr.conditions["contrast"] == 0.8, 20.0, 5.0)[:, None]
    pois = lambda m: rng.poisson(m * np.ones((1, 25)), size=(n, 25))   # noqa: E731
    r = attention_effects(tr, _activity(tr, _split(tr, pois(1.4 * mean), pois(mean), pois(mean), pois(mean)), rng))["all"]
    assert r["rate_change"] == pytest.approx(0.2, abs=0.02)                # (1.4 + 1) / 2 - 1
    assert r["fano_in"] == pytest.approx(1.0, abs=0.05)                     # within cells: Poisson
    assert r["fano_out"] == pytest.approx(1.0, abs=0.05)
    assert r["fano_ratio"] == pytest.approx(1.0, abs=0.06)
    assert abs(r["noise_corr_in"]) < 0.01 and abs(r["noise_corr_out"]) < 0.01
    assert r["variance_ratio"] == pytest.approx(1.2, abs=0.05)              # Poisson variance = mean


def test_not_applicable_cases():
    rng = np.random.default_rng(3)
    counts = lambda tr: {"pool_A": rng.poisson(5, (tr.n_trials, 5)), "pool_B": rng.poisson(5, (tr.n_trials, 5))}  # noqa: E731
    unequal = _task(20, ratio=0.5)
    with pytest.raises(NotApplicable):
        attention_effects(unequal, _activity(unequal, counts(unequal), rng))
    only_a = _task(20, conditions=("attend_A", "neutral"))
    with pytest.raises(NotApplicable):
        attention_effects(only_a, _activity(only_a, counts(only_a), rng))
    tr = _task(20)
    rate_only = Activity(rates=np.ones((20, tr.n_steps, 2)), dt_ms=1.0, groups={"A": slice(0, 1), "B": slice(1, 2)},
                         selective_groups=("A", "B"), choice=np.zeros(20, int), reaction_time_ms=np.full(20, np.nan))
    with pytest.raises(NotApplicable):
        attention_effects(tr, rate_only)
    assert attention_effects(tr, _activity(tr, counts(tr), rng))["all"]["rate_in_hz"] > 0


def test_agrees_with_per_condition_noise_correlation_and_fano():
    # out of pool A = attend_B trials, out of pool B = attend_A trials: same numbers as variability.py
    from attnsim.analysis.variability import fano_factor, noise_correlation
    rng = np.random.default_rng(4)
    tr = _task(300, seed=4)
    counts = {"pool_A": _correlated(rng, 300, 15, 0.2, 8.0, 3.0), "pool_B": _correlated(rng, 300, 15, 0.05, 8.0, 3.0)}
    act = _activity(tr, counts, rng)
    r = attention_effects(tr, act)["all"]
    nc, ff = noise_correlation(tr, act), fano_factor(tr, act)
    assert r["noise_corr_out"] == pytest.approx((nc["attend_B"]["pool_A"] + nc["attend_A"]["pool_B"]) / 2, rel=1e-12)
    assert r["noise_corr_in"] == pytest.approx((nc["attend_A"]["pool_A"] + nc["attend_B"]["pool_B"]) / 2, rel=1e-12)
    assert r["fano_in"] == pytest.approx((ff["attend_A"]["pool_A"] + ff["attend_B"]["pool_B"]) / 2, rel=1e-12)


def _pair_mean_r(x):
    return np.corrcoef(x.astype(float), rowvar=False)[np.triu_indices(x.shape[1], 1)].mean()


def test_small_cells_leave_the_correlation_and_are_counted():
    # contrast 0.8 keeps 2 attend_A and 2 attend_B trials: those cells enter the Fano factor (>= 2 trials)
    # but not the noise correlation (>= 3), where two trials would give r = +-1 for every pair
    rng = np.random.default_rng(5)
    full = _task(120, contrasts=(0.2, 0.8), seed=5)
    k, cond = full.conditions["contrast"], full.conditions["condition"]
    keep = [np.flatnonzero(k == 0.2)] + [np.flatnonzero((k == 0.8) & (cond == c))[:2] for c in ("attend_A", "attend_B")]
    tr = full.subset(np.sort(np.concatenate(keep)))
    counts = {"pool_A": _correlated(rng, tr.n_trials, 10, 0.2, 10.0, 3.0),
              "pool_B": _correlated(rng, tr.n_trials, 10, 0.1, 10.0, 3.0)}
    r = attention_effects(tr, _activity(tr, counts, rng))["all"]
    k, cond = tr.conditions["contrast"], tr.conditions["condition"]
    big = {c: (k == 0.2) & (cond == c) for c in ("attend_A", "attend_B")}
    expect_in = (_pair_mean_r(counts["pool_A"][big["attend_A"]]) + _pair_mean_r(counts["pool_B"][big["attend_B"]])) / 2
    expect_out = (_pair_mean_r(counts["pool_A"][big["attend_B"]]) + _pair_mean_r(counts["pool_B"][big["attend_A"]])) / 2
    assert r["noise_corr_in"] == pytest.approx(expect_in, rel=1e-12)
    assert r["noise_corr_out"] == pytest.approx(expect_out, rel=1e-12)

    def fano(x):
        x = x.astype(float)
        return np.mean(x.var(axis=0, ddof=1) / x.mean(axis=0))

    small = {c: (k == 0.8) & (cond == c) for c in ("attend_A", "attend_B")}
    w_big, w_small = big["attend_A"].sum(), 2
    fano_in_a = (w_big * fano(counts["pool_A"][big["attend_A"]]) + w_small * fano(counts["pool_A"][small["attend_A"]])) / \
        (w_big + w_small)
    fano_in_b = (big["attend_B"].sum() * fano(counts["pool_B"][big["attend_B"]]) +
                 w_small * fano(counts["pool_B"][small["attend_B"]])) / (big["attend_B"].sum() + w_small)
    assert r["fano_in"] == pytest.approx((fano_in_a + fano_in_b) / 2, rel=1e-12)
    assert (r["n_trials"], r["n_cells"], r["n_cells_fano"], r["n_cells_corr"]) == (tr.n_trials, 4, 4, 2)


def test_neutral_trials_do_not_enter_and_counts_name_the_cued_cells():
    rng = np.random.default_rng(6)
    tr = _task(90, contrasts=(0.3, 0.6), conditions=("attend_A", "attend_B", "neutral"), seed=6)
    counts = {"pool_A": rng.poisson(8, (90, 6)), "pool_B": rng.poisson(8, (90, 6))}
    r = attention_effects(tr, _activity(tr, counts, rng))["all"]
    cued = tr.attended_index() >= 0
    assert (r["n_trials"], r["n_cells"], r["n_cells_fano"], r["n_cells_corr"]) == (cued.sum(), 4, 4, 4)
    # the neutral counts can be anything: the values do not change
    other = {g: np.where(cued[:, None], c, 50 * c + 3) for g, c in counts.items()}
    r2 = attention_effects(tr, _activity(tr, other, np.random.default_rng(6)))["all"]
    assert r2 == pytest.approx(r, rel=1e-12)

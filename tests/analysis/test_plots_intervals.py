"""Intervals drawn in figures: Wilson, t and bootstrap, against closed forms and coverage."""
import numpy as np
import pytest

from attnsim.plots.intervals import index_interval, mean_interval, wilson_interval


def test_wilson_matches_published_values():
    # Wilson score interval, z = 1.96 (Agresti & Coull 1998 / Newcombe 1998 table values)
    lo, hi = wilson_interval(0, 10)
    assert lo == pytest.approx(0.0, abs=1e-12) and hi == pytest.approx(0.2775, abs=1e-4)
    lo, hi = wilson_interval(5, 10)
    assert (lo, hi) == pytest.approx((0.2366, 0.7634), abs=1e-4)
    assert np.isnan(wilson_interval(0, 0)[0])


def test_wilson_coverage_near_nominal():
    rng = np.random.default_rng(1)
    p, n = 0.3, 50
    ks = rng.binomial(n, p, size=4000)
    cover = np.mean([lo <= p <= hi for lo, hi in (wilson_interval(int(k), n) for k in ks)])
    assert 0.93 <= cover <= 0.97


def test_mean_interval_is_the_percentile_bootstrap_and_respects_the_support():
    """Two RTs of 150 and 900 ms: the t interval (t_0.975,1 = 12.7) was [-4240, 5290] ms, below 0;
    the percentile bootstrap of the mean stays within [min, max] of the data."""
    x = np.array([150.0, 900.0, np.nan])
    m, lo, hi = mean_interval(x)
    assert m == pytest.approx(525.0)
    assert 150.0 <= lo < m < hi <= 900.0
    rts = np.array([210.0, 230.0, 260.0, 900.0, 1400.0])     # skewed, as RTs are
    m, lo, hi = mean_interval(rts)
    assert lo >= rts.min() and hi <= rts.max() and lo < m < hi
    traces = np.vstack([np.zeros(3), np.ones(3) * 2, np.ones(3)])
    m2, lo2, hi2 = mean_interval(traces, axis=0)
    assert m2.shape == (3,) and np.all(lo2 < m2) and np.all(hi2 > m2) and np.all(lo2 >= 0)
    assert mean_interval(np.array([3.0])) == (3.0, 3.0, 3.0)


def test_mean_interval_coverage_near_nominal():
    rng = np.random.default_rng(4)
    hits = 0
    for rep in range(300):
        x = 200.0 + rng.gamma(2.0, 100.0, size=40)          # true mean 400 ms
        _, lo, hi = mean_interval(x, seed=rep)
        hits += lo <= 400.0 <= hi
    assert 0.90 <= hits / 300 <= 0.98


def test_index_interval_covers_the_true_index():
    rng = np.random.default_rng(2)
    true = (12.0 - 8.0) / (12.0 + 8.0)
    hits = 0
    for rep in range(100):
        a = rng.poisson(12.0, size=60).astype(float)
        u = rng.poisson(8.0, size=60).astype(float)
        est, lo, hi = index_interval(a, u, n_boot=300, seed=rep)
        assert lo <= est <= hi
        hits += lo <= true <= hi
    assert hits >= 88
    est, lo, hi = index_interval([3.0], [1.0])
    assert est == lo == hi == pytest.approx(0.5)


def _synthetic_run():
    from attnsim.models.activity import Activity
    from attnsim.store import RunData
    from attnsim.tasks.selective import make_selective

    trials = make_selective(n_trials=36, dt_ms=5.0,
                            timing_ms={"fixation": 100, "cue": 50, "stimulus": 200, "response": 50},
                            contrasts=[0.2, 0.6], conditions=["attend_A", "attend_B", "neutral"], seed=3)
    rng = np.random.default_rng(0)
    n, steps = trials.n_trials, trials.n_steps
    rates = rng.poisson(10.0, size=(n, steps, 2)).astype(float)
    choice = np.where(rng.random(n) < 0.8, trials.target, 1 - trials.target)
    act = Activity(rates=rates, dt_ms=5.0, groups={"pool_A": slice(0, 1), "pool_B": slice(1, 2)},
                   selective_groups=("pool_A", "pool_B"), choice=choice,
                   reaction_time_ms=rng.uniform(100, 300, n),
                   roles={"pool_A": "sensory", "pool_B": "sensory"})   # modulation reads sensory pairs only
    return RunData(trials=trials, activities={"m": act}, families={"m": "x"})


@pytest.mark.parametrize("name", ["psychometric", "modulation", "comparison", "rates"])
def test_figures_of_means_draw_their_intervals(name):
    from matplotlib.figure import Figure

    from attnsim.plots.registry import figures

    run = _synthetic_run()
    summary = {"models": {"m": {"metrics": {}}}}
    drawn = figures(name, run, summary)
    assert drawn and all(isinstance(fig, Figure) for _, fig in drawn)
    axes = drawn[0][1].axes
    if name == "rates":   # a band per trace
        assert any(c.__class__.__name__ in ("PolyCollection", "FillBetweenPolyCollection")
                   for ax in axes for c in ax.collections)
    else:                 # error bars on every mean
        assert any(len(ax.containers) and any(getattr(c, "has_yerr", False) or
                                              c.__class__.__name__ == "BarContainer" and c.errorbar
                                              for c in ax.containers) for ax in axes)
    titles = " ".join([ax.get_title() for ax in axes] + [t.get_text() for ax in axes if ax.get_legend()
                                                         for t in ax.get_legend().get_texts()])
    assert "n = " in titles or "n >= " in titles

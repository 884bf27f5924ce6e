import numpy as np
import pytest

from attnsim.models.activity import Activity
from attnsim.analysis.psychometric import fit_weibull, weibull, weibull_threshold
from attnsim.tasks.discrimination import make_discrimination


def test_weibull_fit_recovers_known_parameters():
    """Binomial samples from a known Weibull: the ML fit lands near (alpha, beta)."""
    rng = np.random.default_rng(0)
    levels = np.array([3.2, 6.4, 12.8, 25.6, 51.2])
    coh = np.repeat(levels, 4000)
    correct = rng.random(coh.size) < weibull(coh, 7.0, 1.5)
    alpha, beta = fit_weibull(coh, correct)
    assert alpha == pytest.approx(7.0, rel=0.03)
    assert beta == pytest.approx(1.5, rel=0.06)
    # alpha is where P = 1 - 0.5/e
    assert weibull(alpha, alpha, beta) == pytest.approx(1 - 0.5 / np.e)


def test_weibull_threshold_metric_on_constructed_choices():
    trials = make_discrimination(n_trials=6000, dt_ms=10.0, timing_ms={"fixation": 10, "stimulus": 50, "response": 0},
                                 coherences=[0, 3.2, 6.4, 12.8, 25.6, 51.2], seed=1)
    rng = np.random.default_rng(2)
    coh = trials.conditions["coherence"]
    p = np.where(coh > 0, weibull(np.maximum(coh, 1e-9), 10.0, 1.2), 0.5)
    correct = rng.random(coh.size) < p
    choice = np.where(correct, trials.target, 1 - trials.target)
    act = Activity(rates=np.zeros((trials.n_trials, 6, 2)), dt_ms=10.0,
                   groups={"pool_A": slice(0, 1), "pool_B": slice(1, 2)}, selective_groups=("pool_A", "pool_B"),
                   choice=choice, reaction_time_ms=np.full(trials.n_trials, np.nan))
    out = weibull_threshold(trials, act)
    assert out["all"] == pytest.approx(10.0, rel=0.08)
    assert out["slope"] == pytest.approx(1.2, rel=0.15)


def test_weibull_threshold_refuses_the_selective_coherence_form():
    from attnsim.analysis.windows import NotApplicable
    from attnsim.tasks.selective import make_selective
    tr = make_selective(n_trials=12, dt_ms=1.0, timing_ms={"fixation": 10, "cue": 10, "stimulus": 20, "response": 10},
                        coherence=[0.0, 0.1, 0.5], seed=1)
    act = Activity(rates=np.zeros((12, tr.inputs.shape[1], 2)), dt_ms=1.0,
                   groups={"a": slice(0, 1), "b": slice(1, 2)}, selective_groups=("a", "b"),
                   choice=np.asarray(tr.target), reaction_time_ms=np.full(12, np.nan))
    with pytest.raises(NotApplicable, match="one coherence per condition"):
        weibull_threshold(tr, act)

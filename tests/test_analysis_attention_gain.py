"""attention_gain recovers a constructed contrast gain and a constructed response gain."""
import numpy as np
import pytest

from attnsim.models.activity import Activity
from attnsim.analysis.attention_gain import attention_gain, naka_rushton
from attnsim.tasks.selective import make_selective

TIMING = {"fixation": 20, "cue": 20, "stimulus": 100, "response": 20}
LEVELS = [0.02, 0.05, 0.1, 0.2, 0.4, 0.7, 1.0]


def _activity(trials, att_params, unatt_params):
    att = trials.attended_index()
    k = trials.conditions["contrast"]
    rates = np.zeros((trials.n_trials, trials.n_steps, 2))
    stim = trials.epochs["stimulus"]
    for i in range(trials.n_trials):
        for g in (0, 1):
            p = att_params if g == att[i] else unatt_params
            rates[i, stim, g] = naka_rushton(k[i], *p)
    return Activity(rates=rates, dt_ms=1.0, groups={"pool_A": slice(0, 1), "pool_B": slice(1, 2)},
                    selective_groups=("pool_A", "pool_B"), choice=np.zeros(trials.n_trials, int),
                    reaction_time_ms=np.full(trials.n_trials, np.nan))


@pytest.fixture(scope="module")
def trials():
    return make_selective(n_trials=28, dt_ms=1.0, timing_ms=TIMING, contrasts=LEVELS,
                          conditions=["attend_A", "attend_B"], seed=0)


def test_contrast_gain(trials):
    out = attention_gain(trials, _activity(trials, (50.0, 0.1, 2.0), (50.0, 0.2, 2.0)))["all"]
    assert out["c50_ratio"] == pytest.approx(2.0, rel=1e-3)
    assert out["rmax_ratio"] == pytest.approx(1.0, rel=1e-3)


def test_response_gain(trials):
    out = attention_gain(trials, _activity(trials, (70.0, 0.15, 2.0), (50.0, 0.15, 2.0)))["all"]
    assert out["rmax_ratio"] == pytest.approx(1.4, rel=1e-3)
    assert out["c50_ratio"] == pytest.approx(1.0, rel=1e-3)

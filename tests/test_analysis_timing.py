"""Selection latency and persistence time on traces with known answers."""
import math

import numpy as np
import pytest

from attnsim.models.activity import Activity
from attnsim.analysis.timing import first_sustained, persistence_time, selection_latency
from attnsim.tasks.selective import make_selective
from attnsim.tasks.trials import CHANNELS, Trials, timeline


def _two_group_activity(ra, rb, dt_ms):
    """ra, rb: (n_trials, n_steps) rates of the A and B groups (two units each)."""
    rates = np.concatenate([np.repeat(ra[:, :, None], 2, 2), np.repeat(rb[:, :, None], 2, 2)], axis=2)
    n = ra.shape[0]
    return Activity(rates=rates, dt_ms=dt_ms, groups={"A": slice(0, 2), "B": slice(2, 4)},
                    selective_groups=("A", "B"), choice=np.zeros(n, int), reaction_time_ms=np.full(n, np.nan))


def test_first_sustained():
    m = np.array([0, 1, 0, 1, 1, 1, 0, 1, 1], bool)
    assert first_sustained(m, 3) == 3
    assert first_sustained(m, 4) == 7                   # a run reaching the end counts
    assert first_sustained(np.append(m, False), 4) == -1
    assert first_sustained(np.zeros(5, bool), 1) == -1


def test_selection_latency_known_step():
    timing = {"fixation": 100, "cue": 100, "stimulus": 300, "response": 100}
    tr = make_selective(n_trials=8, dt_ms=1.0, timing_ms=timing, contrasts=[0.5],
                        conditions=["attend_A", "attend_B", "neutral"])
    dt = 0.5                                            # activity grid finer than the task's
    t = np.arange(int(600 / dt)) * dt
    onset = 200.0
    sep = 10 + 20 * (t >= onset + 50)                   # attended pulls away 50 ms after onset
    blip = 10 + 20 * ((t >= onset + 20) & (t < onset + 30))   # 10 ms blip: shorter than min_duration
    att_trace = np.maximum(sep, blip)
    att = tr.attended_index()
    ra = np.where((att == 0)[:, None], att_trace, 10.0)
    rb = np.where((att == 1)[:, None], att_trace, 10.0)
    lat = selection_latency(tr, _two_group_activity(ra, rb, dt), min_duration_ms=20)
    assert lat["attend_A"] == pytest.approx(50.0) and lat["attend_B"] == pytest.approx(50.0)
    assert lat["all"] == pytest.approx(50.0)
    assert "neutral" not in lat
    # with no separation there is no latency
    flat = selection_latency(tr, _two_group_activity(np.full_like(ra, 10.0), np.full_like(rb, 10.0), dt))
    assert math.isnan(flat["attend_A"])


def _sustained_trials(n, dt_ms):
    epochs, n_steps = timeline({"fixation": 200, "cue": 100, "delay": 600, "response": 100}, dt_ms)
    cond = np.array(["attend_A", "attend_B"] * (n // 2))
    inputs = np.zeros((n, n_steps, len(CHANNELS)))
    for i, c in enumerate(cond):
        inputs[i, epochs["cue"], 2 + (c == "attend_B")] = 1.0
    return Trials(dt_ms, inputs, CHANNELS, (cond == "attend_B").astype(int), epochs,
                  {"condition": cond, "contrast": np.full(n, 0.5)})


@pytest.mark.parametrize("tau_ms", [50.0, 150.0])
def test_persistence_of_exponential_decay(tau_ms):
    tr = _sustained_trials(6, 1.0)
    dt = 0.5
    t = np.arange(int(1000 / dt)) * dt
    # baseline 5 Hz, 25 Hz during the cue, then decays back: crosses halfway at tau * ln 2
    cued = np.where(t < 200, 5.0, np.where(t < 300, 25.0, 5 + 20 * np.exp(-(t - 300) / tau_ms)))
    att = tr.attended_index()
    ra = np.where((att == 0)[:, None], cued, 5.0)
    rb = np.where((att == 1)[:, None], cued, 5.0)
    p = persistence_time(tr, _two_group_activity(ra, rb, dt))
    assert p["attend_A"] == pytest.approx(tau_ms * math.log(2), abs=dt)
    assert p["all"] == pytest.approx(tau_ms * math.log(2), abs=dt)


def test_persistence_censored_and_not_applicable():
    tr = _sustained_trials(4, 1.0)
    t = np.arange(1000) * 1.0
    held = np.where(t < 200, 5.0, 25.0)                 # never decays: the full delay is a lower bound
    att = tr.attended_index()
    act = _two_group_activity(np.where((att == 0)[:, None], held, 5.0), np.where((att == 1)[:, None], held, 5.0), 1.0)
    assert persistence_time(tr, act)["all"] == pytest.approx(600.0)
    sel = make_selective(n_trials=4, dt_ms=1.0, timing_ms={"fixation": 10, "cue": 10, "stimulus": 10, "response": 10},
                         contrasts=[0.5], conditions=["attend_A"])
    assert persistence_time(sel, _two_group_activity(np.ones((4, 40)), np.ones((4, 40)), 1.0)) == {}


def test_persistence_ignores_a_network_wide_drift():
    """Both groups drifting upwards is not memory: only the cue-evoked lead counts."""
    from attnsim.analysis.timing import persistence_time
    from attnsim.tasks.sustained import make_sustained
    tr = make_sustained(n_trials=4, dt_ms=1.0, timing_ms={"fixation": 100, "cue": 100, "delay": 300,
                                                         "stimulus": 100, "response": 50},
                        contrasts=[0.5], conditions=["attend_A", "attend_B"], seed=0)
    n = tr.n_steps
    drift = np.linspace(1.0, 3.0, n)
    rates = np.tile(drift[None, :, None], (tr.n_trials, 1, 2))
    att = tr.attended_index()
    for i in range(tr.n_trials):
        rates[i, tr.epochs["cue"], att[i]] += 5.0
    act = Activity(rates=rates, dt_ms=1.0, groups={"pool_A": slice(0, 1), "pool_B": slice(1, 2)},
                   selective_groups=("pool_A", "pool_B"), choice=np.zeros(tr.n_trials, int),
                   reaction_time_ms=np.full(tr.n_trials, np.nan))
    assert persistence_time(tr, act)["attended"] <= 20.0

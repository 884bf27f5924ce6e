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
                    selective_groups=("A", "B"), choice=np.zeros(n, int), reaction_time_ms=np.full(n, np.nan),
                    roles={"A": "sensory", "B": "sensory"})


def test_first_sustained():
    m = np.array([0, 1, 0, 1, 1, 1, 0, 1, 1], bool)
    assert first_sustained(m, 3) == 3
    assert first_sustained(m, 4) == 7                   # a run reaching the end counts
    assert first_sustained(np.append(m, False), 4) == -1
    assert first_sustained(np.zeros(5, bool), 1) == -1


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
                   roles={"pool_A": "sensory", "pool_B": "sensory"},
                   reaction_time_ms=np.full(tr.n_trials, np.nan))
    assert persistence_time(tr, act)["attended"] <= 20.0


# --- row 12: first bin after array onset where the two sensory responses differ across trials ----------
LAT_TIMING = {"fixation": 200, "cue": 200, "stimulus": 400, "response": 100}


def _latency_profile(t, onset, cue_on, attended: bool, shift=10.0, lead=8.0, divergence_ms=150.0):
    """Rate (Hz) of one pool: 5 Hz, an onset transient at the array; the attended pool also
    gets +`shift` from the cue on (a baseline shift before the array), a 10 ms blip, and +`lead`
    from `divergence_ms` after onset."""
    r = 5.0 + 20.0 * ((t >= onset) & (t < onset + 50)) + 10.0 * (t >= onset + 50)
    if attended:     # a 10 ms blip 50 ms after onset: one bin, shorter than the consecutive-bins criterion
        r = r + shift * (t >= cue_on) + lead * (t >= onset + divergence_ms) + 20.0 * ((t >= onset + 50) & (t < onset + 60))
    return r


def test_selection_latency_ignores_a_cue_baseline_shift():
    """Divergence 150 ms after array onset, the attended pool raised by the cue before the array.

    Trial-averaged, smoothed and without baseline subtraction (the code of 2026-12-03) this read
    0 ms: the cue's baseline shift counts as selection from the first bin on."""
    tr = make_selective(n_trials=40, dt_ms=1.0, timing_ms=LAT_TIMING, contrasts=[0.5],
                        conditions=["attend_A", "attend_B"], seed=0)
    t = np.arange(tr.n_steps) * 1.0
    rng = np.random.default_rng(3)
    att = tr.attended_index()
    prof = {a: _latency_profile(t, 400.0, 200.0, a) for a in (True, False)}
    ra = np.stack([prof[att[i] == 0] for i in range(tr.n_trials)]) + rng.normal(0, 20.0, (tr.n_trials, t.size))
    rb = np.stack([prof[att[i] == 1] for i in range(tr.n_trials)]) + rng.normal(0, 20.0, (tr.n_trials, t.size))
    lat = selection_latency(tr, _two_group_activity(ra, rb, 1.0))
    assert lat["attended"] == pytest.approx(150.0, abs=20.0)
    assert lat["attend_A"] == pytest.approx(150.0, abs=30.0)
    # no divergence: no latency, although the cue still shifts the baseline
    flat = {a: _latency_profile(t, 400.0, 200.0, a, lead=0.0) for a in (True, False)}
    ra = np.stack([flat[att[i] == 0] for i in range(tr.n_trials)]) + rng.normal(0, 20.0, (tr.n_trials, t.size))
    rb = np.stack([flat[att[i] == 1] for i in range(tr.n_trials)]) + rng.normal(0, 20.0, (tr.n_trials, t.size))
    assert math.isnan(selection_latency(tr, _two_group_activity(ra, rb, 1.0))["attended"])


def test_selection_latency_on_spike_counts_not_smoothed_rates():
    """Poisson spikes of 20 cells per pool; the rate traces carry a causal 50 ms boxcar that
    would delay a latency read from them. The latency comes from the unsmoothed counts."""
    tr = make_selective(n_trials=60, dt_ms=1.0, timing_ms=LAT_TIMING, contrasts=[0.5],
                        conditions=["attend_A", "attend_B"], seed=0)
    t = np.arange(tr.n_steps) * 1.0
    rng = np.random.default_rng(5)
    att = tr.attended_index()
    n_cells = 20
    spikes = {"A": [], "B": []}
    smoothed = np.zeros((tr.n_trials, tr.n_steps, 2))
    box = np.ones(50) / 50
    for i in range(tr.n_trials):
        for g, name in enumerate(("A", "B")):
            rate = _latency_profile(t, 400.0, 200.0, att[i] == g, lead=10.0)
            counts = rng.poisson(rate * n_cells * 1e-3)
            times = np.repeat(t, counts) + rng.uniform(0, 1.0, counts.sum())
            spikes[name].append((rng.integers(0, n_cells, times.size), times))
            smoothed[i, :, g] = np.convolve(counts / (n_cells * 1e-3), box)[:t.size]
    act = Activity(rates=smoothed, dt_ms=1.0, groups={"A": slice(0, 1), "B": slice(1, 2)},
                   selective_groups=("A", "B"), choice=np.zeros(tr.n_trials, int),
                   roles={"A": "sensory", "B": "sensory"},
                   reaction_time_ms=np.full(tr.n_trials, np.nan), spikes=spikes,
                   group_sizes={"A": n_cells, "B": n_cells})
    assert selection_latency(tr, act)["attended"] == pytest.approx(150.0, abs=20.0)


def _ramp_activity(tr, step_ms, onset_ms, cue_on_ms, tau_ms, noise, seed, carry=0.0):
    """Rates-only sensory pair (like an ANN's hidden units, one sample per step_ms): both groups at 0.1;
    from the cue on, the attended group's lead grows as 0.3 (1 - exp(-(t - cue_on) / tau_ms)) and keeps
    growing through the array, which adds nothing of its own (equal stimuli); `carry`: a constant lead
    the cue opens instead (a step at cue onset) that the array leaves as it is."""
    rng = np.random.default_rng(seed)
    t = np.arange(tr.n_steps) * step_ms
    lead = 0.3 * (1 - np.exp(-np.clip(t - cue_on_ms, 0, None) / tau_ms)) * (t >= cue_on_ms) if tau_ms else 0 * t
    lead = lead + carry * (t >= cue_on_ms)
    att = tr.attended_index()
    n = tr.n_trials
    ra = 0.1 + np.where((att == 0)[:, None], lead, 0.0) + rng.normal(0, noise, (n, t.size))
    rb = 0.1 + np.where((att == 1)[:, None], lead, 0.0) + rng.normal(0, noise, (n, t.size))
    return _two_group_activity(ra, rb, step_ms)


def test_selection_latency_of_a_cue_ramp_through_the_array_is_undefined():
    """Issue 19 (ANN selection latency 0 [0, 0]): an ANN's hidden units integrate the cue, so the lead
    still grows at array onset and every bin after it is above the pre-array mean. The baseline-
    subtracted test read 0 ms; a lead the array did not cause is no selection: NaN, with the reason."""
    from attnsim.analysis.timing import rising_lead
    tr = make_selective(n_trials=40, dt_ms=20.0, timing_ms={"fixation": 300, "cue": 200, "stimulus": 500,
                        "response": 200}, contrasts=[0.5], conditions=["attend_A", "attend_B"], seed=0)
    act = _ramp_activity(tr, 20.0, 500.0, 300.0, 250.0, 0.03, seed=1)
    assert math.isnan(selection_latency(tr, act)["attended"])
    assert "still grows at array onset" in rising_lead(tr, act)


def test_selection_latency_of_a_lead_carried_over_the_onset_is_undefined():
    """A step lead opened by the cue, flat before the array and carried through it: the responses differ
    from the first bin after onset only because they differed before it. Not a latency of 0 ms."""
    from attnsim.analysis.timing import rising_lead
    tr = make_selective(n_trials=40, dt_ms=20.0, timing_ms={"fixation": 300, "cue": 200, "stimulus": 500,
                        "response": 200}, contrasts=[0.5], conditions=["attend_A", "attend_B"], seed=0)
    act = _ramp_activity(tr, 20.0, 500.0, 300.0, 0.0, 0.03, seed=2, carry=0.2)
    # the carried lead cancels in the baseline subtraction: no divergence after onset at all
    assert math.isnan(selection_latency(tr, act)["attended"])
    assert rising_lead(tr, act) == ""


def test_selection_latency_of_a_first_bin_divergence_after_a_cue_lead_is_undefined():
    """The cue opens a lead, flat before the array; at onset the lead steps up at once (no delay, as an
    ANN's units can). Baseline-subtracted, the first bin already differs: 0 ms, which cannot be told
    from the cue's lead carried over the onset: NaN, with the reason; with no lead before the array
    the same step reads 0 ms."""
    from attnsim.analysis.timing import rising_lead
    tr = make_selective(n_trials=40, dt_ms=20.0, timing_ms={"fixation": 300, "cue": 200, "stimulus": 500,
                        "response": 200}, contrasts=[0.5], conditions=["attend_A", "attend_B"], seed=0)
    for carry, expect_nan in ((0.2, True), (0.0, False)):
        rng = np.random.default_rng(4)
        t = np.arange(tr.n_steps) * 20.0
        lead = carry * (t >= 300.0) + 0.2 * (t >= 500.0)
        att = tr.attended_index()
        ra = 0.1 + np.where((att == 0)[:, None], lead, 0.0) + rng.normal(0, 0.03, (tr.n_trials, t.size))
        rb = 0.1 + np.where((att == 1)[:, None], lead, 0.0) + rng.normal(0, 0.03, (tr.n_trials, t.size))
        act = _two_group_activity(ra, rb, 20.0)
        lat = selection_latency(tr, act)["attended"]
        assert math.isnan(lat) if expect_nan else lat == 0.0
        assert ("lead already before the array" in rising_lead(tr, act)) == expect_nan

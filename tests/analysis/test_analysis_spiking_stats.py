"""ISI CV, spike-train rate, synchrony chi and oscillation peak against known answers."""
import numpy as np
import pytest

from attnsim.models.activity import Activity
from attnsim.analysis.spiking_stats import (chi_of_counts, cv_of_trains, isi_cv, mean_rate_hz, oscillation_hz,
                                        peak_frequency_hz, synchrony)
from attnsim.analysis.windows import NotApplicable
from attnsim.tasks.trials import CHANNELS, Trials, timeline
from tests.helpers.spike_trains import modulated_poisson, spiking_activity

DT = 0.5


def spontaneous_trials(n_trials=2, transient=100.0, measure=2000.0):
    epochs, n_steps = timeline({"transient": transient, "measure": measure}, DT)
    return Trials(DT, np.zeros((n_trials, n_steps, 4)), CHANNELS, np.full(n_trials, -1), epochs,
                  {"condition": np.array(["spontaneous"] * n_trials)})


def activity_from(trials, spikes, n_neurons, rates=None):
    n_steps = trials.n_steps
    if rates is None:
        rates = np.zeros((trials.n_trials, n_steps, 1))
    groups = {"pop": slice(0, 1), "pop2": slice(0, 1)}
    return Activity(rates=rates, dt_ms=DT, groups=groups, selective_groups=("pop", "pop2"),
                    choice=np.full(trials.n_trials, -1), reaction_time_ms=np.full(trials.n_trials, np.nan),
                    spikes=spikes, group_sizes={g: n_neurons for g in spikes})


def poisson_trains(rng, n, rate_hz, t_end_ms):
    ids, times = [], []
    for k in range(n):
        m = rng.poisson(rate_hz * t_end_ms * 1e-3)
        ids.append(np.full(m, k))
        times.append(rng.uniform(0, t_end_ms, m))
    return np.concatenate(ids), np.concatenate(times)


def test_cv_poisson_regular_and_min_spikes():
    rng = np.random.default_rng(0)
    ids, t = poisson_trains(rng, 200, 40.0, 5000.0)
    order = np.lexsort((t, ids))
    cv = cv_of_trains(ids[order], t[order])
    assert cv.size == 200 and abs(cv.mean() - 1.0) < 0.03
    reg_t = np.arange(0, 1000, 25.0)
    assert cv_of_trains(np.zeros(reg_t.size, int), reg_t)[0] == pytest.approx(0.0, abs=1e-12)
    # two spikes (one ISI) do not qualify
    assert cv_of_trains(np.array([0, 0, 1, 1, 1]), np.array([1.0, 5.0, 1.0, 2.0, 4.0])).size == 1


def test_isi_cv_and_mean_rate_use_the_measure_epoch():
    trials = spontaneous_trials()
    rng = np.random.default_rng(1)
    t_end = trials.n_steps * DT
    regular = np.arange(0.0, t_end, 10.0)             # 100 Hz, CV 0
    reg = (np.repeat(np.arange(50), regular.size), np.tile(regular, 50))
    spikes = {"poisson": [poisson_trains(rng, 100, 20.0, t_end) for _ in range(2)], "regular": [reg, reg]}
    act = activity_from(trials, spikes, 100)
    act.group_sizes["regular"] = 50
    cv = isi_cv(trials, act)
    assert set(cv) == {"all", "spontaneous"}
    assert abs(cv["all"]["poisson"] - 1.0) < 0.05 and cv["all"]["regular"] == pytest.approx(0.0, abs=1e-9)
    r = mean_rate_hz(trials, act)
    assert r["all"]["regular"] == pytest.approx(100.0, rel=1e-9)
    assert abs(r["all"]["poisson"] - 20.0) < 1.0
    # spikes only in the transient: zero rate and no qualifying neuron in the measure epoch
    early = {"early": [(np.zeros(5, int), np.arange(5.0)) for _ in range(2)]}
    act2 = activity_from(trials, early, 1)
    assert mean_rate_hz(trials, act2)["all"]["early"] == 0.0
    assert np.isnan(isi_cv(trials, act2)["all"]["early"])


def test_synchrony_independent_near_zero_identical_one():
    rng = np.random.default_rng(2)
    n, t_end = 400, 2100.0
    x = np.stack([rng.poisson(0.05, 2000) for _ in range(n)]).astype(float)
    assert chi_of_counts(x) == pytest.approx(1 / np.sqrt(n), rel=0.2)
    assert chi_of_counts(np.tile(x[0], (n, 1))) == pytest.approx(1.0)
    trials = spontaneous_trials()
    ind = [poisson_trains(rng, n, 30.0, t_end) for _ in range(2)]
    one = poisson_trains(rng, 1, 30.0, t_end)[1]
    same = (np.repeat(np.arange(n), one.size), np.tile(one, n))
    act = activity_from(trials, {"independent": ind, "identical": [same, same]}, n)
    s = synchrony(trials, act)["all"]
    assert s["independent"] < 0.08 and s["identical"] == pytest.approx(1.0)


def test_oscillation_peak_of_modulated_population():
    trials = spontaneous_trials(n_trials=3, measure=3000.0)
    t = np.arange(trials.n_steps) * DT * 1e-3
    rng = np.random.default_rng(3)
    rates = 10 + 6 * np.sin(2 * np.pi * 6.5 * t)[None, :, None] + rng.normal(0, 3, (3, t.size, 1))
    # a 1 Hz component below fmin must not win
    rates += 20 * np.sin(2 * np.pi * 1.0 * t)[None, :, None]
    act = activity_from(trials, {}, 1, rates=rates)
    act.spikes = None                 # a rate model: the rate trace is its population signal
    f = oscillation_hz(trials, act)["all"]["pop"]
    assert f == pytest.approx(6.5, abs=0.3)
    assert peak_frequency_hz(np.ones((1, 1000)), 1.0) != peak_frequency_hz(np.ones((1, 1000)), 1.0)  # NaN


def test_no_spikes_is_not_applicable():
    trials = spontaneous_trials()
    silent = activity_from(trials, {"pop": [(np.array([], int), np.array([]))] * 2}, 10)
    none = activity_from(trials, {}, 10)
    none.spikes = None
    for metric in (isi_cv, mean_rate_hz, synchrony):
        for act in (silent, none):
            with pytest.raises(NotApplicable):
                metric(trials, act)


def test_stimulus_epoch_preferred_over_measure():
    epochs, n_steps = timeline({"fixation": 100.0, "stimulus": 200.0, "measure": 100.0}, DT)
    trials = Trials(DT, np.zeros((1, n_steps, 4)), CHANNELS, np.zeros(1, int), epochs,
                    {"condition": np.array(["x"])})
    spk = {"pop": [(np.zeros(10, int), np.linspace(110, 290, 10))]}   # 10 spikes inside the stimulus epoch
    assert mean_rate_hz(trials, activity_from(trials, spk, 1))["all"]["pop"] == pytest.approx(50.0)


def test_oscillation_of_spiking_population_ignores_dt_and_display_smoothing():
    """A 40 Hz modulated Poisson population: the peak comes from the spikes, not from the rate traces
    (a 50 ms boxcar has a zero at 40 Hz; its rates would peak elsewhere)."""
    trials = spontaneous_trials(n_trials=2, measure=3000.0)
    rng = np.random.default_rng(4)
    t_end = trials.n_steps * DT
    trains = [modulated_poisson(rng, 200, t_end) for _ in range(2)]
    for dt, smooth in ((0.5, None), (1.0, 50.0), (5.0, 50.0), (5.0, 20.0)):
        f = oscillation_hz(trials, spiking_activity(trials, trains, 200, dt, smooth))["all"]["pop"]
        assert f == pytest.approx(40.0, abs=0.5), (dt, smooth)


def _elephant_trains(rng):
    """Poisson, gamma (shape 4, regular) and few-spike neurons, as one (ids, times) pair, unsorted."""
    ids, times = [], []
    for k in range(60):
        kind = k % 3
        if kind == 0:
            t = np.cumsum(rng.exponential(25.0, rng.integers(3, 80)))
        elif kind == 1:
            t = np.cumsum(rng.gamma(4.0, 5.0, rng.integers(3, 80)))
        else:
            t = np.cumsum(rng.exponential(200.0, rng.integers(0, 4)))    # 0-3 spikes
        ids.append(np.full(t.size, k))
        times.append(t)
    ids, times = np.concatenate(ids), np.concatenate(times)
    perm = rng.permutation(ids.size)
    return ids[perm], times[perm]


def test_isi_cv_equals_elephant():
    es = pytest.importorskip("elephant.statistics")
    from attnsim.models.spike_train_stats import isi_cv_per_neuron
    rng = np.random.default_rng(9)
    ids, times = _elephant_trains(rng)
    ref = np.full(60, np.nan)
    for k in range(60):
        t = np.sort(times[ids == k])
        if t.size >= 3:
            ref[k] = es.cv(es.isi(t))
    got = isi_cv_per_neuron(ids, times, 60, min_spikes=3)
    assert np.array_equal(np.isnan(got), np.isnan(ref))
    np.testing.assert_allclose(got[np.isfinite(ref)], ref[np.isfinite(ref)], rtol=1e-9, atol=1e-12)
    # the metric (mean over qualifying cells) and the PD14 validation use the same estimator
    epochs, n_steps = timeline({"measure": float(np.ceil(times.max() + 1))}, DT)
    trials = Trials(DT, np.zeros((1, n_steps, 4)), CHANNELS, np.full(1, -1), epochs,
                    {"condition": np.array(["spontaneous"])})
    act = activity_from(trials, {"pop": [(ids, times)]}, 60)
    assert isi_cv(trials, act)["all"]["pop"] == pytest.approx(np.nanmean(ref), rel=1e-9)
    from attnsim.models.microcircuit.spontaneous import rates_and_cv
    _, cvs = rates_and_cv(ids, times, {"a": slice(0, 30), "b": slice(30, 60)}, 0.0, times.max() + 1)
    np.testing.assert_allclose(cvs, [np.nanmean(ref[:30]), np.nanmean(ref[30:])], rtol=1e-9)

"""Relative gamma power of known signals: fixed 2-100 Hz normalisation, unsmoothed signals."""
import numpy as np
import pytest
from scipy.signal import welch

from attnsim.models.activity import Activity
from attnsim.analysis.gamma import TOTAL_RANGE_HZ, band_fraction, gamma_power
from attnsim.analysis.windows import NotApplicable
from attnsim.tasks.selective import make_selective
from attnsim.tasks.trials import CHANNELS, Trials, timeline
from tests.helpers.spike_trains import modulated_poisson, spiking_activity

TIMING = {"fixation": 100, "cue": 100, "stimulus": 500, "response": 100}
TASK_DT = 0.1


def _sine_activity(tr, dt_ms, freqs_hz, amps=None):
    n_steps = int(round(tr.n_steps * tr.dt_ms / dt_ms))
    t = np.arange(n_steps) * dt_ms / 1000.0
    rng = np.random.default_rng(0)
    amps = amps or [10.0] * len(freqs_hz)
    cols = [20 + a * np.sin(2 * np.pi * f * t[None, :] + rng.uniform(0, 2 * np.pi, (tr.n_trials, 1)))
            for f, a in zip(freqs_hz, amps)]
    rates = np.stack(cols, axis=2)
    names = [f"g{k}" for k in range(len(freqs_hz))]
    return Activity(rates=rates, dt_ms=dt_ms, groups={n: slice(k, k + 1) for k, n in enumerate(names)},
                    selective_groups=(names[0], names[-1]), choice=np.zeros(tr.n_trials, int),
                    reaction_time_ms=np.full(tr.n_trials, np.nan))


def _mixture_activity(tr, dt_ms, comps):
    """One group whose rate is 20 + sum a sin(2 pi f t + phase): comps = [(f, a), ...]."""
    n_steps = int(round(tr.n_steps * tr.dt_ms / dt_ms))
    t = np.arange(n_steps) * dt_ms / 1000.0
    rng = np.random.default_rng(5)
    x = np.full((tr.n_trials, n_steps), 20.0)
    for f, a in comps:
        x += a * np.sin(2 * np.pi * f * t[None, :] + rng.uniform(0, 2 * np.pi, (tr.n_trials, 1)))
    return Activity(rates=x[:, :, None], dt_ms=dt_ms, groups={"g": slice(0, 1)}, selective_groups=("g", "g"),
                    choice=np.zeros(tr.n_trials, int), reaction_time_ms=np.full(tr.n_trials, np.nan))


def test_gamma_fraction_of_sinusoids():
    tr = make_selective(n_trials=4, dt_ms=0.5, timing_ms=TIMING, contrasts=[0.5], conditions=["attend_A"])
    g = gamma_power(tr, _sine_activity(tr, 1.0, [40.0, 10.0]))
    assert g["all"]["g0"] > 0.97
    assert g["all"]["g1"] < 0.02


def test_rate_signal_same_at_dt_0p1_1_5_and_matches_the_amplitudes():
    """Sinusoids on the Welch grid (12, 40, 88 Hz) sampled at three steps: one fraction, a40^2 / sum a^2."""
    tr = make_selective(n_trials=3, dt_ms=TASK_DT, timing_ms=TIMING, contrasts=[0.5], conditions=["attend_A"])
    comps = [(12.0, 6.0), (40.0, 5.0), (88.0, 4.0)]
    expected = 5.0 ** 2 / sum(a ** 2 for _, a in comps)
    vals = [gamma_power(tr, _mixture_activity(tr, dt, comps))["all"]["g"] for dt in (0.1, 1.0, 5.0)]
    assert np.ptp(vals) <= 0.05 * np.mean(vals)
    assert vals == pytest.approx([expected] * 3, rel=0.05)


def test_white_noise_fraction_is_bin_count_ratio_of_the_fixed_range():
    x = np.random.default_rng(2).standard_normal((40, 4000))
    f = np.fft.rfftfreq(250, d=1e-3)
    n_band = np.count_nonzero((f >= 30) & (f <= 80))
    n_total = np.count_nonzero((f >= TOTAL_RANGE_HZ[0]) & (f <= TOTAL_RANGE_HZ[1]))
    # flat PSD: the fraction of bins, whatever the sampling step (not 50 / Nyquist)
    assert band_fraction(x, 1.0) == pytest.approx(n_band / n_total, abs=0.03)
    assert band_fraction(x[:, ::2], 2.0) == pytest.approx(n_band / n_total, abs=0.03)


def test_nyquist_below_the_total_range_is_not_applicable():
    tr = make_selective(n_trials=2, dt_ms=2.0, timing_ms=TIMING, contrasts=[0.5], conditions=["attend_A"])
    for dt in (20.0, 6.0):       # Nyquist 25 Hz (below the band), 83 Hz (above the band, below 100 Hz)
        n = int(round(tr.n_steps * tr.dt_ms / dt))
        act = Activity(rates=np.ones((2, n, 2)), dt_ms=dt, groups={"A": slice(0, 1), "B": slice(1, 2)},
                       selective_groups=("A", "B"), choice=np.zeros(2, int), reaction_time_ms=np.full(2, np.nan))
        with pytest.raises(NotApplicable, match="Nyquist"):
            gamma_power(tr, act)


def test_band_outside_total_range_is_refused():
    with pytest.raises(ValueError, match="inside total_hz"):
        band_fraction(np.zeros((1, 100)), 1.0, band_hz=(30, 150))


# --- spiking: a 40 Hz modulated Poisson population ------------------------------------------------

def _spontaneous_trials(n_trials, measure_ms=2000.0):
    epochs, n_steps = timeline({"transient": 100.0, "measure": measure_ms}, TASK_DT)
    return Trials(TASK_DT, np.zeros((n_trials, n_steps, 4)), CHANNELS, np.full(n_trials, -1), epochs,
                  {"condition": np.array(["spontaneous"] * n_trials)})


@pytest.fixture(scope="module")
def population():
    rng = np.random.default_rng(11)
    trials = _spontaneous_trials(3)
    t_end = trials.n_steps * trials.dt_ms
    return trials, [modulated_poisson(rng, 200, t_end) for _ in range(3)], 200


def test_spiking_gamma_independent_of_dt_and_display_smoothing(population):
    trials, trains, n = population
    vals = [gamma_power(trials, spiking_activity(trials, trains, n, dt, smooth))["all"]["pop"]
            for dt in (0.1, 1.0, 5.0) for smooth in (None, 50.0, 20.0)]
    assert np.ptp(vals) <= 0.05 * np.mean(vals)
    assert np.mean(vals) > 0.5          # the 40 Hz line dominates 2-100 Hz


def test_spiking_gamma_equals_welch_of_1ms_population_counts(population):
    trials, trains, n = population
    t0, t1 = trials.epoch_ms("measure")
    edges = t0 + np.arange(int(round(t1 - t0)) + 1) * 1.0
    x = np.stack([np.histogram(t, bins=edges)[0] for _, t in trains]).astype(float)
    f, p = welch(x, fs=1000.0, nperseg=250, axis=-1)
    p = p.mean(axis=0)
    direct = p[(f >= 30) & (f <= 80)].sum() / p[(f >= 2) & (f <= 100)].sum()
    got = gamma_power(trials, spiking_activity(trials, trains, n, 5.0, 50.0))["all"]["pop"]
    assert got == pytest.approx(direct, rel=1e-9)

"""Relative gamma power of known signals."""
import numpy as np
import pytest

from models.activity import Activity
from sim.analysis.gamma import band_fraction, gamma_power
from sim.tasks.selective import make_selective

TIMING = {"fixation": 100, "cue": 100, "stimulus": 500, "response": 100}


def _sine_activity(tr, dt_ms, freqs_hz):
    n_steps = int(round(tr.n_steps * tr.dt_ms / dt_ms))
    t = np.arange(n_steps) * dt_ms / 1000.0
    rng = np.random.default_rng(0)
    cols = [20 + 10 * np.sin(2 * np.pi * f * t[None, :] + rng.uniform(0, 2 * np.pi, (tr.n_trials, 1)))
            for f in freqs_hz]
    rates = np.stack(cols, axis=2)
    return Activity(rates=rates, dt_ms=dt_ms, groups={"g40": slice(0, 1), "g10": slice(1, 2)},
                    selective_groups=("g40", "g10"), choice=np.zeros(tr.n_trials, int),
                    reaction_time_ms=np.full(tr.n_trials, np.nan))


def test_gamma_fraction_of_sinusoids():
    tr = make_selective(n_trials=4, dt_ms=0.5, timing_ms=TIMING, contrasts=[0.5], conditions=["attend_A"])
    g = gamma_power(tr, _sine_activity(tr, 1.0, [40.0, 10.0]))
    assert g["all"]["g40"] > 0.97
    assert g["all"]["g10"] < 0.02


def test_white_noise_fraction_is_band_width_over_nyquist():
    x = np.random.default_rng(2).standard_normal((20, 4000))
    assert band_fraction(x, 1.0) == pytest.approx(50 / 500, abs=0.015)   # flat PSD, 0-500 Hz


def test_coarse_recording_is_not_applicable():
    tr = make_selective(n_trials=2, dt_ms=10.0, timing_ms=TIMING, contrasts=[0.5], conditions=["attend_A"])
    act = Activity(rates=np.ones((2, tr.n_steps, 2)), dt_ms=20.0, groups={"A": slice(0, 1), "B": slice(1, 2)},
                   selective_groups=("A", "B"), choice=np.zeros(2, int), reaction_time_ms=np.full(2, np.nan))
    assert gamma_power(tr, act) == {}                  # Nyquist 25 Hz is below the band

"""Feature-similarity gain (docs/reference.md row 15) on synthetic rings with a known answer."""
import numpy as np
import pytest

from attnsim.analysis.feature_gain import feature_gain, over_seeds
from attnsim.analysis.registry import compute_metrics
from attnsim.analysis.ring_units import circ_dist, ring_units
from attnsim.errors import NotApplicable
from attnsim.models.activity import DECISION
from tests.helpers.feature_ring import feature_trials, in_epoch, ring_activity, single_design, von_mises

BASE, AMP = 5.0, 20.0


def _cos_cue(c, pref):
    cue = np.asarray(c["cue_dir"], float)[:, None]
    return np.where(np.isfinite(cue), np.cos(np.deg2rad(cue - pref[None, :])), 0.0)


def _tuning(c, pref):
    return BASE + AMP * von_mises(np.asarray(c["stim_dir"], float)[:, None] - pref[None, :])


def multiplicative(a):
    def fn(c, pref, t):
        r = _tuning(c, pref) * (1.0 + a * _cos_cue(c, pref))
        return r[:, None, :] * in_epoch(t, "stimulus")[None, :, None]
    return fn


def additive(c_hz):
    def fn(c, pref, t):
        r = _tuning(c, pref) + c_hz * _cos_cue(c, pref)
        return r[:, None, :] * in_epoch(t, "stimulus")[None, :, None]
    return fn


def _run(fn, **kw):
    trials = feature_trials(single_design())
    return feature_gain(trials, ring_activity(trials, fn, **kw), n_boot=150)["all"]


def test_multiplicative_feature_similarity_gain_recovers_slope_and_gain():
    a = 0.3
    out = _run(multiplicative(a))
    # m(d) = a cos(d): mod(0) - mod(180) = 2a, and the tuning curve scales by 1 + a with no offset
    assert out["similarity_effect_ci_lo"] < 2 * a < out["similarity_effect_ci_hi"]
    assert out["similarity_effect"] == pytest.approx(2 * a, abs=0.03)
    assert out["mod_d0"] == pytest.approx(a, abs=0.03) and out["mod_d180"] == pytest.approx(-a, abs=0.03)
    assert out["mod_d90"] == pytest.approx(0.0, abs=0.03)
    assert out["slope_per_180deg_ci_hi"] < 0
    assert out["verdict"] == "feature-similarity gain"
    assert out["gain_ci_lo"] < 1 + a < out["gain_ci_hi"] and out["gain_ci_lo"] > 1.0
    assert out["offset_ci_lo"] < 0.0 < out["offset_ci_hi"]
    assert out["scaling_verdict"] == "multiplicative"
    assert out["width_ratio"] == pytest.approx(1.0, abs=0.05)
    assert out["n_units"] == 8


def test_additive_shift_is_reported_additive():
    c_hz = 4.0
    out = _run(additive(c_hz))
    s = np.mean(BASE + AMP * von_mises(np.arange(8) * 45.0))      # the mean neutral response S
    assert out["offset_ci_lo"] < c_hz / s < out["offset_ci_hi"] and out["offset_ci_lo"] > 0
    assert out["gain_ci_lo"] < 1.0 < out["gain_ci_hi"]
    assert out["scaling_verdict"] == "additive"
    assert out["verdict"] == "feature-similarity gain"           # still graded by similarity


def test_no_attention_effect_gives_intervals_holding_zero():
    out = _run(multiplicative(0.0))
    assert out["similarity_effect_ci_lo"] < 0.0 < out["similarity_effect_ci_hi"]
    assert out["slope_per_180deg_ci_lo"] < 0.0 < out["slope_per_180deg_ci_hi"]
    assert out["verdict"] == "none shown"
    assert out["scaling_verdict"] == "neither"


def test_hidden_units_get_preferences_on_held_out_trials():
    trials = feature_trials(single_design(n_rep=4, neutral_rep=3))
    act = ring_activity(trials, multiplicative(0.3), n_units=16, pools=False, noise_hz=2.0)
    units = ring_units(trials, act)
    truth = np.arange(16) * 22.5
    assert units.columns.size == 16
    assert np.all(circ_dist(units.pref_deg, truth[units.columns]) < 10.0)
    assert units.trials.n_trials < trials.n_trials                  # measured on the other half
    out = feature_gain(trials, act, n_boot=100)["all"]
    assert out["verdict"] == "feature-similarity gain" and out["similarity_effect_ci_lo"] > 0.3


def test_a_model_without_sensory_units_is_not_applicable():
    trials = feature_trials(single_design(n_rep=1))
    act = ring_activity(trials, multiplicative(0.3), prefix="pool_", role=DECISION)
    with pytest.raises(NotApplicable, match="no sensory population"):
        feature_gain(trials, act)
    assert "feature_gain" not in compute_metrics(["feature_gain"], trials, act)


def test_over_seeds_uses_the_seed_level_bootstrap():
    per_seed = [{"similarity_effect": v, "n_trials": 50} for v in (0.5, 0.6, 0.55, 0.62, 0.58)]
    boot = over_seeds(per_seed, "similarity_effect", n_boot=300)
    lo, hi = boot.interval
    assert boot.over == "seeds" and boot.n_seeds == 5 and lo < 0.57 < hi

"""Row 13 (docs/reference.md): a cued working-memory pool that persists through the delay and one that
decays are told apart, with the sensory attention effect in the delay following the memory."""
from dataclasses import replace

import numpy as np
import pytest

from attnsim.analysis.persistence import persistence_verdict, wm_persistence
from attnsim.errors import NotApplicable
from attnsim.models.activity import HIDDEN
from tests.helpers.feature_ring import EPOCHS, DT_MS, feature_trials, in_epoch, ring_activity, single_design, von_mises

CUE_OFF_MS = EPOCHS["cue"].stop * DT_MS
DELAY_MS = (EPOCHS["delay"].stop - EPOCHS["delay"].start) * DT_MS


def _cue_tuning(c, pref, kappa=4.0):
    cue = np.asarray(c["cue_dir"], float)[:, None]
    return np.where(np.isfinite(cue), von_mises(cue - pref[None, :], kappa), 0.0)


def memory(persistent: bool, peak=40.0, held=25.0, tau_ms=80.0, base=2.0):
    def fn(c, pref, t):
        tun = _cue_tuning(c, pref)[:, None, :]
        after = t >= CUE_OFF_MS
        shape = np.where(in_epoch(t, "cue"), peak, 0.0)
        if persistent:
            shape = shape + np.where(after, held, 0.0)
        else:
            shape = shape + np.where(after, peak * np.exp(-(t - CUE_OFF_MS) / tau_ms), 0.0)
        return base + tun * shape[None, :, None]
    return fn


def sensory(delay_shift_hz):
    def fn(c, pref, t):
        stim = np.asarray(c["stim_dir"], float)[:, None]
        near = _cue_tuning(c, pref, kappa=8.0)
        r_stim = (5.0 + 20.0 * von_mises(stim - pref[None, :])) * (1 + 0.2 * near)
        r = 3.0 + (delay_shift_hz * near)[:, None, :] * in_epoch(t, "delay")[None, :, None]
        return r + (r_stim[:, None, :] - 3.0) * in_epoch(t, "stimulus")[None, :, None]
    return fn


def _ring(persistent: bool):
    trials = feature_trials(single_design(n_rep=2, neutral_rep=2))
    act = ring_activity(trials, sensory(3.0 if persistent else 0.0), noise_hz=2.0,
                        extra={"wm_f": (memory(persistent), HIDDEN)})
    return trials, act


def test_a_persistent_pool_is_classified_persistent():
    trials, act = _ring(True)
    out = wm_persistence(trials, act, n_boot=100)["all"]
    assert out["verdict"] == "persistent"
    assert out["elevation_end_ci_lo"] > 20.0 and out["returned"] == 0.0
    assert out["return_ms"] == pytest.approx(DELAY_MS, abs=DT_MS)        # never back: the whole delay
    assert out["retained_fraction"] == pytest.approx(25.0 / 40.0, abs=0.05)
    assert out["sensory_delay_effect_ci_lo"] > 1.0                        # the top-down drive holds
    assert out["sensory_stimulus_effect_ci_lo"] > 0.0


def test_a_decaying_pool_returns_to_baseline():
    trials, act = _ring(False)
    out = wm_persistence(trials, act, n_boot=100)["all"]
    assert out["verdict"] == "returns to baseline"
    assert out["elevation_end_ci_lo"] < 0.0 < out["elevation_end_ci_hi"]
    # 40 exp(-t / 80 ms) falls below 10 % of 40 Hz at 80 ln 10 = 184 ms after the cue
    assert 100.0 < out["return_ms"] < 300.0
    assert abs(out["sensory_delay_effect"]) < 0.3                         # no drive left (3 Hz when held)


@pytest.mark.parametrize("persistent", [True, False])
def test_hidden_units_read_the_cue_by_decoding(persistent):
    trials = feature_trials(single_design(n_rep=2, neutral_rep=2))
    act = ring_activity(trials, memory(persistent, peak=1.0, held=0.6, base=0.0), n_units=16, pools=False,
                        noise_hz=0.1)
    out = wm_persistence(trials, act, n_boot=100)["all"]
    assert out["measure"].startswith("cue decoding")
    if persistent:
        assert out["verdict"] == "persistent" and out["elevation_end"] > 0.8
    else:
        assert out["verdict"] == "returns to baseline" and abs(out["elevation_end"]) < 0.1


def test_verdicts_and_not_applicable():
    assert persistence_verdict((1.0, 2.0), True, 4.0)[0] == "returns to baseline"
    assert persistence_verdict((3.0, 5.0), True, 4.0)[0] == "inconclusive"      # a slow decay
    assert persistence_verdict((5.0, 6.0), False, 4.0)[0] == "persistent"
    assert persistence_verdict(None, False, 4.0)[0] == "inconclusive"
    trials, act = _ring(True)
    no_delay = replace(trials, epochs={k: v for k, v in trials.epochs.items() if k != "delay"})
    with pytest.raises(NotApplicable, match="delay"):
        wm_persistence(no_delay, act)

"""Biased competition (docs/reference.md row 16): pair responses built as weighted averages of the
single responses give their weights back."""
import numpy as np
import pytest

from attnsim.analysis.pair_competition import competition_verdict, pair_competition
from attnsim.analysis.ring_units import circ_dist
from attnsim.errors import NotApplicable
from attnsim.models.feature_channels import feature_angles_deg
from tests.helpers.feature_ring import feature_trials, in_epoch, ring_activity, single_design, von_mises

NAN = float("nan")


def _design(n_rep=3):
    dirs = feature_angles_deg(8)
    rows = []
    for _ in range(n_rep):
        for s in dirs:
            rows += [("neutral", NAN, s, NAN, 1.0)] * 2                   # singles, attention away
            for d in (90.0, 180.0):
                p = (s + d) % 360
                rows += [("neutral", NAN, s, p, 1.0), ("attend_feature", s, s, p, 1.0),
                         ("attend_feature", p, s, p, 1.0)]
    return rows


def weighted_average(w_neutral, shift):
    """A unit preferring one member of a pair: R_pair = w R_P + (1 - w) R_Q, with w = w_neutral without
    a cue, w_neutral + shift with the cue on P and w_neutral - shift with the cue on Q."""
    def fn(c, pref, t):
        stim, pair, cue = (np.asarray(c[k], float)[:, None] for k in ("stim_dir", "pair_dir", "cue_dir"))
        p = pref[None, :]
        r1 = 2.0 + 30.0 * von_mises(stim - p, 3.0)
        r2 = 2.0 + 30.0 * von_mises(pair - p, 3.0)
        on1, on2 = circ_dist(p, stim) < 1, circ_dist(p, pair) < 1            # the unit prefers stim / pair
        cue1, cue2 = np.isfinite(cue) & (circ_dist(cue, stim) < 1), np.isfinite(cue) & (circ_dist(cue, pair) < 1)
        w_pref = np.where((on1 & cue1) | (on2 & cue2), w_neutral + shift,
                          np.where((on1 & cue2) | (on2 & cue1), w_neutral - shift, w_neutral))
        w1 = np.where(on1, w_pref, np.where(on2, 1 - w_pref, 0.5))           # the weight of stim's response
        r = np.where(np.isfinite(pair), w1 * r1 + (1 - w1) * r2, r1)
        return r[:, None, :] * in_epoch(t, "stimulus")[None, :, None]
    return fn


def test_weighted_average_pairs_give_their_weights_back():
    trials = feature_trials(_design())
    out = pair_competition(trials, ring_activity(trials, weighted_average(0.5, 0.3)), n_boot=100)["all"]
    assert out["weight_neutral"] == pytest.approx(0.5, abs=0.02)
    assert out["weight_attend_pref"] == pytest.approx(0.8, abs=0.02)
    assert out["weight_attend_poor"] == pytest.approx(0.2, abs=0.02)
    assert out["shift_to_pref_ci_lo"] < 0.3 < out["shift_to_pref_ci_hi"]
    assert out["average_verdict"] == "pass"
    assert out["verdict"] == "toward the attended stimulus"


def test_unequal_weights_and_no_attention():
    trials = feature_trials(_design())
    out = pair_competition(trials, ring_activity(trials, weighted_average(0.7, 0.0)), n_boot=100)["all"]
    assert out["weight_neutral"] == pytest.approx(0.7, abs=0.02)
    assert out["shift_to_pref_ci_lo"] < 0 < out["shift_to_pref_ci_hi"]
    assert out["shift_to_poor_ci_lo"] < 0 < out["shift_to_poor_ci_hi"]
    assert out["verdict"] == "none shown"


def test_a_pair_response_above_both_singles_is_no_average():
    trials = feature_trials(_design())
    out = pair_competition(trials, ring_activity(trials, weighted_average(1.4, 0.0)), n_boot=100)["all"]
    assert out["weight_neutral_ci_lo"] > 1.0 and out["average_verdict"] == "fail"


def test_verdicts_and_not_applicable():
    assert competition_verdict((0.1, 0.2), (-0.3, -0.1))[0] == "away from the attended stimulus"
    assert competition_verdict((0.1, 0.2), (-0.1, 0.1))[0] == "toward the preferred only"
    assert competition_verdict(None, (0.1, 0.2))[0] == "inconclusive"
    trials = feature_trials(single_design(n_rep=1))                      # no pairs
    with pytest.raises(NotApplicable, match="pair"):
        pair_competition(trials, ring_activity(trials, weighted_average(0.5, 0.2)))


def test_a_deterministic_model_is_inconclusive():
    trials = feature_trials(_design(n_rep=2))
    out = pair_competition(trials, ring_activity(trials, weighted_average(1.4, 0.3), noise_hz=0.0), n_boot=50)["all"]
    assert out["weight_neutral"] == pytest.approx(1.4, abs=1e-6)       # the estimate stands,
    assert out["average_verdict"] == "inconclusive" and out["verdict"] == "inconclusive"   # no verdict on it

"""The tuned units and resampling cells the ring metrics share (sim/analysis/ring_units.py), on the
feature task's own trials."""
import numpy as np
import pytest

from attnsim.analysis.feature_gain import feature_gain
from attnsim.analysis.ring_units import circ_diff, circ_dist, design_cells, feature_labels
from attnsim.tasks.feature import make_feature
from tests.helpers.feature_ring import ring_activity, von_mises

TIMING = {"fixation": 100, "cue": 100, "delay": 200, "stimulus": 200, "response": 50}


def _task():
    return make_feature(n_trials=160, dt_ms=10.0, timing_ms=TIMING, seed=3, pair=0.25)


def test_circular_differences():
    assert circ_diff(350.0, 10.0) == -20.0 and circ_diff(10.0, 350.0) == 20.0
    assert circ_dist(0.0, 180.0) == 180.0 and circ_dist(90.0, 270.0) == 180.0 and circ_dist(45.0, 405.0) == 0.0


def test_design_cells_keep_offsets_and_neutral_directions():
    trials = _task()
    lab = feature_labels(trials)
    cells = design_cells(trials)
    for c in np.unique(cells):
        idx = np.flatnonzero(cells == c)
        assert len(set(lab.cued[idx])) == 1 and len(set(lab.single[idx])) == 1
        if lab.cued[idx[0]]:
            assert np.ptp(np.round(circ_diff(lab.cue[idx], lab.stim[idx]), 6)) == 0    # one cue offset,
        else:
            assert np.ptp(lab.stim[idx]) == 0                                          # one neutral direction
    cued = lab.cued & lab.single
    assert np.unique(cells[cued]).size < np.unique(lab.stim[cued]).size * np.unique(cells[cued]).size


def test_feature_gain_reads_the_feature_task_labels():
    trials = _task()
    s = trials.epochs["stimulus"]

    def fn(c, pref, t):
        stim, cue = (np.asarray(c[k], float)[:, None] for k in ("stim_dir", "cue_dir"))
        gain = 1 + 0.25 * np.where(np.isfinite(cue), np.cos(np.deg2rad(cue - pref[None])), 0.0)
        out = np.zeros((stim.shape[0], t.size, pref.size))
        out[:, s, :] = ((5 + 20 * von_mises(stim - pref[None])) * gain)[:, None, :]
        return out

    out = feature_gain(trials, ring_activity(trials, fn, noise_hz=2.0), n_boot=100)["all"]
    assert out["verdict"] == "feature-similarity gain"
    assert out["similarity_effect"] == pytest.approx(0.5, abs=0.05)                    # 2 x 0.25
    # g = 1.25, b = 0 (each interval holds its value in 95 % of data sets: a point check here)
    assert out["gain"] == pytest.approx(1.25, abs=0.05) and out["offset"] == pytest.approx(0.0, abs=0.05)

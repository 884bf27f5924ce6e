"""Condition labels are stable keys of summary.json."""
import numpy as np

from sim.analysis.conditions import condition_groups, stimulus_cells
from sim.tasks.selective import make_selective

TIMING = {"fixation": 10, "cue": 10, "stimulus": 20, "response": 10}


def test_labels_with_several_contrasts():
    tr = make_selective(n_trials=36, dt_ms=1.0, timing_ms=TIMING, contrasts=[0.2, 0.5],
                        conditions=["attend_A", "attend_B", "neutral"], seed=3)
    g = condition_groups(tr)
    expected = {"all", "attend_A", "attend_B", "neutral", "attended",
                "attend_A@0.2", "attend_A@0.5", "attend_B@0.2", "attend_B@0.5", "neutral@0.2", "neutral@0.5",
                "attended@0.2", "attended@0.5"}
    assert set(g) == expected
    cond, k = tr.conditions["condition"], tr.conditions["contrast"]
    assert np.array_equal(g["all"], np.arange(36))
    assert set(cond[g["attend_B"]]) == {"attend_B"} and len(g["attend_B"]) == 12
    assert set(cond[g["attended"]]) == {"attend_A", "attend_B"} and len(g["attended"]) == 24
    assert np.all(k[g["attended@0.5"]] == 0.5) and len(g["attended@0.5"]) == 12
    assert np.all((cond[g["neutral@0.2"]] == "neutral") & (k[g["neutral@0.2"]] == 0.2))


def test_single_contrast_has_no_contrast_labels():
    tr = make_selective(n_trials=8, dt_ms=1.0, timing_ms=TIMING, contrasts=[0.5], conditions=["attend_A", "neutral"])
    assert set(condition_groups(tr)) == {"all", "attend_A", "neutral", "attended"}
    tr = make_selective(n_trials=8, dt_ms=1.0, timing_ms=TIMING, contrasts=[0.5], conditions=["neutral"])
    assert set(condition_groups(tr)) == {"all", "neutral"}


def test_stimulus_cells_split_condition_and_contrast():
    tr = make_selective(n_trials=24, dt_ms=1.0, timing_ms=TIMING, contrasts=[0.2, 0.5],
                        conditions=["attend_A", "attend_B", "neutral"])
    cells = stimulus_cells(tr)
    assert len(set(cells.tolist())) == 6
    for c in set(cells.tolist()):
        rows = cells == c
        assert len(set(tr.conditions["condition"][rows])) == 1 and len(set(tr.conditions["contrast"][rows])) == 1

"""Condition labels are stable keys of summary.json."""
import numpy as np

from attnsim.analysis.conditions import condition_groups, stimulus_cells
from attnsim.tasks.discrimination import make_discrimination
from attnsim.tasks.divided import make_divided
from attnsim.tasks.selective import make_selective

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


def _same_inputs(tr, rows):
    first = tr.inputs[rows][0]
    return all(np.array_equal(x, first) for x in tr.inputs[rows])


def _assert_cells_are_identical_inputs(tr, cells):
    """Ground truth: trials share a cell iff their inputs and condition/contrast labels are equal."""
    ids = sorted(set(cells.tolist()))
    assert ids == list(range(len(ids)))
    for c in ids:
        assert _same_inputs(tr, np.flatnonzero(cells == c))
    reps = [np.flatnonzero(cells == c)[0] for c in ids]
    for a in range(len(reps)):
        for b in range(a + 1, len(reps)):
            i, j = reps[a], reps[b]
            same_label = all(tr.conditions[k][i] == tr.conditions[k][j] for k in ("condition", "contrast")
                             if k in tr.conditions)
            assert not (same_label and np.array_equal(tr.inputs[i], tr.inputs[j]))


def test_stimulus_cells_split_neutral_trials_by_the_stronger_location():
    tr = make_selective(n_trials=48, dt_ms=1.0, timing_ms=TIMING, contrasts=[0.2, 0.5],
                        conditions=["attend_A", "attend_B", "neutral"], seed=1)
    cells = stimulus_cells(tr)
    _assert_cells_are_identical_inputs(tr, cells)
    cond, k, target = tr.conditions["condition"], tr.conditions["contrast"], tr.target
    design = {(c, float(x), int(t)) for c, x, t in zip(cond, k, target)}
    assert len(set(cells.tolist())) == len(design) == 8      # neutral@k holds two stimuli (A or B stronger)
    for c in set(cells.tolist()):
        rows = cells == c
        assert len({(a, float(b), int(t)) for a, b, t in zip(cond[rows], k[rows], target[rows])}) == 1


def test_stimulus_cells_split_cue_validity_and_target_location():
    tr = make_divided(n_trials=96, dt_ms=1.0, timing_ms=TIMING, contrasts=[0.3],
                      conditions=["focused_A", "focused_B", "divided"], cue_validity=0.75, seed=2)
    cells = stimulus_cells(tr)
    _assert_cells_are_identical_inputs(tr, cells)
    cond, valid, target = tr.conditions["condition"], tr.conditions["valid"], tr.target
    assert len(set(cells.tolist())) == 6                     # focused_X valid / invalid, divided target A / B
    for c in set(cells.tolist()):
        rows = cells == c
        assert len(set(cond[rows])) == 1 and len(set(valid[rows])) == 1 and len(set(target[rows])) == 1


def test_stimulus_cells_follow_the_inputs_not_the_target():
    # at coherence 0 the target is drawn at random but every trial sees the same input: one cell
    tr = make_discrimination(n_trials=40, dt_ms=1.0, timing_ms={"fixation": 10, "stimulus": 20, "response": 10},
                             coherences=[0.0, 12.8], seed=3)
    cells = stimulus_cells(tr)
    zero = tr.conditions["coherence"] == 0
    assert len(set(tr.target[zero].tolist())) == 2
    assert len(set(cells[zero].tolist())) == 1 and len(set(cells.tolist())) == 2
    _assert_cells_are_identical_inputs(tr, cells)


def test_every_label_is_a_union_of_whole_cells_and_ids_are_reproducible():
    tr = make_selective(n_trials=60, dt_ms=1.0, timing_ms=TIMING, contrasts=[0.2, 0.5],
                        conditions=["attend_A", "attend_B", "neutral"], seed=4)
    cells = stimulus_cells(tr)
    for idx in condition_groups(tr).values():
        inside = set(cells[idx].tolist())
        assert np.array_equal(np.flatnonzero(np.isin(cells, list(inside))), np.sort(idx))
    again = make_selective(n_trials=60, dt_ms=1.0, timing_ms=TIMING, contrasts=[0.2, 0.5],
                           conditions=["attend_A", "attend_B", "neutral"], seed=4)
    assert np.array_equal(stimulus_cells(again), cells)
    assert stimulus_cells(tr.subset(np.zeros(0, dtype=int))).shape == (0,)


def test_coherence_cells_of_the_selective_task_split_each_condition():
    tr = make_selective(n_trials=36, dt_ms=1.0, timing_ms=TIMING, coherence=[0.0, 0.512],
                        conditions=["attend_A", "attend_B", "neutral"], seed=3)
    g = condition_groups(tr)
    assert {"neutral@0", "neutral@0.512", "attended@0", "attended@0.512"} <= set(g)
    coh, cond = tr.conditions["coherence"], tr.conditions["condition"]
    assert np.all(coh[g["neutral@0.512"]] == 0.512) and set(cond[g["neutral@0.512"]]) == {"neutral"}
    # the cells of the two coherences never share a stimulus cell id
    ids = stimulus_cells(tr)
    assert not set(ids[coh == 0.0]) & set(ids[coh == 0.512])


def test_discrimination_conditions_already_hold_one_coherence_each():
    tr = make_discrimination(n_trials=20, dt_ms=1.0, timing_ms={"fixation": 10, "stimulus": 20, "response": 10},
                             coherences=[0.0, 12.8], seed=1)
    assert not any("@" in label for label in condition_groups(tr))

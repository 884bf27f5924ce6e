"""The dual-report task: independent, balanced presence at A and B; cue focused or split."""
import numpy as np
import pytest

from attnsim.tasks.dual_report import make_dual_report

TIMING = {"fixation": 10, "cue": 10, "stimulus": 20, "response": 10}
CONDS = ["focused_A", "focused_B", "divided"]


def _make(**kw):
    args = dict(n_trials=240, dt_ms=1.0, timing_ms=TIMING, contrasts=[0.2, 0.4], conditions=CONDS, seed=1)
    return make_dual_report(**{**args, **kw})


def test_presence_is_balanced_and_independent_within_each_cell():
    tr = _make()
    assert tr.target.shape == (240, 2)
    cond, k = tr.conditions["condition"], tr.conditions["contrast"]
    for c in CONDS:
        for level in (0.2, 0.4):
            cell = tr.target[(cond == c) & (k == level)]
            patterns = {tuple(p): int(((cell == p).all(axis=1)).sum()) for p in ((0, 0), (1, 0), (0, 1), (1, 1))}
            assert set(patterns.values()) == {10}     # 240 / (3 x 2 x 4)


def test_stimulus_and_cue_follow_presence_and_condition():
    tr = _make(distractor_ratio=0.25, cue_strength=0.8)
    stim, cue = tr.epochs["stimulus"], tr.epochs["cue"]
    for i in range(tr.n_trials):
        k = tr.conditions["contrast"][i]
        for loc in (0, 1):
            expected = k if tr.target[i, loc] else k * 0.25
            assert np.all(tr.inputs[i, stim, loc] == expected)
        c = tr.conditions["condition"][i]
        want = {"focused_A": (0.8, 0.0), "focused_B": (0.0, 0.8), "divided": (0.4, 0.4)}[c]
        assert tuple(tr.inputs[i, cue.start, 2:4]) == want
        assert tr.conditions["cued"][i] == {"focused_A": 0, "focused_B": 1, "divided": -1}[c]
    assert np.all(tr.inputs[:, : stim.start, :2] == 0)


def test_same_seed_same_trials_and_bad_condition_refused():
    a, b = _make(seed=7), _make(seed=7)
    assert np.array_equal(a.inputs, b.inputs) and np.array_equal(a.target, b.target)
    with pytest.raises(ValueError, match="valid"):
        _make(conditions=["attend_A"])


def test_scenario_schema_builds_the_task():
    from attnsim.registries import TASKS
    from attnsim.tasks import build_trials, n_cells, task_spec
    assert "dual_report" in TASKS.bundled()
    spec = task_spec({"kind": "dual_report", "n_trials": 24, "contrasts": [0.1]})
    tr = build_trials(spec, seed=3)
    assert tr.target.shape == (24, 2) and n_cells(spec) == 12
    assert spec.distractor_ratio == 0.0

"""A task's timing must be whole steps of its dt: a scenario that breaks the rule is answered at
validation with the file, the line and the key to change (task.timing.<epoch>, or task.dt when dt
is longer than an epoch), exit 2 from the CLI and no traceback, instead of trials of a silently
rounded length or, with no steps at all, a traceback from deep in the run (issue 20)."""
import numpy as np
import pytest

from attnsim import ScenarioError, load_scenario
from attnsim.tasks import TASKS, build_trials, task_spec
from attnsim.tasks.timeline import TimingError, timeline, timing_problems
from tests.conftest import run_cli

SCENARIO = """\
name: timing-check
seed: 1
task:
  kind: selective
  n_trials: 6
  dt: {dt}
  timing: {{fixation: {fixation}, cue: 50 ms, stimulus: 150 ms, response: 100 ms}}
models:
  - {{name: rate, family: rate_competition}}
analysis: [accuracy]
"""
DT_LINE, TIMING_LINE = 6, 7


def _write(tmp_path, dt="1 ms", fixation="100 ms"):
    path = tmp_path / "timing.yaml"
    path.write_text(SCENARIO.format(dt=dt, fixation=fixation))
    return str(path)


def test_the_rule_whole_steps_at_least_one_and_zero_length_epochs_allowed():
    assert timing_problems({"a": 300.0, "b": 0.0, "c": 50.0}, 0.1) == []        # 0.1 ms: float division tolerated
    assert timing_problems({"a": 300.0, "b": 0.0}, 300.0) == []
    (problem,) = timing_problems({"a": 300.0, "b": 150.0}, 100.0)
    assert problem[0] == "b" and "got 150 ms = 1.5 steps" in problem[1] and problem[2] == 150.0
    (problem,) = timing_problems({"a": 50.0, "b": 150.0, "c": 100.0}, 500.0)    # dt longer than epochs
    assert problem[0] is None and "timing.a = 50 ms" in problem[1] and "got 500 ms" in problem[1]
    with pytest.raises(TimingError, match="timing.b"):
        timeline({"a": 300.0, "b": 150.0}, 100.0)
    epochs, n = timeline({"a": 300.0, "b": 0.0, "c": 50.0}, 0.1)
    assert (epochs["a"], epochs["b"], epochs["c"], n) == (slice(0, 3000), slice(3000, 3000), slice(3000, 3500), 3500)


def test_dt_longer_than_an_epoch_is_an_error_at_task_dt(tmp_path):
    path = _write(tmp_path, dt="500 ms")
    with pytest.raises(ScenarioError) as err:
        load_scenario(path)
    (msg,) = err.value.messages
    assert msg.startswith(f"{path}:{DT_LINE}: task.dt: expected at most the shortest epoch, timing.cue = 50 ms")
    assert "got 500 ms" in msg


def test_an_epoch_that_is_not_whole_steps_is_an_error_at_its_key(tmp_path):
    path = _write(tmp_path, dt="25 ms", fixation="110 ms")
    with pytest.raises(ScenarioError) as err:
        load_scenario(path)
    (msg,) = err.value.messages
    assert msg.startswith(f"{path}:{TIMING_LINE}: task.timing.fixation: expected a whole number of steps of "
                          "dt = 25 ms (e.g. 100 ms or 125 ms); got 110 ms = 4.4 steps")


def test_the_cli_answers_a_timing_dt_mismatch_with_exit_2_and_the_key(tmp_path):
    path = _write(tmp_path, dt="500 ms")
    res = run_cli("validate", path, timeout=300)
    assert res.returncode == 2, (res.stdout, res.stderr)
    assert f"{path}:{DT_LINE}: task.dt: expected at most the shortest epoch" in res.stderr + res.stdout
    assert "Traceback" not in res.stderr
    ok = run_cli("validate", _write(tmp_path, dt="50 ms"), timeout=300)
    assert ok.returncode == 0, (ok.stdout, ok.stderr)


def test_every_bundled_task_checks_its_timing():
    """Each task's Spec refuses a dt longer than its epochs, and an epoch off the dt grid."""
    for name in TASKS.bundled():
        spec = task_spec({"kind": name})
        timing = spec.timing.model_dump()
        longest = max(timing.values())
        with pytest.raises(ValueError) as err:
            task_spec({"kind": name, "dt": 2 * longest})
        assert [e["loc"] for e in err.value.errors()] == [("dt",)], name
        epoch = next(k for k, v in timing.items() if v > 0)
        with pytest.raises(ValueError) as err:
            task_spec({"kind": name, "timing": {**timing, epoch: timing[epoch] + 0.5}})
        assert [e["loc"] for e in err.value.errors()] == [("timing", epoch)], name
        # the defaults keep the rule, and so build
        tr = build_trials(spec, seed=0, n_trials=2)
        assert tr.n_steps == int(round(sum(timing.values()) / spec.dt)) and tr.inputs.shape[1] > 0


def test_a_timing_on_the_dt_grid_gives_epochs_of_exactly_its_length():
    spec = task_spec({"kind": "selective", "dt": "0.1 ms",
                      "timing": {"fixation": "30 ms", "cue": "20 ms", "stimulus": "50 ms", "response": "10 ms"}})
    tr = build_trials(spec, seed=0, n_trials=3)
    expected = {"fixation": (0, 30), "cue": (30, 50), "stimulus": (50, 100), "response": (100, 110)}
    assert list(tr.epochs) == list(expected)
    for name, (t0, t1) in expected.items():
        assert tr.epoch_ms(name) == pytest.approx((t0, t1)), name
    assert np.all(tr.inputs[:, tr.epochs["stimulus"], :2].max(axis=2) > 0)

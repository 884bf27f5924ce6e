"""Tasks live in the TASKS registry: bundled ones carry a summary, a Spec, build and n_cells; an
outside task named `kind: module:Class` is validated by its own Spec and builds trials; bad kinds
give one clean ScenarioError line naming them."""
import glob
import os
import sys
import textwrap

import pytest
import yaml
from pydantic import BaseModel

from attnsim.registries import TASKS
from attnsim.scenario.load import load_file
from attnsim.scenario.yaml_lines import ScenarioError
from attnsim.tasks import build_trials, n_cells, task_spec
from tests.conftest import ROOT

OUTSIDE_TASK = textwrap.dedent('''\
    """An outside task for the test: constant drive on stim_A, one condition."""
    import numpy as np
    from pydantic import BaseModel, ConfigDict, Field

    from attnsim.tasks.trials import CHANNELS, Trials, timeline


    class MySpec(BaseModel):
        model_config = ConfigDict(extra="forbid")
        kind: str
        n_trials: int = Field(4, ge=1)
        dt: float = 1.0
        level: float = Field(0.25, ge=0.0, le=1.0)


    class MyTask:
        """constant drive on A"""
        Spec = MySpec

        @staticmethod
        def build(spec, seed, n_trials):
            epochs, n_steps = timeline({"stimulus": 50.0, "response": 20.0}, spec.dt)
            inputs = np.zeros((n_trials, n_steps, len(CHANNELS)))
            inputs[:, epochs["stimulus"], 0] = spec.level
            return Trials(dt_ms=spec.dt, inputs=inputs, channels=CHANNELS, target=np.zeros(n_trials, int),
                          epochs=epochs, conditions={"condition": np.array(["steady"] * n_trials)})

        @staticmethod
        def n_cells(spec):
            return 1
    ''')


def _scenario(task: dict, plugin_path=None) -> dict:
    data = {"name": "t", "seed": 1, "task": task, "models": [{"name": "rate", "family": "rate_competition"}],
            "analysis": ["accuracy"]}
    if plugin_path is not None:
        data["plugin_path"] = plugin_path
    return data


def _write(path, data) -> str:
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return str(path)


def _line(path: str, text: str) -> int:
    """1-based number of the first line of the file at `path` that starts with `text`."""
    return next(i for i, ln in enumerate(open(path).read().splitlines(), 1) if ln.startswith(text))


@pytest.fixture
def clean_imports(monkeypatch):
    """The registry adds plugin folders to sys.path and imports modules: undo both after the test."""
    monkeypatch.setattr(sys, "path", list(sys.path))
    before = set(sys.modules)
    yield
    for name in set(sys.modules) - before:
        if name.startswith(("mytask_mod", "no_such_task_mod")):
            del sys.modules[name]


def test_every_bundled_task_has_summary_spec_build_and_n_cells():
    bundled = TASKS.bundled()
    used = {yaml.safe_load(open(f))["task"]["kind"]
            for f in glob.glob(os.path.join(ROOT, "scenarios", "**", "*.yaml"), recursive=True)}
    assert used <= set(bundled), used - set(bundled)
    for name, entry in bundled.items():
        cls = entry.obj
        assert entry.summary and entry.summary == entry.summary.strip(), name
        assert isinstance(cls.Spec, type) and issubclass(cls.Spec, BaseModel), name
        spec = task_spec({"kind": name})            # every key has a default but kind
        assert spec.kind == name and isinstance(spec, cls.Spec)
        with pytest.raises(Exception):
            cls.Spec.model_validate({"kind": "not_" + name})   # the Spec pins its own kind
        trials = build_trials(spec, seed=0, n_trials=n_cells(spec))
        assert trials.n_trials == n_cells(spec) >= 1
        assert len(set(trials.conditions["condition"])) >= 1


def test_n_cells_sees_every_condition_label_once():
    """n_cells trials are enough to list every condition a task can produce."""
    for name in TASKS.bundled():
        spec = task_spec({"kind": name})
        few = set(build_trials(spec, seed=0, n_trials=n_cells(spec)).conditions["condition"])
        many = set(build_trials(spec, seed=0, n_trials=10 * n_cells(spec)).conditions["condition"])
        assert few == many, name


def test_divided_and_dual_report_keep_their_defaults_and_key_order():
    divided = task_spec({"kind": "divided"}).model_dump()
    dual = task_spec({"kind": "dual_report"}).model_dump()
    assert list(divided) == ["kind", "n_trials", "dt", "timing", "contrasts", "conditions", "cue_validity",
                             "distractor_ratio", "cue_strength", "cue_persists"]
    assert list(dual) == ["kind", "n_trials", "dt", "timing", "contrasts", "conditions",
                          "distractor_ratio", "cue_strength", "cue_persists"]
    assert divided["distractor_ratio"] == 0.5 and dual["distractor_ratio"] == 0.0
    assert divided["cue_validity"] == 0.75
    for key in ("n_trials", "dt", "timing", "contrasts", "conditions", "cue_strength", "cue_persists"):
        assert divided[key] == dual[key], key
    assert divided["n_trials"] == 120 and divided["contrasts"] == [0.3]
    assert divided["timing"] == {"fixation": 300.0, "cue": 200.0, "stimulus": 500.0, "response": 200.0}
    with pytest.raises(Exception, match="cue_validity"):
        task_spec({"kind": "dual_report", "cue_validity": 0.5})   # not a dual_report key
    for kind in ("divided", "dual_report"):
        with pytest.raises(Exception, match="less than or equal to 1"):
            task_spec({"kind": kind, "distractor_ratio": 1.5})
        with pytest.raises(Exception, match="greater than or equal to 1"):
            task_spec({"kind": kind, "n_trials": 0})


def test_outside_task_validates_and_builds_trials(tmp_path, clean_imports):
    plugins = tmp_path / "plugins"
    plugins.mkdir()
    (plugins / "mytask_mod.py").write_text(OUTSIDE_TASK)
    (tmp_path / "scn").mkdir()
    path = _write(tmp_path / "scn" / "s.yaml",
                  _scenario({"kind": "mytask_mod:MyTask", "level": 0.5}, plugin_path=[str(plugins)]))
    scn, resolved = load_file(path)
    assert type(scn.task).__name__ == "MySpec" and scn.task.level == 0.5
    assert resolved["task"] == {"kind": "mytask_mod:MyTask", "n_trials": 4, "dt": 1.0, "level": 0.5}
    trials = build_trials(scn.task, seed=0)
    assert trials.n_trials == 4 and n_cells(scn.task) == 1
    assert trials.inputs[:, trials.epochs["stimulus"], 0].min() == 0.5

    # its own Spec's errors come back with the task. prefix and the line of the key
    path2 = tmp_path / "scn" / "bad.yaml"
    path2.write_text(open(path).read().replace("level: 0.5", "levle: 0.5"))
    with pytest.raises(ScenarioError) as err:
        load_file(str(path2))
    text = "\n".join(err.value.messages)
    line = _line(str(path2), "  levle:")
    assert f"{path2}:{line}: task.levle: unknown key; valid keys: dt, kind, level, n_trials" in text


def test_unknown_kind_missing_kind_and_missing_module_are_clean_errors(tmp_path, clean_imports):
    path = _write(tmp_path / "u.yaml", _scenario({"kind": "juggling", "n_trials": 3}))
    with pytest.raises(ScenarioError) as err:
        load_file(path)
    (msg,) = err.value.messages
    assert msg.startswith(f"{path}:{_line(path, '  kind:')}: task.kind: unknown task kind 'juggling'; valid kinds: ")
    assert all(name in msg for name in TASKS.bundled())

    path = _write(tmp_path / "m.yaml", _scenario({"n_trials": 3}))
    with pytest.raises(ScenarioError) as err:
        load_file(path)
    (msg,) = err.value.messages
    assert f"{path}:{_line(path, 'task:')}: task: required key 'kind' is missing; valid kinds: " in msg

    path = _write(tmp_path / "o.yaml", _scenario({"kind": "no_such_task_mod:Task"}, plugin_path=[str(tmp_path)]))
    with pytest.raises(ScenarioError) as err:
        load_file(path)
    (msg,) = err.value.messages
    assert msg.startswith(f"{path}:{_line(path, '  kind:')}: task.kind: ") and "no_such_task_mod" in msg and "Traceback" not in msg


def test_a_class_that_is_not_a_task_is_refused(tmp_path, clean_imports):
    (tmp_path / "mytask_mod_bad.py").write_text("class NotATask:\n    pass\n")
    path = _write(tmp_path / "n.yaml", _scenario({"kind": "mytask_mod_bad:NotATask"}))
    with pytest.raises(ScenarioError) as err:
        load_file(path)
    (msg,) = err.value.messages
    assert "task.kind" in msg and "mytask_mod_bad:NotATask" in msg and "Spec" in msg
    sys.modules.pop("mytask_mod_bad", None)


def test_an_outside_task_whose_build_fails_is_a_clean_error(tmp_path, clean_imports):
    (tmp_path / "mytask_mod_boom.py").write_text(OUTSIDE_TASK.replace(
        "epochs, n_steps = timeline(", "raise RuntimeError('no trials today'); epochs, n_steps = timeline("))
    path = _write(tmp_path / "f.yaml", _scenario({"kind": "mytask_mod_boom:MyTask"}))
    with pytest.raises(ScenarioError) as err:
        load_file(path)
    (msg,) = err.value.messages
    assert f"{path}:{_line(path, '  kind:')}: task.kind:" in msg and "no trials today" in msg
    sys.modules.pop("mytask_mod_boom", None)


def test_task_errors_and_scenario_errors_are_reported_together(tmp_path):
    data = _scenario({"kind": "selective", "n_trials": 0})
    data["seed"] = -1
    path = _write(tmp_path / "b.yaml", data)
    with pytest.raises(ScenarioError) as err:
        load_file(path)
    text = "\n".join(err.value.messages)
    assert "seed:" in text and "task.n_trials:" in text


def test_metric_and_figure_names_checked_through_a_registry():
    """The reference check speaks the Registry API: any registry, any name."""
    from attnsim.models.registry import Registry
    from attnsim.scenario.load import _unknown_part

    reg = Registry("metric", "attnsim.test_no_such_group", packages=())

    @reg.register("mine")
    def mine(trials, activity):
        """a metric of the test"""
        return {}

    assert _unknown_part(reg, "mine", ()) is None
    assert _unknown_part(reg, "yours", ()) == ("unknown metric 'yours'; valid metrics: mine "
                                               "(or an outside one as package.module:Name)")
    assert "no_such_metric_mod" in _unknown_part(reg, "no_such_metric_mod:f", ())
    assert _unknown_part(reg, "os.path:join", ()) is None   # an importable outside part resolves

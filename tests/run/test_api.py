"""The Python API (attnsim.load_scenario / run / open_run / Result) and outside models."""
import json
import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest

import attnsim
from tests.helpers.scenarios import small_scenario


def _py(code: str, cwd, timeout=120):
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], cwd=cwd, capture_output=True,
                          text=True, timeout=timeout, env=env)


def test_import_is_light_and_claims_no_generic_names(tmp_path):
    (tmp_path / "models.py").write_text("WHO = 'the user'\n")
    r = _py("""
        import importlib.util, sys
        import attnsim, models
        assert models.WHO == 'the user', models.__file__
        assert importlib.util.find_spec('sim') is None
        assert 'brian2' not in sys.modules and 'matplotlib.pyplot' not in sys.modules
        import attnsim.models.activity
        print('ok', attnsim.models.__name__)
    """, cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert "ok attnsim.models" in r.stdout


def test_run_in_memory_leaves_no_directory(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    res = attnsim.run(small_scenario())
    assert os.listdir(tmp_path) == []
    assert res.run_dir is None
    assert res.models == ["mine", "rnn"]
    assert res.activity["mine"].rates.shape == (24, res.trials.inputs.shape[1], 2)
    acc = res.metrics["mine"]["accuracy"]["all"]
    assert 0.0 <= acc <= 1.0
    assert res.summary["models"]["mine"]["kind"] == "artificial"
    assert "loss" in res.training["mine"]
    fig = res.figure("training", model="mine") if len(res.figures("training")) > 1 else res.figure("training")
    from matplotlib.figure import Figure
    assert isinstance(fig, Figure)


def test_run_to_directory_then_open_run_gives_the_same_result(tmp_path):
    out = tmp_path / "run"
    res = attnsim.run(small_scenario(report=True), out=str(out))
    assert res.run_dir == str(out)
    for f in ("summary.json", "results.h5", "scenario.yaml", "provenance.json", "report.md"):
        assert (out / f).exists(), f
    assert not (tmp_path / "run.partial").exists()
    report = (out / "report.md").read_text()
    assert "mine (my_models:LinearAccumulator)" in report
    old = attnsim.open_run(str(out))
    assert old.summary == res.summary == json.loads((out / "summary.json").read_text())
    for name in res.models:
        np.testing.assert_array_equal(old.activity[name].choice, res.activity[name].choice)
        np.testing.assert_allclose(old.activity[name].rates, res.activity[name].rates, rtol=1e-6, atol=1e-6)
    assert old.training["mine"] == res.training["mine"]
    assert old.capabilities["mine"] == frozenset({"trainable", "dynamical"})   # as my_models.py declares


def test_same_seed_same_numbers_in_memory_and_on_disk(tmp_path):
    a = attnsim.run(small_scenario())
    b = attnsim.run(small_scenario(), out=str(tmp_path / "b"), workers=2)
    assert a.summary == b.summary


def test_load_scenario_overrides_and_bundled_lookup(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    scn = attnsim.load_scenario("scenarios/sustained_delay.yaml", overrides={"task.n_trials": 6})
    assert scn.task.n_trials == 6
    with pytest.raises(attnsim.ScenarioError) as e:
        attnsim.load_scenario(small_scenario(models=[{"name": "x", "family": "no_such_module:Model"}]))
    assert "models[0].family" in str(e.value) and "no_such_module" in str(e.value)


def test_sweep_returns_a_table_of_points():
    scn = small_scenario(models=[small_scenario()["models"][0]],
                         sweep={"grid": {"models.0.params.tau_ms": [50.0, 200.0]}, "seeds": [1, 2]})
    res = attnsim.run(scn)
    rows = res.table("accuracy")
    assert len(rows) == 4
    assert {(r["models.0.params.tau_ms"], r["seed"]) for r in rows} == {(50.0, 1), (50.0, 2), (200.0, 1), (200.0, 2)}
    assert all(r["model"] == "mine" and 0 <= r["value"] <= 1 for r in rows)

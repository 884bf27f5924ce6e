"""Bad run input is refused before anything is written: a sweep grid too large to expand, a sweep
too large for the machine or absurd, a scheduler that cannot be reached. Each exits 2 with a
clear message, no traceback, and leaves no run directory (finished or .partial) behind."""
from __future__ import annotations

import textwrap

import pytest

from attnsim import cli
from attnsim.scenario import load

TASK = ("task: {kind: selective, n_trials: 6, dt: 5 ms,\n"
        "       timing: {fixation: 50 ms, cue: 50 ms, stimulus: 100 ms, response: 50 ms}}\n")


def _write(tmp_path, body: str):
    path = tmp_path / "scn.yaml"
    path.write_text("name: bad-input\nseed: 1\n" + TASK + "models: [{name: r, family: rate_competition}]\n"
                    + textwrap.dedent(body))
    return path


def _nothing_left(tmp_path):
    return sorted(p.name for p in tmp_path.iterdir() if p.name != "scn.yaml") == []


def test_a_million_point_grid_is_refused_before_any_point_is_expanded(tmp_path, monkeypatch, capsys):
    def expanded(*a, **k):
        raise AssertionError("the grid was expanded before its size was checked")
    monkeypatch.setattr(load, "sweep_points", expanded)       # what the loader expands with
    values = ", ".join(str(v) for v in range(1000))
    path = _write(tmp_path, f"sweep:\n  grid:\n    task.n_trials: [{values}]\n    models.0.params.w_plus: [{values}]\n")
    assert cli.main(["validate", str(path)]) == 2
    err = capsys.readouterr().err
    assert f"{path}:" in err and "sweep:" in err
    assert "1000000 sweep points" in err and "at most 1000" in err and "Traceback" not in err


def test_a_sweep_is_estimated_over_all_its_points_and_an_absurd_one_refused(tmp_path, capsys):
    """400 points x 100,000 trials: refused as absurd before anything is written."""
    path = _write(tmp_path, "sweep:\n  grid:\n    seed: [" + ", ".join(str(s) for s in range(400)) + "]\n")
    out = tmp_path / "out"
    rc = cli.main(["run", str(path), "--set", "task.n_trials=100000", "--out", str(out), "--quiet"])
    err = capsys.readouterr().err
    assert rc == 2, err
    assert "will not fit" in err and "40,000,000 model-trials" in err and "400 sweep points" in err
    assert "Traceback" not in err
    assert _nothing_left(tmp_path)


def test_a_sweep_disk_estimate_adds_up_points_of_different_sizes(tmp_path):
    """Disk is the sum of the points, each with its own n_trials; memory is the largest point's."""
    from attnsim import api, resources
    path = _write(tmp_path, "sweep:\n  grid:\n    task.n_trials: [6, 60]\n")
    est = resources.estimate(api.load_scenario(str(path)))
    small = resources.estimate(api.load_scenario(str(tmp_path / "scn.yaml"), overrides={"sweep": None}))
    big = resources.estimate(api.load_scenario(str(path), overrides={"sweep": None, "task.n_trials": 60}))
    assert est.disk_bytes == small.disk_bytes + big.disk_bytes
    assert est.memory_bytes == big.memory_bytes
    assert est.model_trials == 66


def test_an_unreachable_scheduler_leaves_no_partial_directory(tmp_path, capsys):
    path = _write(tmp_path, "")
    out = tmp_path / "out"
    rc = cli.main(["run", str(path), "--scheduler", "tcp://127.0.0.1:1", "--out", str(out), "--quiet"])
    err = capsys.readouterr().err
    assert rc == 2, err
    assert "--scheduler tcp://127.0.0.1:1: cannot connect" in err and "Traceback" not in err
    assert _nothing_left(tmp_path)


@pytest.mark.parametrize("extra", [[], ["--set", "sweep={grid: {seed: [1, 2]}}"]])
def test_a_refused_run_writes_nothing_for_plain_runs_and_sweeps(tmp_path, capsys, monkeypatch, extra):
    from attnsim import resources
    monkeypatch.setattr(resources, "available_memory_bytes", lambda: 10)
    path = _write(tmp_path, "")
    rc = cli.main(["run", str(path), *extra, "--out", str(tmp_path / "out"), "--quiet"])
    err = capsys.readouterr().err
    assert rc == 2 and "memory: needs about" in err, err
    assert _nothing_left(tmp_path)

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
    monkeypatch.setattr(load, "sweep_points", expanded)
    values = ", ".join(str(v) for v in range(1000))
    path = _write(tmp_path, f"sweep:\n  grid:\n    task.n_trials: [{values}]\n    models.0.params.w_plus: [{values}]\n")
    assert cli.main(["validate", str(path)]) == 2
    err = capsys.readouterr().err
    assert f"{path}:" in err and "sweep:" in err
    assert "1000000 sweep points" in err and "at most 1000" in err and "Traceback" not in err

"""The worked examples run as documented (reduced in size)."""
import json
import os

from tests.conftest import ROOT, run_cli


def test_own_model_example_appears_in_the_report(tmp_path):
    out = tmp_path / "own"
    r = run_cli("run", os.path.join(ROOT, "examples", "own_model", "scenario.yaml"), "--out", str(out), "--quiet",
                "--set", "task.n_trials=18", "--set", "models.2.params.max_steps=30", timeout=900)
    assert r.returncode == 0, r.stderr
    summary = json.loads((out / "summary.json").read_text())
    assert summary["models"]["mine"]["family"] == "my_models:LinearAccumulator"
    assert summary["models"]["mine"]["kind"] == "artificial"
    assert summary["models"]["mine"]["training"]["loss"] is not None
    report = (out / "report.md").read_text()
    row = [line for line in report.splitlines() if line.startswith("| mine | my_models:LinearAccumulator")]
    assert row, report[:2000]
    assert (out / "figures" / "training.png").exists()


def test_api_tour_runs_as_written(tmp_path):
    """examples/api_tour.py has no main guard and starts worker processes: it must run as is."""
    import subprocess
    import sys
    r = subprocess.run([sys.executable, os.path.join(ROOT, "examples", "api_tour.py")], capture_output=True,
                       text=True, cwd=tmp_path, timeout=900)
    assert r.returncode == 0, r.stderr[-4000:]
    assert "read back:" in r.stdout and "Traceback" not in r.stderr

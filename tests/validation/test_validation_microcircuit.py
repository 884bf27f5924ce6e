"""Reduced PD14 microcircuit validations: the scenario files' own expectations (ranges, rules,
calibration flags read from the files, never restated here) on fewer trials / shorter runs.

- scenarios/validation/pd14_spontaneous.yaml at 1 trial x 60 s (the file: 3 x 60 s). Same binary
  (one column, 0.1 scale). The window is the file's, not shorter: the ISI CV estimator reads low
  on short trains (a Poisson train at L2/3E's 0.4 Hz reads 0.81 over 20 s, 0.94 over 60 s: the
  file's window rule), so a shorter window would test the estimator's bias, not the network.
  One trial gives no bootstrap interval, so each expectation is the point check of its rule.
  Size: the Poisson count error of a population rate over 60 s is below 1 % for every population,
  well inside the +-20 % ranges; what 1 seed cannot bound is the seed-to-seed spread.
- scenarios/microcircuit_attention.yaml at 6 trials per network seed (the file: 30), its 5 seeds:
  1 trial per condition x contrast cell, 2 attend_A and 2 neutral trials per seed. The file's claims
  are over seeds, so its interval resamples the 5 networks (then trials); the verdicts are the
  file's rules (calibration rows shown, not counted; known deviations do not fail --check).
Each run takes < 3 min on 2 cores with the binary cached (a cold build takes longer).
"""
import json
import os

import pytest

from tests.conftest import ROOT


def _run(cli, tmp_path, scenario, *sets):
    out = tmp_path / "run"
    args = ["run", os.path.join(ROOT, scenario), "--out", str(out), "--check"]
    for s in sets:
        args += ["--set", s]
    p = cli(*args, timeout=900)
    print(p.stdout[-4000:])
    summary = json.loads((out / "summary.json").read_text()) if (out / "summary.json").exists() else None
    return p, summary


def test_pd14_spontaneous_reduced(cli, tmp_path):
    pytest.importorskip("brian2")
    p, summary = _run(cli, tmp_path, "scenarios/validation/pd14_spontaneous.yaml",
                      "task.n_trials=1", "run.chunk_trials=1")
    assert summary is not None, p.stderr[-2000:]
    assert len(summary["expectations"]) == 16
    assert p.returncode == 0, [(e["group"], e["metric"], e["value"], e["range"]) for e in summary["expectations"]
                               if e.get("verdict") not in ("pass", "calibration", "deviation")]


def test_microcircuit_attention_reduced(cli, tmp_path):
    pytest.importorskip("brian2")
    p, summary = _run(cli, tmp_path, "scenarios/microcircuit_attention.yaml", "task.n_trials=6")
    assert summary is not None, p.stderr[-2000:]
    groups = {e["group"] for e in summary["expectations"]}
    assert {"A_L4E", "B_L23E", "B_L5E"} <= groups          # the validation rows are the non-injected layers
    assert all(e["n_seeds"] == 5 and e["interval_over"] == "seeds" for e in summary["expectations"])
    assert p.returncode == 0, [(e["group"], e["value"], e["range"]) for e in summary["expectations"]]

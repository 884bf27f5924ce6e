"""Trained weights saved with the run reload without training; sweeps run every point and resume."""
import json
import os
import textwrap

from tests.conftest import run_cli

ANN = textwrap.dedent("""\
    name: tiny-ann
    seed: 5
    task:
      kind: selective
      n_trials: 12
      timing: {fixation: 100 ms, cue: 100 ms, stimulus: 200 ms, response: 100 ms}
      contrasts: [0.5]
      conditions: [attend_A, attend_B]
    models:
      - {name: rnn, family: rnn, params: {hidden: 16, max_steps: 40, batch_size: 16}}
    analysis: [accuracy, reaction_time_ms]
    figures: [training]
    """)

SWEEP = textwrap.dedent("""\
    name: tiny-sweep
    seed: 9
    task:
      kind: sustained
      n_trials: 4
      timing: {fixation: 100 ms, cue: 100 ms, delay: 100 ms, stimulus: 200 ms, response: 100 ms}
    models:
      - {name: rate, family: rate_competition}
    analysis: [accuracy, persistence_time]
    sweep:
      grid:
        models.0.params.cue_bias_nA: [0.0, 0.02]
      plot: [{metric: accuracy}]
    expect:
      - {model: rate, metric: accuracy, condition: all, where: {models.0.params.cue_bias_nA: 0.02},
         range: [0.0, 1.0], source: "selects one point"}
    """)


def test_weights_reload_reproduce_accuracy_without_training(tmp_path):
    scen = tmp_path / "ann.yaml"
    scen.write_text(ANN)
    res = run_cli("run", str(scen), "--out", str(tmp_path / "trained"), "--quiet")
    assert res.returncode == 0, res.stderr
    assert (tmp_path / "trained" / "weights" / "rnn.npz").exists()
    assert (tmp_path / "trained" / "figures" / "training.png").exists()
    res = run_cli("run", str(scen), "--out", str(tmp_path / "reloaded"), "--quiet",
                  "--weights-from", str(tmp_path / "trained"))
    assert res.returncode == 0, res.stderr
    a = json.loads((tmp_path / "trained" / "summary.json").read_text())
    b = json.loads((tmp_path / "reloaded" / "summary.json").read_text())
    assert a["models"]["rnn"]["metrics"] == b["models"]["rnn"]["metrics"]
    prov = json.loads((tmp_path / "reloaded" / "provenance.json").read_text())
    assert prov["timings"]["rnn"]["fit_s"] == 0.0          # nothing was trained the second time


def test_sweep_runs_every_point_and_resumes(tmp_path):
    from attnsim.scenario.load import load_file
    from attnsim.sweep import run_sweep
    scen = tmp_path / "sweep.yaml"
    scen.write_text(SWEEP)
    sc, resolved = load_file(str(scen))
    partial = str(tmp_path / "s.partial")
    first = run_sweep(sc, resolved, partial, workers=1, started=0.0, quiet=True, point_figures=False)
    pts = first["sweep"]["points"]
    assert [p["values"]["models.0.params.cue_bias_nA"] for p in pts] == [0.0, 0.02]
    assert first["expectations"][0]["note"] == "mean over 1 point(s)"
    kept = os.path.join(partial, "points", "000", "provenance.json")
    stamp = os.stat(kept).st_mtime_ns
    os.remove(os.path.join(partial, "points", "001", "provenance.json"))   # point 1 as if interrupted
    again = run_sweep(sc, resolved, partial, workers=1, started=0.0, quiet=True, point_figures=False)
    assert os.stat(kept).st_mtime_ns == stamp
    assert again["sweep"]["points"] == first["sweep"]["points"]


def test_bad_sweep_key_is_reported_with_line(tmp_path):
    scen = tmp_path / "bad.yaml"
    scen.write_text(SWEEP.replace("models.0.params.cue_bias_nA: [0.0, 0.02]", "models.0.params.nonsense: [1, 2]"))
    res = run_cli("validate", str(scen))
    assert res.returncode == 2 and f"{scen}:12:" in res.stderr and "nonsense" in res.stderr

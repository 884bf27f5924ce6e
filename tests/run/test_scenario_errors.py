"""Broken scenarios: exit 2, a message naming file, line and key, no traceback, nothing written."""
import os
import textwrap

import pytest

from tests.conftest import run_cli

GOOD = textwrap.dedent("""\
    name: tiny
    seed: 3
    task:
      kind: selective
      n_trials: 6
      dt: 1 ms
      timing: {fixation: 100 ms, cue: 100 ms, stimulus: 300 ms, response: 100 ms}
      contrasts: [0.5]
    models:
      - {name: rate, family: rate_competition}
    analysis: [accuracy, modulation_index]
    figures: [rates]
    """)

CASES = [
    # (description, replace old -> new, expected line, expected fragments)
    ("unknown key", ("  n_trials: 6", "  n_trails: 6"), 5, ["task.n_trails", "unknown key", "n_trials"]),
    ("wrong type", ("  n_trials: 6", "  n_trials: many"), 5, ["task.n_trials", "integer"]),
    ("unknown task", ("kind: selective", "kind: juggling"), 4, ["task", "juggling", "selective", "discrimination"]),
    ("unknown family", ("family: rate_competition", "family: bogus_net"), 10,
     ["models[0].family", "bogus_net", "spiking_competition", "rate_competition"]),
    ("negative duration", ("stimulus: 300 ms", "stimulus: -300 ms"), 7, ["task.timing.stimulus", "greater than 0"]),
    ("wrong unit", ("  dt: 1 ms", "  dt: 1 mV"), 6, ["task.dt", "time", "voltage"]),
    ("python tag", ("name: tiny", "name: !!python/object/apply:os.system ['echo pwned']"), 1, ["python"]),
    ("negative model parameter", ("{name: rate, family: rate_competition}",
                                  "{name: rate, family: rate_competition, params: {tau_NMDA_ms: -5}}"), 10,
     ["models[0].params.tau_NMDA_ms", "greater than 0"]),
    ("optional bounded parameter out of range", ("{name: rate, family: rate_competition}",
                                                 "{name: rate, family: rate_competition, "
                                                 "params: {report_criterion_hz: -1}}"), 10,
     ["models[0].params.report_criterion_hz", "greater than or equal to 0"]),
    ("unknown model parameter", ("{name: rate, family: rate_competition}",
                                 "{name: rate, family: rate_competition, params: {tau_nmda: 5}}"), 10,
     ["models[0].params.tau_nmda", "unknown key", "tau_NMDA_ms"]),
    ("parameter in the wrong unit", ("{name: rate, family: rate_competition}",
                                     "{name: rate, family: rate_competition, params: {tau_NMDA_ms: 100 mV}}"), 10,
     ["models[0].params.tau_NMDA_ms", "time"]),
    ("unknown metric", ("analysis: [accuracy, modulation_index]", "analysis: [accuracy, happiness]"), 11,
     ["analysis[1]", "happiness", "modulation_index"]),
    ("unknown figure", ("figures: [rates]", "figures: [rates, sculpture]"), 12, ["figures[1]", "sculpture", "raster"]),
    ("contrast out of range", ("contrasts: [0.5]", "contrasts: [1.5]"), 8, ["task.contrasts[0]", "1"]),
]


# `run` shares `validate`'s loader; check it end to end on a few cases to keep the suite quick
RUN_TOO = {"unknown key", "python tag", "wrong unit", "negative model parameter"}


@pytest.mark.parametrize("desc,change,line,fragments", CASES, ids=[c[0] for c in CASES])
def test_broken_scenario_exits_2_with_location(tmp_path, desc, change, line, fragments):
    old, new = change
    assert old in GOOD
    path = tmp_path / "broken.yaml"
    path.write_text(GOOD.replace(old, new, 1))
    out = tmp_path / "run"
    runs = [["run", str(path), "--out", str(out), "--quiet"]] if desc in RUN_TOO else []
    for argv in [["validate", str(path)]] + runs:
        res = run_cli(*argv, cwd=str(tmp_path))
        assert res.returncode == 2, (desc, res.stdout, res.stderr)
        assert "Traceback" not in res.stderr
        assert f"{path}:{line}:" in res.stderr, res.stderr
        for frag in fragments:
            assert frag in res.stderr, (frag, res.stderr)
    assert not out.exists() and not (tmp_path / "run.partial").exists()
    assert not (tmp_path / "runs").exists()


def test_missing_file(tmp_path):
    res = run_cli("run", str(tmp_path / "nope.yaml"), "--quiet", cwd=str(tmp_path))
    assert res.returncode == 2 and "no such file" in res.stderr and "Traceback" not in res.stderr
    assert os.listdir(tmp_path) == []


def test_expectation_cross_references(tmp_path):
    path = tmp_path / "x.yaml"
    path.write_text(GOOD + textwrap.dedent("""\
        expect:
          - {model: ghost, metric: accuracy, condition: attend_A, range: [0.8, 1.0], source: test}
          - {model: rate, metric: accuracy, condition: attend_C, range: [0.8, 1.0], source: test}
        """))
    res = run_cli("validate", str(path))
    assert res.returncode == 2
    assert f"{path}:14: expect[0].model: no model named 'ghost'" in res.stderr
    assert f"{path}:15: expect[1].condition: no condition 'attend_C'" in res.stderr
    assert "valid conditions: all, attend_A, attend_B, attended, neutral" in res.stderr


def test_duplicate_key_and_syntax_error(tmp_path):
    dup = tmp_path / "dup.yaml"
    dup.write_text(GOOD.replace("seed: 3\n", "seed: 3\nseed: 4\n"))
    res = run_cli("validate", str(dup))
    assert res.returncode == 2 and f"{dup}:3: seed: duplicate key" in res.stderr
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: [unclosed\nseed: 1\n")
    res = run_cli("validate", str(bad))
    assert res.returncode == 2 and "YAML syntax error" in res.stderr and "Traceback" not in res.stderr


def test_bad_override_and_existing_out(tmp_path):
    path = tmp_path / "good.yaml"
    path.write_text(GOOD)
    res = run_cli("run", str(path), "--set", "task.n_trials=-1", "--quiet", cwd=str(tmp_path))
    assert res.returncode == 2 and "task.n_trials" in res.stderr
    (tmp_path / "taken").mkdir()
    (tmp_path / "taken" / "keep.txt").write_text("precious")
    res = run_cli("run", str(path), "--out", str(tmp_path / "taken"), "--quiet", cwd=str(tmp_path))
    assert res.returncode == 2 and "already exists" in res.stderr
    assert (tmp_path / "taken" / "keep.txt").read_text() == "precious"


def test_bundled_scenarios_validate():
    import glob
    from tests.conftest import ROOT
    files = sorted(glob.glob(os.path.join(ROOT, "scenarios", "**", "*.yaml"), recursive=True))
    assert files
    res = run_cli("validate", *files)
    assert res.returncode == 0, res.stderr


def test_optional_bounded_parameter_accepts_null(tmp_path):
    """A resolved scenario.yaml writes an unset optional parameter as null; it must load again."""
    path = tmp_path / "s.yaml"
    path.write_text(GOOD.replace("{name: rate, family: rate_competition}",
                                 "{name: rate, family: rate_competition, params: {report_criterion_hz: null}}"))
    res = run_cli("validate", str(path))
    assert res.returncode == 0, res.stderr

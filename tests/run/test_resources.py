"""Memory and disk estimated before a run; a run that cannot fit is refused with the estimate."""
import textwrap

import pytest

import attnsim
from attnsim import resources
from tests.conftest import run_cli
from tests.helpers.plugins import PLUGIN_SOURCE

FOOTPRINT = PLUGIN_SOURCE + textwrap.dedent('''
    class Sized(Echo):
        def footprint(self, n_steps, dt_ms):
            return {"values_per_trial": 100, "spikes_per_trial": 10}
    ''')


def _scn(tmp_path, n_trials=20, record=("rates", "spikes")):
    (tmp_path / "sizedmod.py").write_text(FOOTPRINT)
    return attnsim.load_scenario({
        "name": "res", "seed": 1, "plugin_path": [str(tmp_path)], "record": list(record),
        "task": {"kind": "selective", "n_trials": n_trials, "dt": "5 ms",
                 "timing": {"fixation": "50 ms", "cue": "50 ms", "stimulus": "100 ms", "response": "50 ms"}},
        "models": [{"name": "s", "family": "sizedmod:Sized"}, {"name": "e", "family": "sizedmod:Echo"}]})


def test_estimate_is_the_documented_arithmetic(tmp_path):
    scn = _scn(tmp_path)
    est = resources.estimate(scn)
    steps = (50 + 50 + 100 + 50) // 5
    inputs = 20 * steps * 4 * 8
    activity = 20 * (100 * 8 + 10 * 16)
    stored = 20 * (100 * 4 + 10 * 16)
    assert est.memory_bytes == inputs + 2 * activity
    assert est.disk_bytes == inputs + activity + stored
    assert est.unknown == ["e"]          # Echo declares no footprint: counted by its inputs only
    rates_only = resources.estimate(_scn(tmp_path, record=("rates",)))
    assert rates_only.disk_bytes == inputs + activity + 20 * 100 * 4


def test_impossible_run_is_refused_with_the_estimate(tmp_path, monkeypatch):
    scn = _scn(tmp_path)
    monkeypatch.setattr(resources, "available_memory_bytes", lambda: 1000)
    with pytest.raises(attnsim.RunError) as e:
        attnsim.run(scn, out=str(tmp_path / "out"))
    msg = str(e.value)
    assert "will not fit" in msg and "memory: needs about" in msg and "s: 100 rate values" in msg
    assert not (tmp_path / "out").exists() and not (tmp_path / "out.partial").exists()


def test_cli_refuses_a_run_larger_than_the_disk(tmp_path):
    scn = tmp_path / "big.yaml"
    scn.write_text(textwrap.dedent("""\
        name: too-big
        seed: 1
        task: {kind: selective, n_trials: 100000, dt: 0.01 ms,
               timing: {fixation: 300 ms, cue: 200 ms, stimulus: 1000 ms, response: 500 ms}}
        models: [{name: r, family: rate_competition}]
        """))
    r = run_cli("run", str(scn), "--out", str(tmp_path / "o"), "--quiet")
    assert r.returncode == 2, r.stderr
    assert "will not fit on this machine" in r.stderr and "Traceback" not in r.stderr
    assert not (tmp_path / "o.partial").exists()

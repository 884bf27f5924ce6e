"""Outside parts that fail: each is a clean exit-2 message naming it, never a traceback."""
import os
import textwrap

import pytest

from tests.conftest import run_cli
from tests.helpers.plugins import PLUGIN_SOURCE



def scenario(tmp_path, family, params=None):
    (tmp_path / "usermod.py").write_text(PLUGIN_SOURCE)
    (tmp_path / "broken_import.py").write_text("import numpy as np\ndef oops(:\n")
    p = tmp_path / "s.yaml"
    p.write_text(textwrap.dedent(f"""\
        name: plugin-test
        seed: 1
        task: {{kind: selective, n_trials: 6, dt: 5 ms,
               timing: {{fixation: 50 ms, cue: 50 ms, stimulus: 100 ms, response: 50 ms}}}}
        models:
          - name: user
            family: "{family}"
            params: {params or {}}
        analysis: [accuracy]
        run: {{chunk_trials: 6}}
        """))
    return str(p)


def test_a_working_outside_model_runs(tmp_path):
    r = run_cli("run", scenario(tmp_path, "usermod:Echo"), "--out", str(tmp_path / "out"), "--quiet")
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "out" / "summary.json").exists()


@pytest.mark.parametrize("family, params, words", [
    ("nomodule_xyz:Model", None, ["s.yaml:7:", "models[0].family", "nomodule_xyz", "not found"]),
    ("usermod:Missing", None, ["models[0].family", "has no attribute 'Missing'", "Echo"]),
    ("usermod:NoRun", None, ["models[0].family", "breaks the model protocol", "`run`"]),
    ("broken_import:Model", None, ["models[0].family", "broken_import", "SyntaxError"]),
    ("usermod:Echo", {"gain": -1}, ["models[0].params", "gain must be >= 0"]),
    ("usermod:Echo", {"gian": 2}, ["models[0].params.gian", "unknown key", "gain"]),
])
def test_bad_outside_model_is_refused_before_running(tmp_path, family, params, words):
    r = run_cli("validate", scenario(tmp_path, family, params))
    assert r.returncode == 2, r.stdout + r.stderr
    assert "Traceback" not in r.stderr
    for w in words:
        assert w in r.stderr, (w, r.stderr)


@pytest.mark.parametrize("family, words", [
    ("usermod:Boom", ["model 'user'", "usermod:Boom", "run failed", "RuntimeError: boom in my model"]),
    ("usermod:WrongReturn", ["model 'user'", "returned dict", "Activity"]),
])
def test_outside_model_failing_at_run_time_is_a_clean_error(tmp_path, family, words):
    out = tmp_path / "out"
    r = run_cli("run", scenario(tmp_path, family), "--out", str(out), "--quiet")
    assert r.returncode == 2, r.stdout + r.stderr
    assert "Traceback" not in r.stderr
    for w in words:
        assert w in r.stderr, (w, r.stderr)
    assert not out.exists()                      # never a half-written run directory
    assert (tmp_path / "out.partial").is_dir()   # kept, resumable once fixed

"""Installed entry points (attnsim.families, attnsim.metrics) are found by name like bundled parts."""
import os
import subprocess
import sys
import textwrap

from tests.helpers.plugins import PLUGIN_SOURCE


def test_entry_point_family_and_metric(tmp_path):
    (tmp_path / "echo_plugin.py").write_text(PLUGIN_SOURCE + textwrap.dedent('''
        def n_trials(trials, activity):
            """number of trials (an outside metric)"""
            return {"all": float(trials.n_trials)}
        '''))
    dist = tmp_path / "echo_plugin-0.1.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: echo-plugin\nVersion: 0.1\n")
    (dist / "entry_points.txt").write_text("[attnsim.families]\necho = echo_plugin:Echo\n\n"
                                           "[attnsim.metrics]\nn_trials_seen = echo_plugin:n_trials\n")
    code = textwrap.dedent("""
        import attnsim
        assert "echo" in attnsim.FAMILIES.names(), attnsim.FAMILIES.names()
        e = attnsim.FAMILIES.get("echo")
        print("family", e.obj.__name__, e.origin)
        scn = attnsim.load_scenario({"name": "ep", "seed": 1,
            "task": {"kind": "selective", "n_trials": 6, "dt": "5 ms",
                     "timing": {"fixation": "50 ms", "cue": "50 ms", "stimulus": "100 ms", "response": "50 ms"}},
            "models": [{"name": "e", "family": "echo", "params": {"gain": 2.0}}],
            "analysis": ["accuracy", "n_trials_seen"], "run": {"chunk_trials": 6}})
        res = attnsim.run(scn)
        print("metric", res.metrics["e"]["n_trials_seen"]["all"])
        """)
    env = {**os.environ, "PYTHONPATH": str(tmp_path)}
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=300)
    assert r.returncode == 0, r.stderr
    assert "family Echo entry point (echo-plugin)" in r.stdout
    assert "metric 6.0" in r.stdout
